package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
)

// Issue groups stored for a scope keep what staff gave them while the group
// continues, lose it when the group is regrouped away, and stay apart from
// other scopes.
func TestIssueGroupsKeepStaffChoicesWhileTheyContinue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		texts := newStore(db, testAnalyzer(t))
		scope, other := store.IssueScope(1, "comments"), store.SeriesIssueScope("kai", "comments")
		first := []analysis.IssueRef{{ID: "a", Answers: []int64{1, 2, 3}}, {ID: "b", Answers: []int64{4, 5}}}
		if err := texts.SaveIssueRefs(ctx, scope, first); err != nil {
			t.Fatal(err)
		}
		if err := texts.SaveIssueRefs(ctx, other, first[:1]); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueLabel(ctx, scope, "a", "駐車場の不足"); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueHidden(ctx, scope, "b", true); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueMerge(ctx, scope, "b", "a"); err != nil {
			t.Fatal(err)
		}
		if err := texts.SetIssueLabel(ctx, scope, "zz", "x"); !errors.Is(err, store.ErrNoIssueGroup) {
			t.Fatalf("renaming an unknown group: %v, want ErrNoIssueGroup", err)
		}
		got, err := texts.IssueGroupStates(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != "a" || got[0].StaffLabel != "駐車場の不足" || got[0].Hidden ||
			got[1].ID != "b" || !got[1].Hidden || got[1].MergedInto != "a" || !slices.Equal(got[1].Answers, []int64{4, 5}) {
			t.Fatalf("stored: %+v", got)
		}
		// Regrouped: b continues, still merged into a.
		if err := texts.SaveIssueRefs(ctx, scope, []analysis.IssueRef{{ID: "a", Answers: []int64{1, 2, 3}}, {ID: "b", Answers: []int64{4, 5, 8}}}); err != nil {
			t.Fatal(err)
		}
		if got, err := texts.IssueGroupStates(ctx, scope); err != nil || len(got) != 2 || got[1].MergedInto != "a" || !got[1].Hidden {
			t.Fatalf("after b continued: %+v, %v", got, err)
		}
		if err := texts.SetIssueMerge(ctx, scope, "b", ""); err != nil {
			t.Fatal(err)
		}
		// Regrouped: a continues with more answers, b is gone, c is new.
		if err := texts.SaveIssueRefs(ctx, scope, []analysis.IssueRef{{ID: "a", Answers: []int64{1, 2, 3, 6}}, {ID: "c", Answers: []int64{7}}}); err != nil {
			t.Fatal(err)
		}
		got, err = texts.IssueGroupStates(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != "a" || got[0].StaffLabel != "駐車場の不足" || !slices.Equal(got[0].Answers, []int64{1, 2, 3, 6}) ||
			got[1].ID != "c" || got[1].StaffLabel != "" || got[1].Hidden {
			t.Fatalf("after regrouping: %+v", got)
		}
		if o, err := texts.IssueGroupStates(ctx, other); err != nil || len(o) != 1 || o[0].StaffLabel != "" {
			t.Fatalf("the other scope: %+v, %v", o, err)
		}
		if err := texts.SetIssueLabel(ctx, scope, "a", ""); err != nil {
			t.Fatal(err)
		}
		if err := texts.SaveIssueRefs(ctx, scope, nil); err != nil {
			t.Fatal(err)
		}
		if got, err := texts.IssueGroupStates(ctx, scope); err != nil || len(got) != 0 {
			t.Fatalf("after a grouping with no group: %+v, %v", got, err)
		}
	})
}
