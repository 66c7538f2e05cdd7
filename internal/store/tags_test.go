package store_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
)

// tagLog records the statements that read or change the store's own tables.
type tagLog struct {
	mu    sync.Mutex
	found []string
}

var storeTables = regexp.MustCompile(`\b(answer_term_lists|term_counts|dictionaries|issue_groups)\b`)

func (l *tagLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (l *tagLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q := strings.TrimSpace(e.Query)
	if !storeTables.MatchString(q) || strings.Contains(q, "INSERT") || strings.HasPrefix(q, "COPY") {
		return // bulk inserts go through internal/database, untagged
	}
	l.mu.Lock()
	l.found = append(l.found, q)
	l.mu.Unlock()
}

// Every statement the store sends names the method it comes from, so a slow
// query in the database's own log leads back to the code.
func TestStoreQueriesNameTheirMethod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		log := &tagLog{}
		texts := newStore(db.WithQueryHook(log), testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "tags", 2, []string{"担い手が不足している。", "人材の確保が難しい。", "連携が大切。"})
		sc := scopeOf(s)
		if _, err := texts.TermStats(ctx, sc, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.Summarize(ctx, sc, analysis.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := texts.Matching(ctx, sc, analysis.Filter{Term: "担い手"}, 20); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.Reanalyze(ctx, s.ID, true, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.ActiveDictionary(ctx, db.WithQueryHook(log)); err != nil {
			t.Fatal(err)
		}
		if err := texts.SaveIssueRefs(ctx, store.IssueScope(s.ID, "q"), []analysis.IssueRef{{ID: "a", Answers: []int64{1}}}); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueLabel(ctx, store.IssueScope(s.ID, "q"), "a", "名前"); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueHidden(ctx, store.IssueScope(s.ID, "q"), "a", true); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueMerge(ctx, store.IssueScope(s.ID, "q"), "a", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := texts.IssueGroupStates(ctx, store.IssueScope(s.ID, "q")); err != nil {
			t.Fatal(err)
		}
		if len(log.found) < 5 {
			t.Fatalf("only %d statements over the store's tables recorded", len(log.found))
		}
		for _, q := range log.found {
			if !strings.HasPrefix(q, "/* store.") {
				t.Errorf("untagged statement: %.160s", q)
			}
		}
	})
}
