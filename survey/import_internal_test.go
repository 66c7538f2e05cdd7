package survey

import (
	"reflect"
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

func TestDecodeText(t *testing.T) {
	if s, enc, err := decodeText([]byte("\uFEFFあ,い")); err != nil || s != "あ,い" || enc != "UTF-8" {
		t.Errorf("UTF-8 with BOM: %q %q %v", s, enc, err)
	}
	if s, enc, err := decodeText([]byte{0x82, 0xa0, ',', 0x82, 0xa2}); err != nil || s != "あ,い" || enc != "Shift_JIS" {
		t.Errorf("Shift_JIS: %q %q %v", s, enc, err)
	}
	if _, _, err := decodeText([]byte{0xa4, 0xa2, 0xff, 0xfe}); err == nil {
		t.Error("bytes that are neither UTF-8 nor Shift_JIS decoded")
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
