package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// Real answers of the Fukui questionnaire (満足度の理由), stored through the
// database on both: none of the 500 most frequent stored terms holds
// punctuation or a symbol (but the joiners of Wi-Fi), and the hiragana adjective きれい is counted as
// the word 綺麗 in nearly every answer that spells it.
func TestFukuiStoredTermsReadAsWords(t *testing.T) {
	lines := testcorpus.CSVColumn(t, "fukui-kanko/fukui-kanko-2022-2024.csv", "満足度の理由")
	lines = lines[:min(largeImportRows/50, len(lines))] // 4,000 answers; 400 under the race detector
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "fukui-terms", 1, lines)
		sc := scopeOf(s)
		sc.AllCopies = true // every stored answer, as the totals count them
		stats, err := texts.TermStats(ctx, sc, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(stats) < 200 {
			t.Fatalf("%d distinct terms in %d answers", len(stats), len(lines))
		}
		for rank, st := range stats {
			if strayPunct(st.Term) {
				t.Errorf("term %d %q holds punctuation (%d answers)", rank+1, st.Term, st.Docs)
			}
		}
		spelled := 0
		for _, l := range lines {
			if strings.Contains(analysis.Normalize(l), "きれい") {
				spelled++
			}
		}
		all, err := texts.Matching(ctx, sc, analysis.Filter{Term: "綺麗"}, 10, len(lines))
		if err != nil {
			t.Fatal(err)
		}
		hiragana := 0
		for _, d := range all.Docs {
			if strings.Contains(analysis.Normalize(d.Text), "きれい") {
				hiragana++
			}
		}
		if spelled < 5 || hiragana*10 < spelled*9 {
			t.Errorf("きれい: %d answers spell it, %d of them are counted as 綺麗", spelled, hiragana)
		}
		// A drill-down lists a few answers of many: it finds as many, lists
		// the first with their texts, and the first lines in context, as
		// the whole list would.
		few, err := texts.Matching(ctx, sc, analysis.Filter{Term: "綺麗"}, 10, 5)
		if err != nil {
			t.Fatal(err)
		}
		if all.N < 10 || few.N != all.N || len(few.Docs) != 5 || len(few.Lines) != 5 {
			t.Fatalf("綺麗 among %d answers: %d found, %d listed, %d lines; without a limit %d found", len(lines), few.N, len(few.Docs), len(few.Lines), all.N)
		}
		if !reflect.DeepEqual(few.Docs, all.Docs[:5]) || !reflect.DeepEqual(few.Lines, all.Lines[:5]) {
			t.Errorf("the first five of the list differ from the whole list's:\n%+v\n%+v", few.Lines, all.Lines[:5])
		}
	})
}

// strayPunct reports punctuation or a symbol in a term, other than the
// joiners inside a latin word (Wi-Fi, Mont-bell, COVID-19).
func strayPunct(term string) bool {
	alnum := func(i int) bool {
		return i >= 0 && i < len(term) && term[i] < 0x80 && (unicode.IsLetter(rune(term[i])) || unicode.IsDigit(rune(term[i])))
	}
	for i, r := range term {
		if !unicode.IsPunct(r) && !unicode.IsSymbol(r) || r == 'ー' || r == '々' || r == 'ヶ' {
			continue
		}
		if strings.ContainsRune("-.&'+", r) && alnum(i-1) && alnum(i+1) {
			continue
		}
		return true
	}
	return false
}
