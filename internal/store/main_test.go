package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/testcorpus"
	"github.com/koe-project/koe/survey"
)

// The IPA dictionary is loaded once per test binary; every test shares the
// analyzer built from the default dictionary.
var (
	sharedAnalyzer *analysis.Analyzer
	sharedErr      error
	sharedOnce     sync.Once
)

func TestMain(m *testing.M) {
	sharedOnce.Do(func() {
		sharedAnalyzer, sharedErr = analysis.New(analysis.DefaultDictionary())
		analysis.LoadSystemDictionary()
	})
	if sharedErr != nil {
		fmt.Fprintln(os.Stderr, "store: default analyzer:", sharedErr)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func testAnalyzer(tb testing.TB) *analysis.Analyzer {
	tb.Helper()
	return sharedAnalyzer
}

// newStore returns a Store on db analysing with a, as one koe process has.
func newStore(db *bun.DB, a *analysis.Analyzer) *store.Store {
	return store.New(db, analysis.NewTokenizer(a))
}

// corpusLines returns the non-empty lines of a corpus file (see
// internal/testcorpus: found from a worktree too, and required under CI=true).
func corpusLines(tb testing.TB, name string) []string {
	tb.Helper()
	return testcorpus.Lines(tb, name)
}

// scopeOf is the scope `koe analyze --question comments` makes of the
// surveys of storeWithAnswers: their comments, each survey an event, grouped
// by role.
func scopeOf(surveys ...*survey.Survey) store.Scope {
	var sc store.Scope
	for _, s := range surveys {
		sc.Questions = append(sc.Questions, store.ScopeQuestion{ID: s.QuestionID("comments"), Event: s.EventDate + " " + s.EventTitle})
		sc.GroupBy = append(sc.GroupBy, s.QuestionID("role"))
	}
	return sc
}

// hostileRuns are three runs of 10,000 characters without a sentence break:
// kanji of real prose, rare kanji (CJK extension A) and katakana (as
// analysis' tests of long runs have them).
func hostileRuns(t *testing.T) []string {
	t.Helper()
	var kanji []rune
	for _, r := range testcorpus.Prose(t, 40000, 500) {
		if unicode.Is(unicode.Han, r) && len(kanji) < 10000 {
			kanji = append(kanji, r)
		}
	}
	if len(kanji) < 10000 {
		t.Fatalf("only %d kanji in the prose", len(kanji))
	}
	rare := make([]rune, 10000)
	katakana := make([]rune, 10000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range rare {
		rare[i] = rune(0x3400 + rng.IntN(0x4DB6-0x3400)) // CJK extension A
		katakana[i] = rune('ァ' + rng.IntN(86))
	}
	return []string{string(kanji), string(rare), string(katakana)}
}

// The groups of その他 answers are named as survey names them.
func TestOtherLabelIsSurveys(t *testing.T) {
	if store.OtherLabel != survey.OtherLabel {
		t.Errorf("store groups その他 answers as %q, survey as %q", store.OtherLabel, survey.OtherLabel)
	}
}
