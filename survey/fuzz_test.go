package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for hostile input. Their seeds (the f.Add calls and
// testdata/fuzz/<Target>/) run as normal tests; by hand, for minutes:
//
//	go test -run '^$' -fuzz '^FuzzParseDefinition$' -fuzztime 5m ./survey/
//
// (likewise FuzzDecodeFormValidate, FuzzValidateJSON, FuzzReadTable).

func FuzzParseDefinition(f *testing.F) {
	for _, p := range fuzzDefinitionFiles(f) {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte("slug: x\ntitle: t\nquestions:\n  - {key: a, type: scale, min: 5, max: 1}\n"))
	f.Add([]byte("slug: x\ntitle: t\nquestions:\n  - {key: a, type: single, options: [A, A]}\n  - {key: b, type: text, show_if: {question: a, equals: A}}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDefinition("fuzz.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// A definition that parses can be answered, empty or not.
		Validate(d, map[string]any{})
		DecodeForm(d, url.Values{})
		s := fuzzSurvey(d)
		answers, errs := Validate(d, fuzzAnswers(d))
		if errs == nil {
			checkRows(t, s, answers)
		}
	})
}

// fuzzDefinitionFiles lists the example definitions.
func fuzzDefinitionFiles(tb testing.TB) []string {
	files, _ := filepath.Glob("examples/*.yaml")
	var out []string
	for _, p := range files {
		if !strings.HasSuffix(p, "answers.yaml") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		tb.Fatal("no example definitions in examples")
	}
	return append(out, "testdata/import-survey.yaml")
}

func fuzzDefinitions(tb testing.TB) []*Definition {
	var defs []*Definition
	for _, p := range fuzzDefinitionFiles(tb) {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		d, err := ParseDefinition(p, b)
		if err != nil {
			tb.Fatal(err)
		}
		defs = append(defs, d)
	}
	return defs
}

// fuzzSurvey stores nothing: it gives each question an id, as Apply would.
func fuzzSurvey(d *Definition) *Survey {
	s := &Survey{Slug: d.Slug, def: d}
	for i := range d.Questions {
		s.Questions = append(s.Questions, &QuestionModel{ID: int64(i + 1), Question: Question{Key: d.Questions[i].Key, Type: d.Questions[i].Type}})
	}
	return s
}

// fuzzAnswers makes plausible answers to every question: the first option, the minimum.
func fuzzAnswers(d *Definition) map[string]any {
	raw := map[string]any{}
	for i := range d.Questions {
		q := &d.Questions[i]
		switch q.Type {
		case Single:
			if len(q.Options) > 0 {
				raw[q.Key] = q.Options[0]
			}
		case Multi:
			if len(q.Options) > 0 {
				raw[q.Key] = []any{q.Options[0]}
			}
		case Scale, NPS, Number:
			lo, _, _, _ := q.Bounds()
			raw[q.Key] = json.Number(formatNumber(lo))
		case Matrix:
			if len(q.Rows) > 0 && len(q.Columns) > 0 {
				raw[q.Key] = map[string]any{q.Rows[0]: q.Columns[0]}
			}
		case Consent:
			raw[q.Key] = true
		case Date:
			raw[q.Key] = "2024-04-01"
		case Email:
			raw[q.Key] = "a@example.jp"
		case Text, Textarea:
			raw[q.Key] = "回答"
		}
	}
	return raw
}

// maxIndexedValue bounds the values in the index of answer values
// (answers_question_value): PostgreSQL refuses a B-tree entry over 2,704
// bytes, question id and entry header included.
const maxIndexedValue = 2600

// checkRows: validated answers become answer rows whole (nothing silently
// dropped, which would store a partial response) and only values a database
// takes (valid UTF-8, no NUL, within the length limits); what the
// respondent typed is marked free text, kept out of the index of values.
func checkRows(t *testing.T, s *Survey, answers Answers) {
	t.Helper()
	rows := AnswerRows(s, "r", answers)
	per := map[int64]int{}
	for _, r := range rows {
		per[r.QuestionID]++
		for _, v := range []string{r.Value, r.Item} {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || utf8.RuneCountInString(v) > MaxTextareaLen {
				t.Fatalf("question %d: value %q would be refused by the database", r.QuestionID, v)
			}
		}
		if !r.FreeText && len(r.Value) > maxIndexedValue {
			t.Fatalf("question %d: a value of %d bytes would go into the index of values", r.QuestionID, len(r.Value))
		}
		if qm := s.QuestionByID(r.QuestionID); r.FreeText != (qm.Kind().FreeText() || r.Other) {
			t.Fatalf("question %s: %q marked free text %v", qm.Key, r.Value, r.FreeText)
		}
	}
	for key, v := range answers {
		want := 1
		switch v := v.(type) {
		case []string:
			want = len(v)
		case map[string]string:
			want = len(v)
		case string, float64, bool:
		default:
			t.Fatalf("answer %s has type %T, which is not stored", key, v)
		}
		if got := per[s.QuestionID(key)]; got != want {
			t.Fatalf("answer %s = %#v became %d rows, want %d", key, v, got, want)
		}
	}
}

// FuzzDecodeFormValidate posts any form body to each example survey.
func FuzzDecodeFormValidate(f *testing.F) {
	defs := fuzzDefinitions(f)
	f.Add(uint8(0), "q.role=%E3%81%9D%E3%81%AE%E4%BB%96&q.role.other=%E5%A4%A7%E5%AD%A6&q.satisfaction=4&q.useful=%E5%8D%94%E5%83%8D%E3%81%AE%E8%80%83%E3%81%88%E6%96%B9&q.program.1=x&q.comments=%3Cb%3E")
	f.Add(uint8(1), "q.municipality=%FF%FE&q.population=&q.stage=%00")
	f.Add(uint8(2), "q.consent=on&q.email=a%40b&q.email=c&q.date=2024-02-30&q.count=1e309")
	f.Add(uint8(0), "q.useful=%E3%81%9D%E3%81%AE%E4%BB%96&q.useful.other=++&q.useful=%E3%81%9D%E3%81%AE%E4%BB%96&q.recommend=-0")
	// The longest texts, a run of kanji without punctuation: PostgreSQL once
	// refused them in the index of values.
	f.Add(uint8(0), url.Values{"q.role": {"その他"}, "q.role.other": {kanjiRun(MaxTextLen)}, "q.satisfaction": {"3"}, "q.comments": {kanjiRun(MaxTextareaLen)}}.Encode())
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		form, err := url.ParseQuery(body)
		if err != nil && len(form) == 0 {
			return
		}
		d := defs[int(which)%len(defs)]
		answers, errs := Validate(d, DecodeForm(d, form))
		if errs == nil {
			checkRows(t, fuzzSurvey(d), answers)
		}
	})
}

