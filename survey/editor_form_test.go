package survey_test

import (
	"reflect"
	"testing"

	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

const everyType = `slug: every-type
title: すべての設問の種類
description: |
  説明の1行目
  2行目
event: {series: s-1, series_title: シリーズ, title: 第1回, date: 2024-05-01, attendees: 30}
anonymous: true
opens_at: 2024-05-01T10:00:00+09:00
closes_at: 2024-05-31T23:59:00+09:00
max_responses: 100
questions:
  - {type: section, label: はじめに, help: 見出しの補足}
  - {key: role, type: single, label: 所属, required: true, attribute: true, options: [県, 市町村, その他], other: true}
  - {key: topics, type: multi, label: 関心, options: [福祉, 防災], other: true, show_if: {question: role, in: [県, 市町村]}}
  - {key: sat, type: scale, label: 満足度, min: 1, max: 7, min_label: 不満, max_label: 満足}
  - {key: nps, type: nps, label: 推奨度}
  - {key: grid, type: matrix, label: 評価, rows: [講演, 討議], columns: [良い, 普通, 悪い]}
  - {key: name, type: text, label: 氏名, personal: true, show_if: {question: role, equals: 市町村}}
  - {key: memo, type: textarea, label: 感想, analyze: true}
  - {key: count, type: number, label: 人数, min: 0, max: 1000.5}
  - {key: day, type: date, label: 日付}
  - {key: mail, type: email, label: メール, personal: true}
  - {key: ok, type: consent, label: 同意します, required: true}
`

// The editor's form carries every field of every question type: a definition
// written as the form's fields and read back is the same definition.
func TestEditorFormRoundTrip(t *testing.T) {
	sources := map[string][]byte{"every-type.yaml": []byte(everyType)}
	for _, name := range []string{"meeting-feedback.yaml", "practice-survey.yaml", "registration.yaml"} {
		sources[name] = examples.File(name)
	}
	for name, src := range sources {
		want, err := survey.ParseDefinition(name, src)
		if err != nil {
			t.Fatal(err)
		}
		// Code books are chosen on their own page; the editor keeps the
		// stored ones (internal/web's saveEditor), so its form has none.
		want.CodeBooks, want.Codes = nil, ""
		values := survey.EditorValues(want)
		// A browser sends CRLF line ends from a textarea.
		for k, v := range values {
			for i := range v {
				v[i] = crlf(v[i])
			}
			values[k] = v
		}
		got, err := survey.DefinitionFromEditor(want.Slug, values)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the editor's form changes the definition:\n got %+v\nwant %+v", name, got, want)
		}
	}
	// Per-field errors come back by field.
	bad := survey.EditorValues(mustParse(t, everyType))
	bad.Set("q3.max", "七")
	bad.Set("q1.key", "1bad")
	bad.Set("event.date", "五月一日")
	_, err := survey.DefinitionFromEditor("every-type", bad)
	fe, ok := err.(survey.EditorErrors)
	if !ok || fe["questions[3].max"] == "" {
		t.Fatalf("number error: %v", err)
	}
	bad.Set("q3.max", "7")
	_, err = survey.DefinitionFromEditor("every-type", bad)
	fe, _ = err.(survey.EditorErrors)
	if fe["questions[1].key"] == "" || fe["event.date"] == "" {
		t.Errorf("definition errors not placed by field: %v", fe)
	}
}

func crlf(s string) string {
	out := ""
	for _, r := range s {
		if r == '\n' {
			out += "\r"
		}
		out += string(r)
	}
	return out
}

func mustParse(t *testing.T, src string) *survey.Definition {
	t.Helper()
	d, err := survey.ParseDefinition("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
