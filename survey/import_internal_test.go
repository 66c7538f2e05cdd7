package survey

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseStamp(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	cases := map[string]string{
		"2020/09/09 1:00:00 午後 GMT+9":     "2020-09-09T04:00:00Z",
		"2020/09/09 12:00:00 午前 GMT+9":    "2020-09-08T15:00:00Z",
		"2020/09/09 12:00:00 午後 GMT+9":    "2020-09-09T03:00:00Z",
		"2020/09/09 11:59:59 PM GMT+5:30": "2020-09-09T18:29:59Z",
		"2020/09/09 1:00:00 AM GMT-3":     "2020-09-09T04:00:00Z",
		"2020/09/09 1:00:00 AM GMT":       "2020-09-09T01:00:00Z",
		"2024/10/06 19:51:06":             "2024-10-06T10:51:06Z",
		"2024/10/6 9:05":                  "2024-10-06T00:05:00Z",
		"10/6/2024 19:51:06":              "2024-10-06T10:51:06Z",
		"2024-10-06T19:51:06+09:00":       "2024-10-06T10:51:06Z",
		"２０２４/１０/０６ １９:５１:０６":             "2024-10-06T10:51:06Z",
	}
	for in, want := range cases {
		got, err := parseStamp(in, jst)
		if err != nil || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("parseStamp(%q) = %v, %v; want %s", in, got.UTC(), err, want)
		}
	}
	for _, bad := range []string{"", "昨日", "2024/13/01 10:00:00", "2024/02/30 10:00:00", "2024/10/06 13:00:00 午後", "10/6/24 19:51"} {
		if got, err := parseStamp(bad, jst); err == nil {
			t.Errorf("parseStamp(%q) = %v, want an error", bad, got)
		}
	}
}

func TestSplitChoices(t *testing.T) {
	q := &Question{Type: Multi, Other: true, Options: []string{"A", "A, B", "C; D", "E"}}
	cases := []struct {
		cell         string
		sep          byte
		items, other []string
	}{
		{"A, B, E", ',', []string{"A, B", "E"}, nil},
		{"A, E", ',', []string{"A", "E"}, nil},
		{"C; D;A;", ';', []string{"C; D", "A"}, nil},
		{"A;自由; 記述", ';', []string{"A", "自由; 記述"}, []string{"自由; 記述"}},
		{"A, 自由, 記述, E", ',', []string{"A", "自由, 記述", "E"}, []string{"自由, 記述"}},
		{"AB", ',', []string{"AB"}, []string{"AB"}},
		{"", ';', nil, nil},
	}
	for _, c := range cases {
		items, other := splitChoices(q, c.cell, c.sep)
		if !reflect.DeepEqual(items, c.items) || !reflect.DeepEqual(other, c.other) {
			t.Errorf("splitChoices(%q) = %q, %q; want %q, %q", c.cell, items, other, c.items, c.other)
		}
	}
}

func TestOpenCSVReadsEachEncoding(t *testing.T) {
	for _, c := range []struct {
		name, encoding string
		data           []byte
	}{
		{"UTF-8 with BOM", "UTF-8", []byte("\uFEFFあ,い\nう,え\n")},
		{"Shift_JIS", "Shift_JIS", []byte{0x82, 0xa0, ',', 0x82, 0xa2, '\n', 0x82, 0xa4, ',', 0x82, 0xa6, '\n'}},
	} {
		tbl, err := openCSV(bytes.NewReader(c.data), int64(len(c.data)))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		row, err := tbl.rows.next()
		if err != nil || tbl.encoding != c.encoding || !reflect.DeepEqual(tbl.header, []string{"あ", "い"}) || !reflect.DeepEqual(row.cells, []string{"う", "え"}) {
			t.Errorf("%s: %s %q %q %v", c.name, tbl.encoding, tbl.header, row.cells, err)
		}
	}
	eucjp := []byte{0xa4, 0xa2, ',', 0xff, 0xfe, '\n'}
	if _, err := openCSV(bytes.NewReader(eucjp), int64(len(eucjp))); err == nil || !strings.Contains(err.Error(), "文字コード") {
		t.Errorf("bytes that are neither UTF-8 nor Shift_JIS: %v", err)
	}
}

func TestValidUTF8AcrossReads(t *testing.T) {
	text := bytes.Repeat([]byte("あ"), 100_000) // 300,000 bytes: characters cut by the 64 KB reads
	if ok, err := validUTF8(bytes.NewReader(text)); !ok || err != nil {
		t.Errorf("valid UTF-8 read in pieces: %v %v", ok, err)
	}
	if ok, _ := validUTF8(bytes.NewReader(append(text, 0xe3, 0x81))); ok {
		t.Error("a character cut at the end of the file passed as UTF-8")
	}
}

func TestClosest(t *testing.T) {
	if got := closest("満足度（5段階）", []string{"ご所属", "満足度", "ご感想"}); got != "満足度" {
		t.Errorf("closest = %q", got)
	}
	if got := closest("備考欄", []string{"満足度", "同僚に勧めたいと思いますか"}); got != "" {
		t.Errorf("a far-off hint: %q", got)
	}
}

// The column report names, for each header cell, the question it fills or
// why it is left out: an empty header, a tool's own column, a second column
// of a label already read, an e-mail column no question wants.
func TestColumnReport(t *testing.T) {
	d, err := ParseDefinition("t.yaml", []byte(`slug: t
title: t
questions:
  - {key: role, type: single, label: ご所属, options: [県, 市町村]}
  - {key: comments, type: textarea, label: ご感想}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, format, csv string
		want              []ImportColumn
	}{
		{"table", FormatTable, "No.,ご所属,,ご所属,ご感想欄\n", []ImportColumn{
			{Letter: "A", Header: "No.", Ignored: ignoredNoMatch},
			{Letter: "B", Header: "ご所属", Question: "ご所属"},
			{Letter: "C", Header: "", Ignored: ignoredEmpty},
			{Letter: "D", Header: "ご所属", Ignored: ignoredDuplicate},
			{Letter: "E", Header: "ご感想欄", Ignored: ignoredNoMatch + "（近い設問:「ご感想」。取り込むには見出しを設問と同じにしてください）"},
		}},
		{"google", FormatGoogleForms, "タイムスタンプ,メールアドレス,スコア,ご所属,ご感想\n", []ImportColumn{
			{Letter: "A", Header: "タイムスタンプ", Use: "回答日時"},
			{Letter: "B", Header: "メールアドレス", Ignored: ignoredNoEmail},
			{Letter: "C", Header: "スコア", Ignored: ignoredMeta},
			{Letter: "D", Header: "ご所属", Question: "ご所属"},
			{Letter: "E", Header: "ご感想", Question: "ご感想"},
		}},
	} {
		tbl, err := openCSV(strings.NewReader(c.csv), int64(len(c.csv)))
		if err != nil {
			t.Fatal(err)
		}
		if err := tbl.pickFormat(c.format); err != nil {
			t.Fatal(err)
		}
		cm, _, _ := mapColumns(d, tbl)
		if !reflect.DeepEqual(cm.report, c.want) {
			t.Errorf("%s: report\n%+v\nwant\n%+v", c.name, cm.report, c.want)
		}
	}
}
