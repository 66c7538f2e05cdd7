package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/uptrace/bun"
	"gopkg.in/yaml.v3"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/testcorpus"
	"github.com/koe-project/koe/migrations"
	"github.com/koe-project/koe/survey"
)

const feedbackYAML = `slug: %s
title: 会議アンケート
event: {series: s1, title: 第%d回, date: 2024-0%d-01}
questions:
  - {key: role, type: single, label: 所属, options: [県, 市町村], attribute: true}
  - {key: comments, type: textarea, label: ご意見, analyze: true}
  - {key: email, type: email, label: メール, personal: true}
`

// tokenizerOf is the tokenizer of texts; nil (no analysis) without texts.
func tokenizerOf(texts *store.Store) *analysis.Tokenizer {
	if texts == nil {
		return nil
	}
	return texts.Tokenizer()
}

// storeWithAnswers applies a survey and submits texts as its comments, half
// from each group.
func storeWithAnswers(t testing.TB, db *bun.DB, texts *store.Store, slug string, n int, lines []string) *survey.Survey {
	t.Helper()
	ctx := context.Background()
	st := store.New(db, tokenizerOf(texts))
	src := fmt.Sprintf(feedbackYAML, slug, n, n)
	d, err := survey.ParseDefinition(slug, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, d, src); err != nil {
		t.Fatal(err)
	}
	s, err := st.SurveyBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	var batch []survey.Pending
	for i, line := range lines {
		role := []string{"県", "市町村"}[i%2]
		a, errs := survey.Validate(d, map[string]any{"role": role, "comments": line, "email": "x@example.jp"})
		if errs != nil {
			t.Fatalf("line %d: %v", i, errs)
		}
		batch = append(batch, survey.Pending{Answers: a, Sub: survey.Submission{Key: fmt.Sprint(i)}})
	}
	if _, _, err := st.SubmitAll(ctx, s, batch); err != nil {
		t.Fatal(err)
	}
	return s
}

// Stored terms, aggregated in the database, must agree with the analyzer run
// directly over the same real text.
func TestStoredTermsAgreeWithTheAnalyzer(t *testing.T) {
	lines := corpusLines(t, "chabsa-sentences.txt")[:400]
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "chabsa", 1, lines)
		sc := scopeOf(s)
		stored, err := texts.TermStats(ctx, sc, 40)
		if err != nil {
			t.Fatal(err)
		}
		var docs []analysis.Doc
		for i, l := range lines {
			docs = append(docs, analysis.Doc{ID: int64(i), Terms: testAnalyzer(t).Terms(l)})
		}
		direct := analysis.Frequencies(docs)[:40]
		if len(stored) != 40 {
			t.Fatalf("%d stored terms", len(stored))
		}
		for i := range direct {
			if stored[i] != direct[i] {
				t.Errorf("rank %d: stored %+v, direct %+v", i, stored[i], direct[i])
			}
		}
		if n, _ := texts.StaleAnswers(ctx, s.ID); n != 0 {
			t.Errorf("%d fresh answers counted stale", n)
		}
	})
}

func TestReanalyzeAfterDictionaryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "m1", 1, []string{
			"地域の担い手が不足している。", "担い手の育成が課題。", "人材の確保が難しい。",
		})
		sc := scopeOf(s)
		before, _ := texts.TermStats(ctx, sc, 0)
		if docsOf(before, "人材") != 1 || docsOf(before, "担い手") != 2 {
			t.Fatalf("before: %v", before)
		}
		d := analysis.DefaultDictionary()
		d.Synonyms["担い手"] = append(d.Synonyms["担い手"], "人材")
		src := dictionaryYAML(t, d)
		if _, err := store.SaveDictionary(ctx, db, src); err != nil {
			t.Fatal(err)
		}
		active, _, err := store.ActiveDictionary(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := analysis.New(active)
		if err != nil {
			t.Fatal(err)
		}
		texts2 := newStore(db, a2)
		if n, _ := texts2.StaleAnswers(ctx, s.ID); n != 3 {
			t.Fatalf("%d stale answers after a dictionary change, want 3", n)
		}
		var calls int
		n, err := texts2.Reanalyze(ctx, 0, false, func(done, total int) { calls++ })
		if err != nil || n != 3 || calls == 0 {
			t.Fatalf("reanalyze: %d, calls %d, err %v", n, calls, err)
		}
		after, _ := texts2.TermStats(ctx, sc, 0)
		if docsOf(after, "担い手") != 3 || docsOf(after, "人材") != 0 {
			t.Errorf("synonym not merged after reanalyze: %v", after)
		}
		if n, _ := texts2.StaleAnswers(ctx, 0); n != 0 {
			t.Errorf("%d answers still stale", n)
		}
	})
}

func TestSeriesSummaryFindsRecurringIssuesAndDrillsDown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		s1 := storeWithAnswers(t, db, texts, "m1", 1, []string{"人事異動で連携が途切れる。", "財源が足りない。", "住民の参加が少ない。"})
		s2 := storeWithAnswers(t, db, texts, "m2", 2, []string{"異動のたびに連携が切れる。", "縦割りがひどい。"})
		s3 := storeWithAnswers(t, db, texts, "m3", 3, []string{"異動後の引継ぎが課題。", "縦割りの解消。", "連携の仕組み。"})
		sc := scopeOf(s1, s2, s3)
		sum, err := texts.Summarize(ctx, sc, analysis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Events) != 3 || sum.Answers != 8 {
			t.Fatalf("events %v answers %d", sum.Events, sum.Answers)
		}
		status := map[string]analysis.Recurring{}
		for _, r := range sum.Recurring {
			status[r.Term] = r
		}
		if r := status["異動"]; len(r.Events) != 3 || r.Counts[0] != 1 || r.Counts[2] != 1 {
			t.Errorf("異動 recurring: %+v", r)
		}
		if _, ok := status["財源"]; ok {
			t.Errorf("財源 appears in one event only but is recurring")
		}
		sc.Only = analysis.Filter{Event: sum.Events[1]}
		one, err := texts.Summarize(ctx, sc, analysis.Options{})
		if err != nil || one.Answers != 2 || docsOf(one.Terms, "縦割り") != 1 || docsOf(one.Terms, "財源") != 0 {
			t.Fatalf("filtered to the second event: %d answers, terms %v, %v", one.Answers, one.Terms, err)
		}
		sc.Only = analysis.Filter{}
		m, err := texts.Matching(ctx, sc, analysis.Filter{Term: "異動"}, 10, 500)
		docs, lines := m.Docs, m.Lines
		if err != nil || len(docs) != 3 || len(lines) != 3 {
			t.Fatalf("drill-down on 異動: %d docs, %d lines, %v", len(docs), len(lines), err)
		}
		for _, l := range lines {
			if l.Match != "異動" {
				t.Errorf("KWIC match %q", l.Match)
			}
		}
		// 縦割り is a code of the community book, which these surveys do
		// not name: the general preset applies and has no such code.
		if m, _ = texts.Matching(ctx, sc, analysis.Filter{Code: "縦割り"}, 10, 500); m.N != 0 {
			t.Errorf("a code of a book the scope does not name matched %d answers", m.N)
		}
		sc.CodeBooks = []string{analysis.LegacyCodeBook}
		m, _ = texts.Matching(ctx, sc, analysis.Filter{Code: "縦割り", Event: sum.Events[1]}, 10, 500)
		if docs = m.Docs; len(docs) != 1 || docs[0].Text != "縦割りがひどい。" {
			t.Errorf("drill-down on code and event: %+v", docs)
		}
	})
}

func docsOf(stats []analysis.TermStat, term string) int {
	for _, s := range stats {
		if s.Term == term {
			return s.Docs
		}
	}
	return 0
}

