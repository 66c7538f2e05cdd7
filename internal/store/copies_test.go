package store_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// A copy of an answer (a double submission, notes pasted by each member of
// a group) counts once in word frequencies, codes and their drill-downs, as
// it does in issue groups; AllCopies counts each. Both databases, real
// complaints of the Fukui questionnaire.
func TestCopiesCountOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		copied := "駐車場が少なくて車をとめるのに待つ必要があった"
		lines := []string{copied, "道路がわかりにくい", copied, "バスの本数が少ない", copied + "。", "トイレが少ない"}
		s := storeWithAnswers(t, db, texts, "copies", 1, lines)
		sc := scopeOf(s)
		copies, err := texts.CopiesOf(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		if len(copies.IDs) != 2 || copies.Counts.Groups != 1 {
			t.Fatalf("%d copies found in %d groups, want 2 in 1 (the same answer three times)", len(copies.IDs), copies.Counts.Groups)
		}
		for _, all := range []bool{false, true} {
			sc.AllCopies = all
			want := 1
			if all {
				want = 3
			}
			sum, err := texts.Summarize(ctx, sc, analysis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if n := docsOf(sum.Terms, "駐車場"); n != want {
				t.Errorf("all copies %v: 駐車場 in %d answers, want %d", all, n, want)
			}
			if n := docsOf(sum.Terms, "本数が少ない"); n != 1 {
				t.Errorf("all copies %v: 本数が少ない in %d answers, want 1", all, n)
			}
			complaints := 0
			for _, c := range sum.Codes {
				if c.Code == "不満・困りごと" {
					complaints = c.Docs
				}
			}
			if complaints != want+3 { // and 道路がわかりにくい, 本数が少ない, トイレが少ない
				t.Errorf("all copies %v: 不満・困りごと %d answers, want %d", all, complaints, want+3)
			}
			m, err := texts.Matching(ctx, sc, analysis.Filter{Term: "駐車場"}, 10, 500)
			if err != nil || m.N != want || len(m.Docs) != want {
				t.Errorf("all copies %v: the drill-down on 駐車場 finds %d answers and lists %d, want %d (%v)", all, m.N, len(m.Docs), want, err)
			}
			if m, _ = texts.Matching(ctx, sc, analysis.Filter{Code: "不満・困りごと"}, 10, 500); m.N != complaints {
				t.Errorf("all copies %v: the code's drill-down finds %d answers, its count is %d", all, m.N, complaints)
			}
		}
		// A new copy is found without restarting: the answers' stamp changed.
		storeMore(t, db, texts, s, copied)
		sc.AllCopies = false
		if copies, err = texts.CopiesOf(ctx, sc); err != nil || len(copies.IDs) != 3 {
			t.Errorf("after one more copy: %d copies (%v), want 3", len(copies.IDs), err)
		}
	})
}

// storeMore submits one more comment to a survey of storeWithAnswers.
func storeMore(t *testing.T, db *bun.DB, texts *store.Store, s *survey.Survey, line string) {
	t.Helper()
	a, errs := survey.Validate(s.Definition(), map[string]any{"role": "県", "comments": line, "email": "x@example.jp"})
	if errs != nil {
		t.Fatal(errs)
	}
	st := store.New(db, texts.Tokenizer())
	if _, _, err := st.SubmitAll(context.Background(), s, []survey.Pending{{Answers: a, Sub: survey.Submission{Key: "more"}}}); err != nil {
		t.Fatal(err)
	}
}
