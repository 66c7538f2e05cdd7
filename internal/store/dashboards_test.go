package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
)

// A survey keeps one dashboard snapshot per variant: keeping one again
// replaces it, it is read only by the build whose stamp end it has,
// forgetting drops every variant, and deleting the survey
// drops its snapshots with it. Both databases.
func TestDashboardSnapshotsAreKeptPerVariant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := newStore(db, testAnalyzer(t))
		s := storeWithAnswers(t, db, st, "snapshots", 1, []string{"担い手が不足している。"})
		other := storeWithAnswers(t, db, st, "other", 1, nil) // no answers: a survey deleted with its answers is not a path koe has
		if _, found, err := st.DashboardSnapshot(ctx, s.ID, "", ""); err != nil || found {
			t.Fatalf("before any is kept: found %v, %v", found, err)
		}
		built := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
		body := bytes.Repeat([]byte{0, 0xff, 'k', 'o', 'e'}, 300_000) // binary, 1.5 MB
		keep := func(id int64, variant, stamp string, body []byte) {
			t.Helper()
			if err := st.KeepDashboardSnapshot(ctx, id, variant, store.DashboardSnapshot{Stamp: stamp, Body: body, BuiltAt: built}); err != nil {
				t.Fatal(err)
			}
		}
		keep(s.ID, "", "first", []byte("old"))
		keep(s.ID, "", "second|koe:this", body)
		keep(s.ID, "|copies=all", "raw", []byte("raw counts"))
		keep(other.ID, "", "other's", []byte("other"))
		if _, found, err := st.DashboardSnapshot(ctx, s.ID, "", "|koe:that"); err != nil || found {
			t.Errorf("another build's stamp end: found %v, %v", found, err)
		}
		got, found, err := st.DashboardSnapshot(ctx, s.ID, "", "|koe:this")
		if err != nil || !found || got.Stamp != "second|koe:this" || !bytes.Equal(got.Body, body) || !got.BuiltAt.Equal(built) {
			t.Fatalf("kept again: found %v, stamp %q, %d bytes (want %d), built %v, %v", found, got.Stamp, len(got.Body), len(body), got.BuiltAt, err)
		}
		if got, _, _ := st.DashboardSnapshot(ctx, s.ID, "|copies=all", ""); got.Stamp != "raw" {
			t.Errorf("the raw counts' variant: stamp %q", got.Stamp)
		}
		if err := st.ForgetDashboardSnapshots(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		for _, variant := range []string{"", "|copies=all"} {
			if _, found, err := st.DashboardSnapshot(ctx, s.ID, variant, ""); err != nil || found {
				t.Errorf("variant %q after forgetting: found %v, %v", variant, found, err)
			}
		}
		if _, found, _ := st.DashboardSnapshot(ctx, other.ID, "", ""); !found {
			t.Error("forgetting one survey's snapshots dropped another's")
		}
		if _, err := db.NewDelete().Table("surveys").Where("id = ?", other.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.NewRaw("SELECT count(*) FROM dashboard_snapshots").Scan(ctx, &left); err != nil || left != 0 {
			t.Errorf("after the survey was deleted: %d snapshots left, %v", left, err)
		}
	})
}
