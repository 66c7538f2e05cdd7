package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

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
// of building the dashboard a second time. Both databases.
func TestWarmDashboardIsBuiltOnce(t *testing.T) {
	a, err := analysis.New(analysis.DefaultDictionary())
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, analysis.NewTokenizer(a))
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
		var log lockedBuffer
		srv, err := New(Config{DB: db, Surveys: st, Texts: st, Log: slog.New(slog.NewTextHandler(&log, nil)), RefreshAfter: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.WarmDashboards(ctx, 4); err != nil || srv.waitForBuild(ctx, "warm") {
			t.Fatalf("a survey of 3 responses was built as one of 4 or more (%v)", err)
		}
		if err := srv.WarmDashboards(ctx, 3); err != nil {
			t.Fatal(err)
		}
		// Asked for at once: waits for the build under way.
		n, latest, err := st.ResponseStamp(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		c, err := srv.surveyBlocks(ctx, s, n, latest, false)
		if err != nil {
			t.Fatal(err)
		}
		if c.responses != 3 || c.behind || !strings.Contains(string(c.blocks), "回答 3件") {
			t.Errorf("the dashboard asked for while built: blocks of %d responses, behind %v", c.responses, c.behind)
		}
		if srv.waitForBuild(ctx, "warm") {
			t.Error("a build is still queued after the dashboard was served")
		}
		if built := log.count(`msg="dashboard built"`); built != 1 {
			t.Errorf("the dashboard was built %d times, want once", built)
		}
	})
}
