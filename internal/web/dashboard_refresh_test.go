package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

const warmYAML = `slug: warm
title: 事前に集計するアンケート
questions:
  - key: role
    type: single
    label: 所属
    attribute: true
    options: [県, 市町村]
  - key: comments
    type: textarea
    label: ご意見
    analyze: true
`

func testAnalyzer(t *testing.T) *analysis.Analyzer {
	t.Helper()
	a, err := analysis.New(analysis.DefaultDictionary())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// warmServer is a server on db, logging to log, whose dashboards are all
// built aside (RefreshAfter of a nanosecond), with the survey of warmYAML
// and three responses.
func warmServer(t *testing.T, db *bun.DB, a *analysis.Analyzer, log io.Writer) (*Server, *store.Store, *survey.Survey) {
	t.Helper()
	st := store.New(db, analysis.NewTokenizer(a))
	s := warmSurvey(t, st)
	srv, err := New(Config{DB: db, Surveys: st, Texts: st, Log: slog.New(slog.NewTextHandler(log, nil)), RefreshAfter: 1})
	if err != nil {
		t.Fatal(err)
	}
	return srv, st, s
}

// warmSurvey stores the survey of warmYAML with three responses.
func warmSurvey(t *testing.T, st *store.Store) *survey.Survey {
	t.Helper()
	ctx := context.Background()
	d, err := survey.ParseDefinition("warm.yaml", []byte(warmYAML))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, d, warmYAML); err != nil {
		t.Fatal(err)
	}
	s, err := st.SurveyBySlug(ctx, "warm")
	if err != nil {
		t.Fatal(err)
	}
	var batch []survey.Pending
	for i, line := range []string{"駐車場が少ない", "バスの本数が少ない", "人事異動で連携が途切れる"} {
		answers, errs := survey.Validate(d, map[string]any{"role": "県", "comments": line})
		if errs != nil {
			t.Fatal(errs)
		}
		batch = append(batch, survey.Pending{Answers: answers, Sub: survey.Submission{Key: fmt.Sprint(i)}})
	}
	if _, _, err := st.SubmitAll(ctx, s, batch); err != nil {
		t.Fatal(err)
	}
	return s
}

// lockedBuffer is a log destination read while the server writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// The dashboards of large surveys (here of 3 responses or more) are built
// in the background at start (WarmDashboards), ready for their first
// reader; a reader who comes while such a build runs waits for it instead
// of building the dashboard a second time, also where the reader's own
// dashboard would be built in the background (buildAside: until session 9
// the reader queued a second build of the same answers, and waited for
// both). Both databases.
func TestWarmDashboardIsBuiltOnce(t *testing.T) {
	a := testAnalyzer(t)
	for _, aside := range []bool{false, true} {
		t.Run(fmt.Sprintf("aside=%v", aside), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *bun.DB) { warmDashboardIsBuiltOnce(t, db, a, aside) })
		})
	}
}

func warmDashboardIsBuiltOnce(t *testing.T, db *bun.DB, a *analysis.Analyzer, aside bool) {
	ctx := context.Background()
	var log lockedBuffer
	srv, st, s := warmServer(t, db, a, &log)
	if aside {
		srv.buildAside = buildAside{from: 3, wait: time.Minute}
	}
	if err := srv.WarmDashboards(ctx, 4); err != nil || srv.waitForBuild(ctx, "warm", time.Minute) {
		t.Fatalf("a survey of 3 responses was built as one of 4 or more (%v)", err)
	}
	if err := srv.WarmDashboards(ctx, 3); err != nil {
		t.Fatal(err)
	}
	// Asked for at once: waits for the build under way.
	c := blocksNow(t, srv, st, s)
	if c.responses != 3 || c.behind || !strings.Contains(string(c.blocks), "回答 3件") {
		t.Errorf("the dashboard asked for while built: blocks of %d responses, behind %v", c.responses, c.behind)
	}
	if srv.waitForBuild(ctx, "warm", time.Minute) {
		t.Error("a build is still queued after the dashboard was served")
	}
	if built := log.count(`msg="dashboard built"`); built != 1 {
		t.Errorf("the dashboard was built %d times, want once", built)
	}
}

// A large survey's dashboard with none cached is built in the background;
// a reader who waited long enough for it is shown a page saying so, which
// reloads itself, and then the dashboard. Both databases.
func TestLargeDashboardSaysItIsBeingBuilt(t *testing.T) {
	a := testAnalyzer(t)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		srv, st, s := warmServer(t, db, a, io.Discard)
		srv.buildAside = buildAside{from: 3, wait: time.Nanosecond} // every survey of 3 responses is large, and no one waits
		c := blocksNow(t, srv, st, s)
		if !c.building || c.blocks != "" {
			t.Fatalf("asked for at once: building %v, %d bytes of blocks", c.building, len(c.blocks))
		}
		var page bytes.Buffer
		if err := srv.dashboardPage.ExecuteTemplate(&page, "content", map[string]any{"Data": dashboardView{Building: true, Responses: c.responses}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page.String(), "集計に時間がかかっています") {
			t.Errorf("the page while building says nothing of it: %s", page.String())
		}
		page.Reset()
		if err := srv.dashboardPage.ExecuteTemplate(&page, "head", map[string]any{"Data": dashboardView{Building: true}}); err != nil || !strings.Contains(page.String(), `http-equiv="refresh"`) {
			t.Errorf("the page while building does not reload itself (%v): %s", err, page.String())
		}
		srv.waitForBuild(ctx, "warm", time.Minute)
		if c = blocksNow(t, srv, st, s); c.building || !strings.Contains(string(c.blocks), "回答 3件") {
			t.Errorf("once built: building %v", c.building)
		}
	})
}

// blocksNow asks for the survey's dashboard blocks with its response stamp
// as it is now, as a reader's request does.
func blocksNow(t *testing.T, srv *Server, st *store.Store, s *survey.Survey) cachedBlocks {
	t.Helper()
	ctx := context.Background()
	n, latest, err := st.ResponseStamp(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	c, err := srv.surveyBlocks(ctx, s, n, latest, false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