// FuzzValidateJSON sends any JSON body, decoded as the API decodes it.
func FuzzValidateJSON(f *testing.F) {
	defs := fuzzDefinitions(f)
	f.Add(uint8(0), `{"role":"市町村","satisfaction":4,"useful":["協働の考え方","財源の確保"],"program":{"事例紹介":"参考になった"},"recommend":8,"comments":"連携"}`)
	f.Add(uint8(0), `{"role":"その他","useful":["その他","x","y"],"satisfaction":4.5,"recommend":1e400,"program":{"事例紹介":5}}`)
	f.Add(uint8(1), `{"municipality":"\u0000","population":null,"stage":[],"challenge_detail":"\ud800"}`)
	f.Add(uint8(2), `{"consent":"true","email":"a@example.jp","date":"2024-13-01","count":-1}`)
	f.Add(uint8(0), `{"role":"`+kanjiRun(MaxTextLen)+`","useful":["`+kanjiRun(MaxTextLen)+`"],"satisfaction":3,"comments":"`+kanjiRun(MaxTextareaLen)+`"}`)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		var raw map[string]any
		dec := json.NewDecoder(bytes.NewReader([]byte(body)))
		dec.UseNumber()
		if dec.Decode(&raw) != nil || raw == nil {
			return
		}
		d := defs[int(which)%len(defs)]
		answers, errs := Validate(d, raw)
		if errs == nil {
			checkRows(t, fuzzSurvey(d), answers)
		}
	})
}

// FuzzReadTable reads any uploaded file as CSV or xlsx and maps it onto the
// import test survey, as Store.Import does before it stores anything.
func FuzzReadTable(f *testing.F) {
	b, err := os.ReadFile("testdata/import-survey.yaml")
	if err != nil {
		f.Fatal(err)
	}
	d, err := ParseDefinition("import-survey.yaml", b)
	if err != nil {
		f.Fatal(err)
	}
	csvs, _ := filepath.Glob("testdata/*.csv")
	for _, p := range csvs {
		b, _ := os.ReadFile(p)
		f.Add(b, FormatAuto)
	}
	f.Add([]byte("タイムスタンプ,a\n2024/01/02 3:04:05 午後 GMT+9,\"x\ny\"\n"), FormatGoogleForms)
	f.Add([]byte("\xef\xbb\xbfid,submitted_at\n1,2024-01-01T00:00:00Z\n"), FormatKoe)
	f.Add([]byte("PK\x03\x04garbage"), FormatMSForms)
	s := fuzzSurvey(d)
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		start := time.Now()
		tbl, err := openTable("upload", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			checkReadProblem(t, err)
			return
		}
		defer tbl.rows.close()
		if tbl.pickFormat(format) != nil {
			return
		}
		if len(tbl.header) > maxImportColumns {
			t.Fatalf("a header of %d columns was read", len(tbl.header))
		}
		cm, problems, _ := mapColumns(d, tbl)
		if len(problems) > 0 {
			return
		}
		for {
			row, err := tbl.rows.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				checkReadProblem(t, err)
				break
			}
			if len(row.cells) > maxImportColumns {
				t.Fatalf("row %d has %d cells", row.num, len(row.cells))
			}
			p, rowProblems := readRow(d, tbl, cm, row, ';', jst)
			if len(rowProblems) == 0 {
				checkRows(t, s, p.Answers)
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("reading %d bytes took %s", len(data), time.Since(start))
		}
	})
}

// kanjiRun returns n kanji without punctuation or repetition that a
// compressor could shorten much: the longest term and value a respondent
// can send.
func kanjiRun(n int) string {
	r := make([]rune, n)
	for i := range r {
		r[i] = rune(0x4E00 + (i*7919)%20000)
	}
	return string(r)
}

// checkReadProblem: a file read from memory is refused with a message for a
// person, never with an internal error.
func checkReadProblem(t *testing.T, err error) {
	t.Helper()
	var rp *readProblem
	if !errors.As(err, &rp) || rp.Message == "" {
		t.Fatalf("reading failed with %v (%T), not a problem a person can act on", err, err)
	}
}
