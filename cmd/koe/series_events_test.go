package main

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
)

// sameTitledMeeting is a survey of the series "teirei" whose event is titled
// 定例会 like every other meeting of the series; only its date differs.
func sameTitledMeeting(slug, date string) string {
	return `slug: ` + slug + `
title: 定例会アンケート
event: {series: teirei, series_title: 定例会シリーズ, title: 定例会, date: ` + date + `}
questions:
  - {key: comments, type: textarea, label: ご意見, analyze: true}
`
}

// Two meetings of a series with the same title (定例会) are two events
// everywhere a series is shown: `koe analyze` (text and JSON), the series
// dashboard, the series report (downloaded and written by `koe report`) name
// the same two events and keep the issue that recurs in both, with the same
// counts; the dashboard's drill-down lists one meeting's answers.
// Labelled by title alone, the two merged into one event and the
// recurring issues were silently dropped.
func TestSameTitledMeetingsKeepTheirRecurringIssues(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			ts, _ := serverAt(t, dbURL)
			ts.apply(sameTitledMeeting("teirei-4", "2025-04-10"))
			ts.apply(sameTitledMeeting("teirei-5", "2025-05-08"))
			answers := map[string][]string{
				"teirei-4": {"駐車場が足りないので車で来にくい。", "駐車場の案内がほしい。", "資料が多くて読みきれない。"},
				"teirei-5": {"今回も駐車場が足りなかった。", "駐車場が遠い。", "駐車場を増やしてほしい。", "開始時間を早めてほしい。"},
			}
			for slug, texts := range answers {
				for _, text := range texts {
					b, _ := json.Marshal(map[string]any{"answers": map[string]any{"comments": text}})
					if code, out := ts.postJSON("/api/v1/surveys/"+slug+"/responses", "", string(b)); code != http.StatusCreated {
						t.Fatalf("%s: %d %v", slug, code, out)
					}
				}
			}
			wantEvents := []string{"2025-04-10 定例会", "2025-05-08 定例会"}
			const issue = "駐車場"
			wantCounts := []int{2, 3}

			out, err := koe(t, "", "analyze", "--db", dbURL, "--series", "teirei", "--json")
			if err != nil {
				t.Fatal(err)
			}
			var res analyzeResult
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if !slices.Equal(res.Events, wantEvents) {
				t.Errorf("koe analyze --json: events %q, want %q", res.Events, wantEvents)
			}
			found := false
			for _, r := range res.Recurring {
				if r.Term == issue {
					found = true
					if !slices.Equal(r.Counts, wantCounts) {
						t.Errorf("koe analyze --json: %s in %v answers per event, want %v", issue, r.Counts, wantCounts)
					}
				}
			}
			if !found {
				t.Errorf("koe analyze --json: %s does not recur: %+v", issue, res.Recurring)
			}

			out, err = koe(t, "", "analyze", "--db", dbURL, "--series", "teirei")
			if err != nil {
				t.Fatal(err)
			}
			if want := "Recurring across 2 events (" + strings.Join(wantEvents, " → ") + ")"; !strings.Contains(out, want) {
				t.Errorf("koe analyze lacks %q:\n%s", want, out)
			}
			if !regexp.MustCompile(`persisting\s+word\s+` + issue + `\s+\[2 → 3\]`).MatchString(out) {
				t.Errorf("koe analyze lacks %s as a persisting word [2 → 3]:\n%s", issue, out)
			}

			staff := ts.editorClient("staff@koe.test")
			file := filepath.Join(t.TempDir(), "teirei.html")
			if msg, err := koe(t, "", "report", "--db", dbURL, "--series", "teirei", "-o", file); err != nil || !strings.Contains(msg, "2 events") {
				t.Fatalf("koe report --series: %q %v", msg, err)
			}
			written, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			pages := map[string]string{"koe report --series": string(written)}
			for _, path := range []string{"/series/teirei", "/series/teirei/report.html"} {
				resp, body := get(t, staff, ts.URL+path)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d", path, resp.StatusCode)
				}
				pages["GET "+path] = body
			}
			for name, page := range pages {
				checkRecurringIssue(t, name, page, wantEvents, issue, wantCounts)
			}

			// The dashboard's drill-down keeps the events apart too.
			drill := "/series/teirei/answers?term=" + url.QueryEscape(issue) + "&event=" + url.QueryEscape(wantEvents[1])
			resp, body := get(t, staff, ts.URL+drill)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", drill, resp.StatusCode)
			}
			for _, text := range answers["teirei-5"][:3] {
				if !strings.Contains(body, strings.TrimSuffix(text, "。")) {
					t.Errorf("drill-down of the second meeting lacks %q", text)
				}
			}
			for _, text := range answers["teirei-4"][:2] {
				if strings.Contains(body, strings.TrimSuffix(text, "。")) {
					t.Errorf("drill-down of the second meeting shows the first's %q", text)
				}
			}
		})
	}
}

// checkRecurringIssue fails unless page has the recurring-issues table of a
// series report with one column per event and the issue's counts.
func checkRecurringIssue(t *testing.T, name, page string, events []string, issue string, counts []int) {
	t.Helper()
	page = html.UnescapeString(page)
	if !strings.Contains(page, `id="issues-title"`) {
		t.Errorf("%s: no recurring-issues section", name)
		return
	}
	var head, row strings.Builder
	head.WriteString(`<th scope="col">課題</th>`)
	for _, e := range events {
		head.WriteString(`<th scope="col" class="num">` + e + `</th>`)
	}
	row.WriteString(`<th scope="row">` + issue + `</th>`)
	for _, n := range counts {
		row.WriteString(`<td class="num">` + strconv.Itoa(n) + `</td>`)
	}
	for _, want := range []string{head.String(), row.String()} {
		if !strings.Contains(page, want) {
			t.Errorf("%s lacks %s", name, want)
		}
	}
	if t.Failed() {
		i := strings.Index(page, `id="issues-title"`)
		t.Logf("%s: %s", name, fmt.Sprint(page[i:min(len(page), i+1500)]))
	}
}
