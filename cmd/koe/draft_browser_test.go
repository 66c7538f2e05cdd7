package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// A survey just made with 新しく作る is a draft: in a real browser, at a
// desk and on a tablet, its public link (what a QR code shown before
// 公開する leads to) says it is being prepared and never that it has ended.
func TestDraftLinkSaysNotYetOpenInBrowser(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	ts := newTestServer(t, dbtest.Open(t, database.SQLite))
	c := ts.editorClient("editor@example.jp")
	resp, body := postForm(t, c, ts.URL+"/surveys/new", url.Values{"title": {"第5回 ふりかえり"}, "slug": {"draft-5"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", resp.StatusCode, body)
	}
	ctx := browsertest.New(t)
	for _, size := range []struct{ w, h int64 }{{1366, 900}, {768, 1024}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(size.w, size.h),
				chromedp.Navigate(ts.URL+"/s/draft-5"),
				chromedp.WaitVisible(chromedp.CSS("main")),
			); err != nil {
				t.Fatal(err)
			}
			text := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
			if !strings.Contains(text, "準備中") || strings.Contains(text, "終了") || !strings.Contains(text, "第5回 ふりかえり") {
				t.Errorf("the draft's link shows %q", text)
			}
		})
	}
}
