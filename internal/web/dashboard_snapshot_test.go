package web

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// restarted is another server on db, as koe serve started again: nothing
// in memory, every survey of 3 responses or more large.
func restarted(t *testing.T, db *bun.DB, st *store.Store, log *lockedBuffer) *Server {
	t.Helper()
	srv, err := New(Config{DB: db, Surveys: st, Texts: st, Log: slog.New(slog.NewTextHandler(log, nil)), RefreshAfter: 1})
	if err != nil {
		t.Fatal(err)
	}
	srv.buildAside = buildAside{from: 3, wait: time.Minute}
	t.Cleanup(srv.StopBuilds)
	return srv
}

// A large survey's dashboard, built once, is kept in the database: a
// restarted server shows it at once without building it (its issue groups
// too, for the drill-down by issue); after one more response it shows it as
// it was, saying so, while it builds the new one; blocks another koe binary
// kept are not shown. Both databases.
func TestDashboardIsKeptAcrossRestarts(t *testing.T) {
	a := testAnalyzer(t)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		var log lockedBuffer
		first, st, s := warmServer(t, db, a, &log)
		first.buildAside = buildAside{from: 3, wait: time.Minute}
		if err := first.WarmDashboards(ctx, 3); err != nil {
			t.Fatal(err)
		}
		built := blocksNow(t, first, st, s)
		first.StopBuilds() // returns once the blocks are kept
		if _, found, err := st.DashboardSnapshot(ctx, s.ID, ""); err != nil || !found {
			t.Fatalf("no snapshot kept after the build (%v)", err)
		}

		var again lockedBuffer
		second := restarted(t, db, st, &again)
		if err := second.WarmDashboards(ctx, 3); err != nil {
			t.Fatal(err)
		}
		c := blocksNow(t, second, st, s)
		if c.behind || c.building || c.blocks != built.blocks || c.responses != 3 || !c.built.Equal(built.built) {
			t.Errorf("after a restart: behind %v, building %v, same blocks %v, %d responses, built %v (was %v)",
				c.behind, c.building, c.blocks == built.blocks, c.responses, c.built, built.built)
		}
		if groups := c.issues["comments"].Issues; groups == nil || len(groups.Groups) != len(built.issues["comments"].Issues.Groups) {
			t.Errorf("after a restart the issue groups are not there for the drill-down: %+v", c.issues)
		}
		if second.waitForBuild(ctx, "warm", time.Minute) || again.count(`msg="dashboard built"`) != 0 {
			t.Errorf("the kept dashboard was built again: %d builds", again.count(`msg="dashboard built"`))
		}

		addResponse(t, st, s, "駐車場がもっと欲しい")
		var third lockedBuffer
		after := restarted(t, db, st, &third)
		c = blocksNow(t, after, st, s)
		if !c.behind || c.blocks != built.blocks || c.responses != 3 {
			t.Errorf("after a restart and one more response: behind %v, same blocks %v, %d responses", c.behind, c.blocks == built.blocks, c.responses)
		}
		after.waitForBuild(ctx, "warm", time.Minute)
		if c = blocksNow(t, after, st, s); c.behind || !strings.Contains(string(c.blocks), "回答 4件") {
			t.Errorf("once built in the background: behind %v, %d responses", c.behind, c.responses)
		}
		after.StopBuilds()

		var fourth lockedBuffer
		other := restarted(t, db, st, &fourth)
		other.binary.once.Do(func() { other.binary.digest = "another-build" })
		if err := other.WarmDashboards(ctx, 3); err != nil {
			t.Fatal(err)
		}
		if c = blocksNow(t, other, st, s); !strings.Contains(string(c.blocks), "回答 4件") || fourth.count(`msg="dashboard built"`) != 1 {
			t.Errorf("another binary's blocks: %d builds, want 1 (its own)", fourth.count(`msg="dashboard built"`))
		}
	})
}

// addResponse stores one more response to the survey of warmYAML.
func addResponse(t *testing.T, st *store.Store, s *survey.Survey, comment string) {
	t.Helper()
	answers, errs := survey.Validate(s.Definition(), map[string]any{"role": "市町村", "comments": comment})
	if errs != nil {
		t.Fatal(errs)
	}
	if _, _, err := st.SubmitAll(context.Background(), s, []survey.Pending{{Answers: answers, Sub: survey.Submission{Key: fmt.Sprint(time.Now().UnixNano())}}}); err != nil {
		t.Fatal(err)
	}
}
