package analysis

import (
	"errors"
	"strings"
	"testing"
)

// Answers that say nothing are recognised, in the wordings found in the
// Fukui questionnaire; answers that say something short are not.
func TestIsEmptyAnswer(t *testing.T) {
	a := testAnalyzer(t)
	for _, s := range []string{
		"特になし", "特になし。", "なし", "無し", "ナシ", "ない", "無い。", "特にありません", "特にありません。",
		"特に無し", "特にないです", "特にはないです。", "特には思いつきません。", "今のところ特にない",
		"なにもない", "何もありません", "わかりません。", "分からない", "同上", "上記と同じ", "―", "—", "…",
		"ー", "ーー", "・", "。", "?", "？", "×", "-", "&hellip;", "特になし です", "  特になし\n",
		"特に不満はない", "特に問題なかったです。", "特に不便は感じなかった", "nothing", "None", "N/A",
	} {
		if !a.IsEmptyAnswer(s) {
			t.Errorf("%q not recognised as empty", s)
		}
		if a.Terms(s) != nil {
			t.Errorf("%q has terms: %v", s, a.Terms(s))
		}
	}
	for _, s := range []string{
		"駐車場", "普通", "今のままでいい", "十分だと思います。", "特に駐車場が狭い", "特になし。ただ駐車場が狭い",
		"ないものはない", "問題がある", "不便", "なしのつぶて", "満足", "no parking", "温泉\n\n食事",
	} {
		if a.IsEmptyAnswer(s) {
			t.Errorf("%q taken for empty", s)
		}
	}
}

// The share of empty answers in each Fukui column, measured when the list
// was written (checked by reading 100 flagged and 100 short unflagged
// answers): 0.3 % to 2.8 %, most in the questions that ask for problems or
// wishes.
func TestFukuiEmptyShare(t *testing.T) {
	a := testAnalyzer(t)
	for col, want := range map[string][2]float64{
		"満足度の理由":            {0.3, 1.2},
		"満足度(商品・サービス)の理由":   {0.1, 0.8},
		"不便さの内容":            {2.0, 4.0},
		"推奨項目":              {0.2, 0.8},
		"施設に求めるもの":          {1.5, 3.5},
		"福井県に求めるもの":         {0.7, 2.0},
		"福井県内での交通手段の満足度の理由": {0.2, 1.0},
	} {
		lines := fukuiColumn(t, col)
		n := 0
		for _, l := range lines {
			if a.IsEmptyAnswer(l) {
				n++
			}
		}
		share := 100 * float64(n) / float64(len(lines))
		if share < want[0] || share > want[1] {
			t.Errorf("%s: %d of %d answers empty (%.1f %%), expected %.1f–%.1f %%", col, n, len(lines), share, want[0], want[1])
		}
	}
}

// A dictionary adds its own empty wordings to the shipped list; an entry
// with no letters is refused with its line.
func TestDictionaryEmptyList(t *testing.T) {
	d, err := ParseDictionary([]byte("empty:\n  - 特にコメントはありません\n  - 記入なし\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"特にコメントはありません。", "記入なし", "特になし"} {
		if !a.IsEmptyAnswer(s) {
			t.Errorf("%q not empty with the dictionary's list", s)
		}
	}
	if testAnalyzer(t).IsEmptyAnswer("記入なし") {
		t.Error("the default dictionary took 記入なし for empty")
	}
	if d.Version() == (Dictionary{}).Version() {
		t.Error("the empty list does not change the version")
	}
	_, err = ParseDictionary([]byte("stopwords: [a]\nempty:\n  - なし\n  - 。。\n"))
	var de *DictionaryError
	if !errors.As(err, &de) || de.Line != 4 || de.Field != "empty[1]" || !strings.Contains(de.Msg, "no letters") {
		t.Errorf("entry without letters: %v", err)
	}
}
