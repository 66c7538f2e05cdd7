package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// koeSurvey is a survey whose answers koe's export writes in each of its
// ways: a choice, a checkbox list, a negative number (defused as '-7), text.
const koeSurvey = `slug: SLUG
title: 地域の集い
questions:
  - key: role
    type: single
    label: ご所属
    options: [県, 市町村, 社会福祉協議会]
  - key: topics
    type: multi
    label: 関心のある話題
    options: [防災, 子育て, 高齢者の見守り]
  - key: change
    type: number
    label: 参加者の増減（人）
  - key: comments
    type: textarea
    label: ご感想
`

func applyKoeSurvey(t *testing.T, st *store.Store, slug string) *survey.Survey {
	t.Helper()
	src := strings.Replace(koeSurvey, "SLUG", slug, 1)
	d, err := survey.ParseDefinition(slug+".yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), d, src); err != nil {
		t.Fatal(err)
	}
	s, err := st.SurveyBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Importing koe's own CSV export recognises its rows by their response id:
// into the survey it came from, it stores nothing (before, every response
// that came through the form or the API was stored a second time); into
// another survey, each row once, however often it is imported.
func TestImportRecognisesKoesOwnExportByID(t *testing.T) {
	answers := []string{
		`{"role":"県","topics":["防災","子育て"],"change":-7,"comments":"=SUM(A1) と書く人"}`,
		`{"role":"市町村","change":12,"comments":"改行の\nある感想"}`,
		`{"role":"市町村","change":12,"comments":"改行の\nある感想"}`, // the same answers twice: two responses
		`{"topics":["高齢者の見守り"]}`,
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyKoeSurvey(t, st, "tsudoi")
		for i, a := range answers {
			var raw map[string]any
			dec := json.NewDecoder(strings.NewReader(a))
			dec.UseNumber()
			if err := dec.Decode(&raw); err != nil {
				t.Fatal(err)
			}
			valid, errs := survey.Validate(s.Definition(), raw)
			if errs != nil {
				t.Fatalf("answer %d: %v", i, errs)
			}
			source := []string{"web", "api"}[i%2]
			if _, _, err := st.Submit(ctx, s, valid, survey.Submission{Source: source}); err != nil {
				t.Fatal(err)
			}
		}
		original := stored(t, st, s)
		var export bytes.Buffer
		if err := survey.WriteCSV(&export, s, original); err != nil {
			t.Fatal(err)
		}

		res, err := st.Import(ctx, s, "export.csv", export.Bytes(), survey.ImportOptions{Format: survey.FormatKoe})
		if err != nil || res.Stored != 0 || res.Skipped != len(answers) {
			t.Errorf("the export imported into its own survey: %+v %v, want nothing stored and %d skipped", res, err, len(answers))
		}
		if n := len(stored(t, st, s)); n != len(answers) {
			t.Errorf("%d responses after importing the export into its survey, want %d", n, len(answers))
		}

		another := applyKoeSurvey(t, st, "tsudoi-copy")
		for i, want := range []int{len(answers), 0} {
			res, err := st.Import(ctx, another, "export.csv", export.Bytes(), survey.ImportOptions{})
			if err != nil || res.Stored != want || res.Skipped != len(answers)-want {
				t.Errorf("import %d into another survey: %+v %v, want %d stored", i+1, res, err, want)
			}
		}
		copied := stored(t, st, another)
		if len(copied) != len(original) {
			t.Fatalf("%d responses in the other survey, want %d", len(copied), len(original))
		}
		for i := range original {
			got, _ := json.Marshal(copied[i].Answers)
			want, _ := json.Marshal(original[i].Answers)
			if !bytes.Equal(got, want) {
				t.Errorf("response %d: %s, want %s", i, got, want)
			}
		}
	})
}

// koe's export writes a negative number as '-7 so that a spreadsheet does
// not read it as a formula, or as -7 where it knows the cell is a number:
// the import reads both as -7.
func TestImportReadsANegativeNumberDefusedOrNot(t *testing.T) {
	file := "\uFEFF回答日時,ID,ご所属,関心のある話題,参加者の増減（人）,ご感想\r\n" +
		"2024/10/06 19:51:06,,県,,'-7,\r\n" +
		"2024/10/06 19:52:06,,県,,-7,\r\n" +
		"2024/10/06 19:53:06,,県,,'-0.5,'-マイナスから始まる感想\r\n"
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyKoeSurvey(t, st, "tsudoi")
		if _, err := st.Import(context.Background(), s, "export.csv", []byte(file), survey.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		checkResponses(t, stored(t, st, s), []want{
			{"2024-10-06T10:51:06Z", survey.Answers{"role": "県", "change": -7.0}},
			{"2024-10-06T10:52:06Z", survey.Answers{"role": "県", "change": -7.0}},
			{"2024-10-06T10:53:06Z", survey.Answers{"role": "県", "change": -0.5, "comments": "-マイナスから始まる感想"}},
		})
	})
}
