package survey_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

func TestDemoDefinitionsParse(t *testing.T) {
	for _, name := range examples.Definitions {
		d, err := survey.ParseDefinition(name, examples.File(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(d.Questions) < 5 {
			t.Errorf("%s: only %d questions", name, len(d.Questions))
		}
	}
}

// Each broken definition must be refused with the file, the line, the field and
// what would be valid.
func TestDefinitionErrorsArePlaced(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
		want      []string
	}{
		{"unknown type", "slug: a\ntitle: t\nquestions:\n  - key: q\n    type: nosuchtype\n    label: x\n", 5,
			[]string{"questions[0].type", "nosuchtype", "single, multi"}},
		{"bad slug", "slug: Bad Slug\ntitle: t\nquestions:\n  - {key: q, type: text, label: x}\n", 1, []string{"slug", "URL-safe"}},
		{"missing options", "slug: a\ntitle: t\nquestions:\n  - key: q\n    type: single\n    label: x\n", 4, []string{"questions[0].options", "options"}},
		{"duplicate key", "slug: a\ntitle: t\nquestions:\n  - {key: q, type: text, label: x}\n  - {key: q, type: text, label: y}\n", 5, []string{"questions[1].key", "already used"}},
		{"unknown field", "slug: a\ntitle: t\nquestions:\n  - key: q\n    type: text\n    lable: x\n", 6, []string{"lable"}},
		{"show_if later question", "slug: a\ntitle: t\nquestions:\n  - key: q\n    type: text\n    label: x\n    show_if: {question: r, equals: はい}\n  - {key: r, type: single, label: y, options: [はい]}\n", 7, []string{"show_if", "earlier question"}},
		{"show_if value", "slug: a\ntitle: t\nquestions:\n  - {key: r, type: single, label: y, options: [はい, いいえ]}\n  - key: q\n    type: text\n    label: x\n    show_if: {question: r, equals: たぶん}\n", 8, []string{"たぶん", "はい, いいえ"}},
		{"scale range", "slug: a\ntitle: t\nquestions:\n  - key: s\n    type: scale\n    label: x\n    min: 5\n    max: 1\n", 8, []string{"questions[0].max", "min: 1, max: 5"}},
		{"bad date", "slug: a\ntitle: t\nevent: {date: 2020/11/19}\nquestions:\n  - {key: q, type: text, label: x}\n", 3, []string{"event.date", "YYYY-MM-DD"}},
		{"wrong value type", "slug: a\ntitle: t\nmax_responses: many\nquestions:\n  - {key: q, type: text, label: x}\n", 3, []string{"many"}},
		{"personal analysed", "slug: a\ntitle: t\nquestions:\n  - {key: q, type: textarea, label: x, personal: true, analyze: true}\n", 4, []string{"analyze", "personal"}},
		{"code book twice", "slug: a\ntitle: t\ncode_books: [general, general]\nquestions:\n  - {key: q, type: text, label: x}\n", 3, []string{"code_books[1]", "twice"}},
		{"broken rule", "slug: a\ntitle: t\ncodes: |\n  *駐車場\n  駐車場 | (\nquestions:\n  - {key: q, type: text, label: x}\n", 5, []string{"codes", "line 2"}},
		{"long option", "slug: a\ntitle: t\nquestions:\n  - key: q\n    type: single\n    label: x\n    options: [はい, " + strings.Repeat("長い選択肢", 41) + "]\n", 7,
			[]string{"questions[0].options", "205 characters", "at most 200"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := survey.ParseDefinition("def.yaml", []byte(c.src))
			var errs survey.DefinitionErrors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("accepted, or not a DefinitionErrors: %v", err)
			}
			msg := err.Error()
			if errs[0].File != "def.yaml" || errs[0].Line != c.line {
				t.Errorf("placed at %s:%d, want def.yaml:%d (%s)", errs[0].File, errs[0].Line, c.line, msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestValidateAnswers(t *testing.T) {
	d, err := survey.ParseDefinition("m.yaml", examples.File("meeting-feedback.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, errs := survey.Validate(d, map[string]any{"role": "県", "satisfaction": 3.5, "recommend": "7",
		"program": map[string]any{"事例紹介": "最高"}, "useful": []any{"財源の確保", "a", "b"}})
	for _, k := range []string{"satisfaction", "program", "useful"} {
		if errs[k] == "" {
			t.Errorf("%s accepted: %v", k, errs)
		}
	}
	if errs["recommend"] != "" {
		t.Errorf("a numeric string for nps refused: %v", errs["recommend"])
	}
	a, errs := survey.Validate(d, map[string]any{"role": " 市町村 ", "satisfaction": 5, "comments": "  \r\n  "})
	if errs != nil || a["role"] != "市町村" || a["comments"] != nil {
		t.Errorf("trimmed answers: %v %v", a, errs)
	}
}

func TestShowIfDropsHiddenAnswersAndTheirRequirement(t *testing.T) {
	src := "slug: a\ntitle: t\nquestions:\n" +
		"  - {key: attend, type: single, label: 参加しましたか, options: [はい, いいえ], required: true}\n" +
		"  - {key: why, type: text, label: 理由, required: true, show_if: {question: attend, equals: いいえ}}\n"
	d, err := survey.ParseDefinition("a.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, errs := survey.Validate(d, map[string]any{"attend": "はい", "why": "hidden answer"})
	if errs != nil || a["why"] != nil {
		t.Errorf("hidden question: answers %v errors %v", a, errs)
	}
	if _, errs := survey.Validate(d, map[string]any{"attend": "いいえ"}); errs["why"] == "" {
		t.Errorf("shown required question not enforced")
	}
}
