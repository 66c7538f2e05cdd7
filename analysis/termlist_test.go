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
		got, err := DecodeTerms(nil, EncodeTerms(terms), nil)
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
	got, _ := DecodeTerms(nil, "2 w 連携\n1 c 人事異動\n3 w 担い手", keep)
	if len(got) != 1 || got[0] != (Term{Text: "連携", Kind: KindWord, Count: 2}) {
		t.Errorf("kept %+v", got)
	}
	if _, err := DecodeTerms(nil, "two w 連携", nil); err == nil {
		t.Error("a malformed list decoded")
	}
}

// Codes evaluated for all answers at once (bitsets, then sentence by
// sentence) agree with the rules evaluated answer by answer, on real text
// and the shipped code books, and with rules using not, parentheses and
// parts of terms.
func TestCodeMasksAgreeWithMatch(t *testing.T) {
	a := testAnalyzer(t)
	var docs []Doc
	for i, line := range corpusLines(t, "chabsa-sentences.txt")[:700] {
		docs = append(docs, Doc{ID: int64(i), Terms: a.Terms(line)})
	}
	for i, line := range fukuiColumn(t, "不便さの内容")[:1500] {
		docs = append(docs, Doc{ID: int64(1000 + i), Terms: a.Terms(line)})
	}
	extra, err := ParseCodeBook("*業績\n売上 | (利益 & !減少)\n*外部\n!(海外 | 為替) & 影響\n*不足\n(*不足) | 少ない & !(*本数が少ない)\n*なし\n!駐車場\n")
	if err != nil {
		t.Fatal(err)
	}
	general, err := a.CodeBooks("general", "community")
	if err != nil {
		t.Fatal(err)
	}
	for _, cb := range []CodeBook{a.CodeBook(), general, extra} {
		masks := cb.masks(docs)
		matched := 0
		for j, d := range docs {
			want := cb.matchMask(d.Terms)
			if !reflect.DeepEqual(masks[j], want) {
				t.Fatalf("answer %d: masks %v, one by one %v", j, masks[j], want)
			}
			for _, m := range want {
				if m {
					matched++
				}
			}
		}
		if matched == 0 {
			t.Errorf("no answer matched any of %v", cb.Names())
		}
	}
}
