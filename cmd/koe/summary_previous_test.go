package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
)

// The summary of a meeting of a series says how responses, satisfaction and
// NPS changed since the meeting before, on the dashboard, in the downloaded
// report and from `koe report`; someone who may see only this meeting gets
// no figures of the one before.
func TestSummaryComparesWithThePreviousMeeting(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			ts, db := serverAt(t, dbURL)
			staff := ts.staffClient(ts.loadDemo())
			change := regexp.MustCompile(`<span class="change">前回 [0-9.+\-]+(?:%)?（[+\-][0-9.]+(?:ポイント)?）</span>`)
			for _, page := range []string{"/surveys/network-2020-3", "/surveys/network-2020-3/report.html"} {
				resp, body := get(t, staff, ts.URL+page)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", page, resp.StatusCode)
				}
				if !strings.Contains(body, "前回: 2020年") || !strings.Contains(body, "第2回") || len(change.FindAllString(body, -1)) < 2 || !strings.Contains(body, "前回 ") {
					t.Errorf("%s: the summary does not compare with the second meeting", page)
				}
			}
			out := filepath.Join(t.TempDir(), "r.html")
			if msg, err := koe(t, "", "report", "--db", dbURL, "--survey", "network-2020-3", "-o", out); err != nil {
				t.Fatalf("koe report: %v\n%s", err, msg)
			}
			if b, err := os.ReadFile(out); err != nil || len(change.FindAll(b, -1)) < 2 {
				t.Errorf("koe report's summary does not compare with the second meeting (%v)", err)
			}
			if _, body := get(t, staff, ts.URL+"/surveys/network-2020-1"); strings.Contains(body, "summary-previous") {
				t.Errorf("the first meeting's summary names a meeting before it")
			}

			// Only the third meeting is shared with this member.
			if _, err := db.ExecContext(context.Background(), "UPDATE surveys SET owner = 'demo@koe.example'"); err != nil {
				t.Fatal(err)
			}
			one := ts.editorClient("one@example.jp")
			if resp, _ := postForm(t, staff, ts.URL+"/surveys/network-2020-3/shares", url.Values{"email": {"one@example.jp"}, "level": {"view"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("share: %d", resp.StatusCode)
			}
			resp, body := get(t, one, ts.URL+"/surveys/network-2020-3")
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "summary-previous") || change.MatchString(body) {
				t.Errorf("a member who may not see the second meeting gets its figures: %d", resp.StatusCode)
			}
		})
	}
}
