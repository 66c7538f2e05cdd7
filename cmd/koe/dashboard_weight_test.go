package main

import (
	"bufio"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// fukuiKankoServer is a server whose survey fukui-kanko holds the first
// rows of the real Fukui tourism questionnaire (survey/testdata/
// fukui-kanko.yaml: 20 questions, 7 analysed, cross-tabs by attribute),
// imported as koe import does, with admin@koe.test. 347 rows are 300
// responses (some rows repeat one another and are imported once).
func fukuiKankoServer(t *testing.T, kind database.Kind, rows int) *testServer {
	t.Helper()
	dbURL := dbtest.URL(t, kind)
	f, err := os.Open(filepath.Join(testcorpus.Dir(t), "fukui-kanko", "fukui-kanko-2022-2024.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Lines are rows: the corpus has no line break inside a cell.
	var head strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for i := 0; i <= rows && sc.Scan(); i++ {
		head.WriteString(sc.Text() + "\n")
	}
	csvPath := writeFile(t, "fukui.csv", []byte(head.String()))
	if out, err := koe(t, "", "survey", "apply", "--db", dbURL, "-f", filepath.Join("..", "..", "survey", "testdata", "fukui-kanko.yaml")); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if out, err := koe(t, "", "import", "--db", dbURL, "--survey", "fukui-kanko", "--format", "table", csvPath); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	ts, _ := adminServer(t, dbURL)
	return ts
}

// crossTabChartID matches the chart of a cross-tab (q3-x2) in a page.
var crossTabChartID = regexp.MustCompile(`<div class="chart chart-bar" id="(q[0-9]+-x[0-9]+)"`)

// Issue 15/16, light pages: a dashboard of real imported answers whose
// cross-tabs are large sends each closed, its chart and table fetched when
// opened, under the dashboard's access checks, and so are its words by
// attribute group and its long (closed) lists of answers; together the
// fetched parts are every cross-tab, list of words by group and list of
// answers of the downloaded report that the page left out.
func TestLargeDashboardSendsCrossTabsWhenOpened(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts := fukuiKankoServer(t, kind, 347)
			admin := signInAs(t, ts, "admin@koe.test")
			resp, page := get(t, admin, ts.URL+"/surveys/fukui-kanko")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("dashboard: %d", resp.StatusCode)
			}
			if inline := crossTabChartID.FindAllString(page, -1); len(inline) > 0 {
				t.Errorf("the dashboard inlines %d cross-tab charts", len(inline))
			}
			srcs := regexp.MustCompile(`<details class="crosstab" id="[^"]+" data-src="([^"]+)">`).FindAllStringSubmatch(page, -1)
			if len(srcs) == 0 {
				t.Fatal("no cross-tab is sent closed")
			}
			var fetched []string
			groups, lists := 0, 0 // words by attribute group and long lists of answers, also sent when opened
			for _, m := range srcs {
				resp, frag := get(t, admin, ts.URL+m[1]+"?fragment=1")
				if resp.StatusCode != http.StatusOK || !strings.Contains(frag, "<table>") && !strings.Contains(frag, `<ol class="answers">`) {
					t.Fatalf("GET %s: %d %.200q", m[1], resp.StatusCode, frag)
				}
				for _, id := range crossTabChartID.FindAllStringSubmatch(frag, -1) {
					fetched = append(fetched, id[1])
				}
				groups += strings.Count(frag, `<div class="groups">`)
				lists += strings.Count(frag, `<ol class="answers">`)
			}
			if strings.Contains(page, `<div class="groups">`) {
				t.Errorf("the dashboard inlines words by group")
			}
			_, report := get(t, admin, ts.URL+"/surveys/fukui-kanko/report.html")
			var want []string
			for _, id := range crossTabChartID.FindAllStringSubmatch(report, -1) {
				want = append(want, id[1])
			}
			slices.Sort(fetched)
			slices.Sort(want)
			if len(want) == 0 || !slices.Equal(fetched, want) {
				t.Errorf("fetched cross-tabs %v, the report has %v", fetched, want)
			}
			if n := strings.Count(report, `<div class="groups">`); n == 0 || groups != n {
				t.Errorf("fetched words by group of %d questions, the report has %d", groups, n)
			}
			if n := strings.Count(report, `<ol class="answers">`) - strings.Count(page, `<ol class="answers">`); n == 0 || lists != n {
				t.Errorf("fetched %d lists of answers, the report has %d more than the dashboard", lists, n)
			}
			// The raw counts' page (?copies=all) fetches the raw counts' parts.
			_, raw := get(t, admin, ts.URL+"/surveys/fukui-kanko?copies=all")
			rawSrcs := regexp.MustCompile(`<details class="crosstab" id="[^"]+" data-src="([^"]+)">`).FindAllStringSubmatch(raw, -1)
			if len(rawSrcs) != len(srcs) {
				t.Fatalf("the raw counts' page defers %d parts, the page counted once %d", len(rawSrcs), len(srcs))
			}
			for _, m := range rawSrcs {
				if !strings.HasSuffix(html.UnescapeString(m[1]), "?copies=all") {
					t.Fatalf("the raw counts' page fetches %s", m[1])
				}
			}
			if resp, frag := get(t, admin, ts.URL+html.UnescapeString(rawSrcs[0][1])); resp.StatusCode != http.StatusOK || !strings.Contains(frag, "<table>") && !strings.Contains(frag, `<ol class="answers">`) {
				t.Errorf("GET %s: %d %.200q", rawSrcs[0][1], resp.StatusCode, frag)
			}
			if resp, _ := get(t, formClient(), ts.URL+srcs[0][1]); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("signed out, GET %s: %d, want 401", srcs[0][1], resp.StatusCode)
			}
		})
	}
}

// In a real browser: a large dashboard draws the charts near the viewport
// only, the rest as they scroll into view; a cross-tab opened is fetched,
// its chart drawn.
func TestDashboardDrawsChartsWhenNearInBrowser(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	ts := fukuiKankoServer(t, dbtest.Kinds[0], 347)
	ctx := browsertest.New(t)
	console := watchConsole(ctx)
	signInBrowserAs(t, ctx, ts.URL, "admin@koe.test", editorPassword)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(ts.URL+"/surveys/fukui-kanko")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	counts := browsertest.Get(t, ctx, chromedp.Evaluate[[]int](`[document.querySelectorAll('.chart[data-drawn]').length, document.querySelectorAll('.chart').length]`))
	if counts[0] >= counts[1] {
		t.Errorf("%d of %d charts drawn before scrolling: all, not those near the viewport", counts[0], counts[1])
	}
	// Scrolled to the last chart, it is drawn, as wide as its box, while
	// charts passed over are not.
	browsertest.Get(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('.chart')].pop().scrollIntoView(), true`))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => {
		const el = [...document.querySelectorAll('.chart')].pop(), svg = el.querySelector('svg');
		return el.getAttribute('data-drawn') === 'true' && svg && svg.getBoundingClientRect().width >= el.clientWidth - 2 &&
			document.querySelectorAll('.chart[data-drawn="true"]').length < document.querySelectorAll('.chart').length;
	})()`)); err != nil {
		t.Fatalf("the last chart is not drawn when scrolled to: %v", err)
	}
	// A cross-tab, opened, is fetched and its chart drawn.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`details.crosstab[data-src] > summary`))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`!!document.querySelector('details.crosstab[data-loaded="true"] .crosstab-body table') && !!document.querySelector('details.crosstab[data-loaded="true"] .chart[data-drawn="true"] svg')`)); err != nil {
		t.Fatalf("the opened cross-tab is not drawn: %v", err)
	}
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console: %v", errs)
	}
}
