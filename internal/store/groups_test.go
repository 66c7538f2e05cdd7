package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// The attribute answers a scope groups by are read once and remembered;
// an answer submitted afterwards is in its group at the next view, and a
// drill-down lists the selected answers with their texts. Both databases.
func TestGroupsFollowNewAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		lines := []string{"駐車場が少ない", "バスの本数が少ない", "駐車場が狭い", "トイレが少ない"}
		s := storeWithAnswers(t, db, texts, "groups", 1, lines) // roles alternate: 県, 市町村, 県, 市町村
		sc := scopeOf(s)
		inGroup := func() []analysis.Doc {
			t.Helper()
			m, err := texts.Matching(ctx, sc, analysis.Filter{Term: "駐車場", Group: "県"}, 10, 500)
			if err != nil {
				t.Fatal(err)
			}
			docs, lines := m.Docs, m.Lines
			for _, d := range docs {
				if !strings.Contains(d.Text, "駐車場") || d.Group != "県" {
					t.Errorf("listed %q in group %q", d.Text, d.Group)
				}
			}
			if len(lines) != len(docs) {
				t.Errorf("%d answers but %d lines in context", len(docs), len(lines))
			}
			return docs
		}
		if n := len(inGroup()); n != 2 {
			t.Fatalf("駐車場 in group 県: %d answers, want 2", n)
		}
		storeMore(t, db, texts, s, "駐車場の案内が分かりにくい") // role 県
		if n := len(inGroup()); n != 3 {
			t.Errorf("after one more answer of 県: %d answers, want 3", n)
		}
		docs, err := texts.Docs(ctx, sc, []string{})
		if err != nil {
			t.Fatal(err)
		}
		among, err := texts.DocsAmong(ctx, sc, []int64{docs[1].ID, docs[4].ID})
		if err != nil || len(among) != 2 || among[0].Text != lines[1] || among[1].Text != "駐車場の案内が分かりにくい" || among[1].Group != "県" {
			t.Errorf("DocsAmong: %+v, %v", among, err)
		}
	})
}

// SQLite gives the ids of deleted newest rows again: a response deleted and
// another stored in its place still gets its group.
func TestGroupsFollowADeletedResponsesPlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		s := storeWithAnswers(t, db, texts, "groups-deleted", 1, []string{"駐車場が少ない", "バスの本数が少ない"})
		sc := scopeOf(s)
		count := func() int {
			t.Helper()
			m, err := texts.Matching(ctx, sc, analysis.Filter{Term: "駐車場", Group: "県"}, 10, 500)
			if err != nil {
				t.Fatal(err)
			}
			return m.N
		}
		storeMore(t, db, texts, s, "駐車場の案内が分かりにくい")
		if n := count(); n != 2 {
			t.Fatalf("駐車場 in group 県: %d answers, want 2", n)
		}
		deleteMore(t, db, texts, s)
		storeMore(t, db, texts, s, "駐車場がもっと欲しい")
		if n := count(); n != 2 {
			t.Errorf("after the newest response was deleted and another stored: 駐車場 in group 県 in %d answers, want 2", n)
		}
	})
}

// The same for copies: once the newest response, a copy, is deleted and
// another answer takes its ids (SQLite), the new answer is not left out as
// a copy.
func TestCopiesFollowADeletedResponsesPlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		copied := "駐車場が少なくて車をとめるのに待つ必要があった"
		s := storeWithAnswers(t, db, texts, "copies-deleted", 1, []string{copied, "バスの本数が少ない"})
		sc := scopeOf(s)
		storeMore(t, db, texts, s, copied)
		if c, err := texts.CopiesOf(ctx, sc); err != nil || len(c.IDs) != 1 {
			t.Fatalf("%d copies (%v), want 1", len(c.IDs), err)
		}
		deleteMore(t, db, texts, s)
		storeMore(t, db, texts, s, "トイレが少ない")
		if c, err := texts.CopiesOf(ctx, sc); err != nil || len(c.IDs) != 0 {
			t.Errorf("after the copy was deleted and another answer stored: %d copies (%v), want none", len(c.IDs), err)
		}
	})
}

// deleteMore deletes the response storeMore stored, the survey's newest.
func deleteMore(t *testing.T, db *bun.DB, texts *store.Store, s *survey.Survey) {
	t.Helper()
	ctx := context.Background()
	var newest string
	if err := db.NewSelect().TableExpr("responses").Column("id").Where("survey_id = ? AND submission_key = 'more'", s.ID).Scan(ctx, &newest); err != nil {
		t.Fatal(err)
	}
	if err := texts.DeleteResponse(ctx, s, newest); err != nil {
		t.Fatal(err)
	}
}
