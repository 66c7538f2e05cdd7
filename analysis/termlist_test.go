package analysis

import (
	"reflect"
	"testing"
)

// Stored term lists decode to the analyzer's terms, for real text.
func TestTermListsRoundTrip(t *testing.T) {
	a := testAnalyzer(t)
	n := 0
	for _, line := range corpusLines(t, "chabsa-sentences.txt")[:300] {
		terms := a.Terms(line)
		got, err := decodeTerms(nil, encodeTerms(terms), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(terms) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, terms) {
			t.Fatalf("%q:\n got %+v\nwant %+v", line, got, terms)
		}
		n += len(terms)
	}
	if n == 0 {
		t.Fatal("no terms in the corpus lines")
	}
	keep := func(s string) bool { return s == "連携" }
	got, _ := decodeTerms(nil, "2 w 連携\n1 c 人事異動\n3 w 担い手", keep)
	if len(got) != 1 || got[0] != (Term{Text: "連携", Kind: KindWord, Count: 2}) {
		t.Errorf("kept %+v", got)
	}
	if _, err := decodeTerms(nil, "two w 連携", nil); err == nil {
		t.Error("a malformed list decoded")
	}
}
