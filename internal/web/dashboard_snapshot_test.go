package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
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
// too, for the drill-down by issue, and its report's model, for the
// download); after one more response it shows it as
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
		if _, found, err := st.DashboardSnapshot(ctx, s.ID, "", ""); err != nil || !found {
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
		if c.report == nil || downloadReport(t, second) != downloadReport(t, first) {
			t.Error("after a restart the report downloaded is not the kept dashboard's model")
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

// The report downloaded after the dashboard is the dashboard's own model
// (not built a second time) while the answers are those it shows, and it
// is the report built afresh but for its time of writing; after one more
// response it is built again. Both databases.
func TestReportDownloadTakesTheDashboardsModel(t *testing.T) {
	a := testAnalyzer(t)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		srv, st, s := warmServer(t, db, a, io.Discard)
		blocksNow(t, srv, st, s)
		fresh, err := reports.BuildReport(ctx, st, st, s)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := reports.WriteReport(&want, fresh); err != nil {
			t.Fatal(err)
		}
		if got := downloadReport(t, srv); got != withoutTime(want.String()) {
			t.Errorf("the report from the dashboard's model differs from one built afresh:\n%s", firstDifference(got, withoutTime(want.String())))
		}

		srv.blocksMu.Lock() // mark the cached model: the download shows the mark only if it took the model
		c := srv.blocks["warm"]
		marked := *c.report
		marked.Title = "ダッシュボードのモデル"
		c.report = &marked
		srv.blocks["warm"] = c
		srv.blocksMu.Unlock()
		if got := downloadReport(t, srv); !strings.Contains(got, "ダッシュボードのモデル") {
			t.Error("the report was built again while the dashboard's model was current")
		}
		addResponse(t, st, s, "駐車場がもっと欲しい")
		if got := downloadReport(t, srv); strings.Contains(got, "ダッシュボードのモデル") || !strings.Contains(got, "4件") {
			t.Error("after one more response the report is the dashboard's model of 3 responses")
		}
	})
}

// downloadReport is the survey warm's report as downloaded, without its
// time of writing.
func downloadReport(t *testing.T, srv *Server) string {
	t.Helper()
	req := httptest.NewRequest("GET", "/surveys/warm/report.html", nil)
	req.SetPathValue("slug", "warm")
	rec := httptest.NewRecorder()
	if err := srv.downloadSurveyReport(rec, req); err != nil {
		t.Fatal(err)
	}
	return withoutTime(rec.Body.String())
}

var writtenAt = regexp.MustCompile(`<dt>作成日時</dt><dd>[^<]*</dd>`)

func withoutTime(page string) string { return writtenAt.ReplaceAllString(page, "") }

// firstDifference shows where two pages part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-80, 0)
	return fmt.Sprintf("…%s\nvs\n…%s", a[from:min(i+80, len(a))], b[from:min(i+80, len(b))])
}

// Staff changing what a dashboard shows while its build of the same answers
// runs (an issue group's name) make the next reader's build queue again
// rather than wait for the one running, which may have read the old name;
// a new dictionary's reanalysis and a staff change drop the blocks kept in
// the database. Both databases.
func TestChangedDashboardsAreNotKeptAsTheyWere(t *testing.T) {
	a := testAnalyzer(t)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		srv, st, s := warmServer(t, db, a, io.Discard)
		srv.buildAside = buildAside{from: 3, wait: time.Minute}
		n, latest, err := st.ResponseStamp(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		_, stamp, _ := srv.blockStamps(s, n, latest, false, nil)
		r := &srv.refresh
		r.mu.Lock()
		r.current = queuedBuild{slug: "warm", stamp: stamp} // as if its build were running
		r.mu.Unlock()
		srv.refreshBlocks(s, n, latest, false, nil)
		r.mu.Lock()
		_, queued := r.pending["warm"]
		r.mu.Unlock()
		if queued {
			t.Fatal("a build of the stamp being built was queued again")
		}
		srv.expireBlocks("warm") // staff renamed a group meanwhile
		srv.refreshBlocks(s, n, latest, false, nil)
		r.mu.Lock()
		_, queued = r.pending["warm"]
		if r.current.run == nil { // the pretended build, unless the runner has started the real one
			r.current = queuedBuild{}
		} else if r.current.slug == "warm" && !r.current.stale {
			queued = true // queued and already taken by the runner
		}
		r.mu.Unlock()
		if !queued {
			t.Fatal("after a staff change the reader waits for the build that read the old names")
		}
		srv.waitForBuild(ctx, "warm", time.Minute)
		srv.StopBuilds() // the keep is done
		kept := func() bool {
			t.Helper()
			_, found, err := st.DashboardSnapshot(ctx, s.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			return found
		}
		if !kept() {
			t.Fatal("the new build was not kept")
		}
		srv.forgetSnapshots(ctx, s)
		if kept() {
			t.Error("a staff change left the kept blocks")
		}
		other := restarted(t, db, st, &lockedBuffer{})
		if err := other.WarmDashboards(ctx, 3); err != nil {
			t.Fatal(err)
		}
		other.waitForBuild(ctx, "warm", time.Minute)
		other.StopBuilds()
		if !kept() {
			t.Fatal("the rebuild was not kept")
		}
		other.forgetBlocks(ctx)
		if kept() {
			t.Error("the end of a reanalysis left the kept blocks")
		}
	})
}