func dictionaryYAML(t *testing.T, d analysis.Dictionary) []byte {
	t.Helper()
	b, err := yaml.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Totals stay exact when answers imported in one batch (whose totals go to
// one shard) are deleted one response at a time (each subtracted from its
// own shard): the frequency list still agrees with the stored answers.
func TestTermTotalsAgreeAfterDeletingImportedResponses(t *testing.T) {
	lines := corpusLines(t, "chabsa-sentences.txt")[:200]
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		st := store.New(db, texts.Tokenizer())
		s := storeWithAnswers(t, db, texts, "deleted", 1, lines)
		stored, err := st.ResponsesOf(ctx, s, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range stored {
			if i%3 == 0 {
				if err := st.DeleteResponse(ctx, s, r.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		totalsAgreeWithAnswers(t, texts, s, len(stored)-(len(stored)+2)/3)
	})
}

// totalsAgreeWithAnswers checks that a survey has the analysed answers it
// should and that its stored term totals rank the terms exactly as counting
// its stored answers does.
func totalsAgreeWithAnswers(t *testing.T, texts *store.Store, s *survey.Survey, answers int) {
	t.Helper()
	ctx := context.Background()
	sc := scopeOf(s)
	totals, err := texts.TermStats(ctx, sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := texts.Docs(ctx, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != answers {
		t.Fatalf("%d analysed answers stored, want %d", len(docs), answers)
	}
	direct := analysis.Frequencies(docs)
	if len(totals) != len(direct) {
		t.Fatalf("%d terms in the totals, %d in the answers", len(totals), len(direct))
	}
	for i := range direct {
		if totals[i] != direct[i] {
			t.Fatalf("rank %d: totals %+v, answers %+v", i, totals[i], direct[i])
		}
	}
}

// Two koe processes on one database (two Stores, two connection pools), each
// writing bursts of submissions in shared transactions whose comments share
// terms: none fails (no deadlock on the term totals, which each transaction
// writes once, in key order), and the totals agree with the stored answers.
func TestTwoProcessesWriteBurstsWithoutDeadlock(t *testing.T) {
	lines := corpusLines(t, "chabsa-sentences.txt")[:160]
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			url := dbtest.URL(t, kind)
			var stores []*store.Store
			var texts *store.Store
			for range 2 {
				db, err := database.Open(url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := migrations.Apply(ctx, db); err != nil {
					t.Fatal(err)
				}
				texts = newStore(db, testAnalyzer(t))
				stores = append(stores, store.New(db, texts.Tokenizer()))
			}
			s := storeWithAnswers(t, stores[0].DB(), texts, "burst", 1, nil)
			d := s.Definition() // built once: a Survey is one request's, not for concurrent first use
			var wg sync.WaitGroup
			errs := make(chan error, len(lines))
			for i, line := range lines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st := stores[i%2]
					a, verrs := survey.Validate(d, map[string]any{"role": []string{"県", "市町村"}[i%3%2], "comments": line})
					if verrs != nil {
						errs <- fmt.Errorf("line %d: %v", i, verrs)
						return
					}
					if _, _, err := st.Submit(ctx, s, a, survey.Submission{Key: fmt.Sprint(i)}); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			totalsAgreeWithAnswers(t, texts, s, len(lines))
		})
	}
}

// The longest comments without a sentence break are stored with their terms
// on both databases (PostgreSQL refused a term of over 2,704 bytes as a key
// of the term totals, and with it the whole submission), and the totals
// still agree with the stored answers.
func TestLongestRunsAreStoredWithTheirTerms(t *testing.T) {
	runs := append(hostileRuns(t), testcorpus.Prose(t, survey.MaxTextareaLen, 600))
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		texts := newStore(db, testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "runs", 1, runs)
		totalsAgreeWithAnswers(t, texts, s, len(runs))
	})
}

// A respondent's deletion is honoured whatever runs beside it: a response
// deleted while reanalysis tokenizes its batch (outside any transaction)
// keeps no term list and no share of the totals once the batch is stored.
// It used to get its terms back, counted forever.
func TestDeletionDuringReanalysisStaysDeleted(t *testing.T) {
	lines := corpusLines(t, "chabsa-sentences.txt")[:60]
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		st := store.New(db, texts.Tokenizer())
		s := storeWithAnswers(t, db, texts, "deleting", 1, lines)
		stored, err := st.ResponsesOf(ctx, s, true)
		if err != nil {
			t.Fatal(err)
		}
		deleted := 0
		texts.SetTokenized(func() {
			texts.SetTokenized(nil) // the first batch only
			for _, r := range stored[10:13] {
				if err := st.DeleteResponse(ctx, s, r.ID); err != nil {
					t.Error(err)
				}
				deleted++
			}
		})
		if _, err := texts.Reanalyze(ctx, s.ID, true, nil); err != nil {
			t.Fatal(err)
		}
		if deleted != 3 {
			t.Fatalf("%d responses deleted during reanalysis, want 3", deleted)
		}
		totalsAgreeWithAnswers(t, texts, s, len(lines)-deleted)
		if _, err := texts.Reanalyze(ctx, s.ID, true, nil); err != nil { // a later run changes nothing
			t.Fatal(err)
		}
		totalsAgreeWithAnswers(t, texts, s, len(lines)-deleted)
	})
}

