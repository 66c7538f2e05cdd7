package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// At a desk (1366×900) and on a tablet (768×1024), the first screen of a
// survey's dashboard and of a series' shows the summary: its figures and at
// least its first main issue, whole, without scrolling.
func TestDashboardFirstScreenShowsTheSummary(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	ts := newTestServer(t, dbtest.Open(t, database.SQLite))
	pw := ts.loadDemo()
	ctx := browsertest.New(t)
	signIn(t, ctx, ts.URL, pw)
	type firstScreen struct {
		Height                         float64
		Summary, Figure, Issue, Issues float64 // bottom of each, -1 when missing
	}
	for _, size := range []struct{ w, h int64 }{{1366, 900}, {768, 1024}} {
		for _, page := range []string{"/surveys/network-2020-3", "/series/network-meetings"} {
			t.Run(fmt.Sprintf("%dx%d%s", size.w, size.h, page), func(t *testing.T) {
				if err := chromedp.Do(ctx,
					chromedp.EmulateViewport(size.w, size.h),
					chromedp.Navigate(ts.URL+page),
					chromedp.WaitVisible(chromedp.CSS("#summary-title")),
				); err != nil {
					t.Fatal(err)
				}
				got := browsertest.Get(t, ctx, chromedp.Evaluate[firstScreen](`(() => {
					const bottom = sel => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect().bottom : -1; };
					return {
						Height: innerHeight,
						Summary: document.getElementById('summary-title').getBoundingClientRect().top,
						Figure: bottom('.report-summary ul.summary li'),
						Issue: bottom('.report-summary .summary-issues li'),
						Issues: document.querySelectorAll('.report-summary .summary-issues li').length,
					};
				})()`))
				shot := browsertest.Get(t, ctx, chromedp.CaptureScreenshot())
				os.WriteFile(filepath.Join(browsertest.ArtifactDir(t), fmt.Sprintf("first-screen%s-%d.png", filepath.Base(page), size.w)), shot, 0o644)
				t.Logf("summary at %.0fpx, first figure ends at %.0fpx, first issue at %.0fpx of %.0fpx (%v issues)", got.Summary, got.Figure, got.Issue, got.Height, got.Issues)
				if got.Summary < 0 || got.Summary > got.Height {
					t.Errorf("the summary starts at %.0fpx, below the first screen (%.0fpx)", got.Summary, got.Height)
				}
				if got.Figure < 0 || got.Figure > got.Height {
					t.Errorf("the summary's first figure ends at %.0fpx, below the first screen (%.0fpx)", got.Figure, got.Height)
				}
				if got.Issues == 0 || got.Issue < 0 || got.Issue > got.Height {
					t.Errorf("the first main issue ends at %.0fpx (%v listed), not on the first screen (%.0fpx)", got.Issue, got.Issues, got.Height)
				}
			})
		}
	}
}