// Reanalysis and deletions running at once in two processes on one
// database: neither fails (no deadlock: both lock the answers' rows before
// the term totals) and afterwards the totals are exactly those of the
// answers still stored, each deleted response's terms gone whichever came
// first.
func TestReanalysisBesideDeletionsKeepsTotalsExact(t *testing.T) {
	lines := corpusLines(t, "chabsa-sentences.txt")[:300]
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			url := dbtest.URL(t, kind)
			var dbs []*bun.DB
			for range 2 {
				db, err := database.Open(url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := migrations.Apply(ctx, db); err != nil {
					t.Fatal(err)
				}
				dbs = append(dbs, db)
			}
			reanalysing, deleting := newStore(dbs[0], testAnalyzer(t)), newStore(dbs[1], testAnalyzer(t))
			st := store.New(dbs[1], deleting.Tokenizer())
			s := storeWithAnswers(t, dbs[1], deleting, "busy", 1, lines)
			stored, err := st.ResponsesOf(ctx, s, true)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 100)
			wg.Add(2)
			go func() {
				defer wg.Done()
				for range 4 {
					if _, err := reanalysing.Reanalyze(ctx, s.ID, true, nil); err != nil {
						errs <- fmt.Errorf("reanalyze: %w", err)
					}
				}
			}()
			deleted := 0
			go func() {
				defer wg.Done()
				for i := 0; i < len(stored); i += 5 {
					if err := st.DeleteResponse(ctx, s, stored[i].ID); err != nil {
						errs <- fmt.Errorf("delete: %w", err)
					}
					deleted++
				}
			}()
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			totalsAgreeWithAnswers(t, reanalysing, s, len(lines)-deleted)
		})
	}
}

// An import's analysed answers are tokenized a chunk at a time and their
// term lists written while the rest is still tokenized (more than one chunk
// here, the last one partial): every answer keeps its list, and the totals,
// written once at the end, agree with the lists.
func TestManyAnswersInOneTransactionKeepEveryTermList(t *testing.T) {
	lines := corpusLines(t, "chabsa-sentences.txt")
	n := 2*analysis.PendingChunk + 500
	answers := make([]string, n)
	for i := range answers {
		answers[i] = lines[i%len(lines)]
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		texts := newStore(db, testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "many", 1, answers)
		totalsAgreeWithAnswers(t, texts, s, n)
	})
}
