package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// loadDemo fills the test server's database with the demo surveys and
// returns the demo staff password.
func (ts *testServer) loadDemo() string {
	ts.t.Helper()
	pw, err := examples.Load(context.Background(), ts.app.surveys, ts.app.users)
	if err != nil {
		ts.t.Fatal(err)
	}
	return pw
}

// staffClient signs in as the demo staff member.
func (ts *testServer) staffClient(password string) *http.Client {
	ts.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := formClient()
	c.Jar = jar
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"email": {examples.StaffEmail}, "password": {password}})
	if err != nil {
		ts.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		ts.t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestReportCLI(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			ctx := context.Background()
			db, err := openDB(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			texts, err := openAnalysis(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			app := newApp(db, slog.New(slog.NewTextHandler(io.Discard, nil)), texts)
			if _, err := examples.Load(ctx, app.surveys, app.users); err != nil {
				t.Fatal(err)
			}
			db.Close()
			dir := t.TempDir()
			out := filepath.Join(dir, "r.html")
			msg, err := koe(t, "", "report", "--db", dbURL, "--survey", "network-2020-3", "-o", out)
			if err != nil || !strings.Contains(msg, "wrote "+out) {
				t.Fatalf("report --survey: %q %v", msg, err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			page := string(b)
			if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, "ふりかえりアンケート") || !strings.Contains(page, "回答率") {
				t.Errorf("report file does not look like the report: %.200q", page)
			}
			if regexp.MustCompile(`(?i)<(script|link|img)[^>]+(src|href)="?(https?:)?//`).MatchString(page) {
				t.Error("the report loads something from the network")
			}
			series := filepath.Join(dir, "s.html")
			if msg, err := koe(t, "", "report", "--db", dbURL, "--series", "network-meetings", "-o", series); err != nil || !strings.Contains(msg, "3 events") {
				t.Fatalf("report --series: %q %v", msg, err)
			}
			if b, _ := os.ReadFile(series); !strings.Contains(string(b), "シリーズ比較") {
				t.Error("series file lacks its heading")
			}
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--survey", "nope", "-o", out}, `no survey "nope"`},
				{[]string{"--series", "nope", "-o", out}, `no series "nope"`},
				{[]string{"--survey", "network-2020-3"}, "-o FILE.html is required"},
				{[]string{"-o", out}, "--survey SLUG or --series KEY"},
				{[]string{"--survey", "network-2020-3", "--series", "network-meetings", "-o", out}, "not both"},
			} {
				_, err := koe(t, "", append([]string{"report", "--db", dbURL}, c.args...)...)
				if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
					t.Errorf("report %v: %v, want one line saying %q", c.args, err, c.want)
				}
			}
		})
	}
}

var reportRoutes = []string{
	"/surveys/network-2020-3",
	"/surveys/network-2020-3/report.html",
	"/surveys/network-2020-3/answers?question=comments&term=" + url.QueryEscape("財源"),
	"/series/network-meetings",
	"/series/network-meetings/report.html",
	"/series/network-meetings/answers?term=" + url.QueryEscape("異動"),
}

func TestReportPagesAreStaffOnly(t *testing.T) {
	runBeside(t)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		pw := ts.loadDemo()
		anon := formClient()
		for _, p := range reportRoutes {
			resp, body := get(t, anon, ts.URL+p)
			if resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "財源") {
				t.Errorf("anonymous GET %s: %d", p, resp.StatusCode)
			}
			req, _ := http.NewRequest("GET", ts.URL+p, nil)
			req.Header.Set("Accept", "text/html")
			resp, err := anon.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
				t.Errorf("anonymous browser GET %s: %d %q", p, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		staff := ts.staffClient(pw)
		for _, p := range reportRoutes {
			if resp, _ := get(t, staff, ts.URL+p); resp.StatusCode != http.StatusOK {
				t.Errorf("staff GET %s: %d", p, resp.StatusCode)
			}
		}
		for p, name := range map[string]string{
			"/surveys/network-2020-3/report.html":  "network-2020-3-report.html",
			"/series/network-meetings/report.html": "network-meetings-series-report.html",
		} {
			resp, body := get(t, staff, ts.URL+p)
			cd := resp.Header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, `filename="`+name+`"`) {
				t.Errorf("%s: Content-Disposition %q", p, cd)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.HasPrefix(body, "<!DOCTYPE html>") {
				t.Errorf("%s: %s, %.50q", p, resp.Header.Get("Content-Type"), body)
			}
		}
		for _, p := range []string{"/surveys/nope", "/surveys/nope/report.html", "/series/nope", "/series/nope/report.html",
			"/surveys/community-building-2023/answers?question=municipality", "/surveys/network-2020-3/answers?question=role"} {
			if resp, _ := get(t, staff, ts.URL+p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("staff GET %s: %d, want 404", p, resp.StatusCode)
			}
		}

		// The dashboard links to the other views of the survey and loads
		// its assets from content-hashed URLs cached for a year.
		resp, body := get(t, staff, ts.URL+"/surveys/network-2020-3")
		for _, link := range []string{`href="/surveys/network-2020-3/responses"`, `href="/surveys/network-2020-3/responses.csv"`,
			`href="/surveys/network-2020-3/report.html"`, `href="/s/network-2020-3"`, `href="/series/network-meetings"`} {
			if !strings.Contains(body, link) {
				t.Errorf("dashboard lacks %s", link)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("dashboard CSP %q", csp)
		}
		// charts.js names the chart libraries it loads when needed in its
		// URL's fragment (#libs=URL,URL).
		var scripts []string
		for _, m := range regexp.MustCompile(`<script src="(/static/reports/[^"#]+)(?:#libs=([^"]+))?"`).FindAllStringSubmatch(body, -1) {
			scripts = append(scripts, m[1])
			if m[2] != "" {
				scripts = append(scripts, strings.Split(m[2], ",")...)
			}
		}
		if len(scripts) != 4 || strings.Contains(body, "<script>") {
			t.Fatalf("dashboard scripts %v (inline: %v)", scripts, strings.Contains(body, "<script>"))
		}
		for _, src := range scripts {
			if !regexp.MustCompile(`\.[0-9a-f]{16}\.js$`).MatchString(src) {
				t.Errorf("script URL %s carries no content hash", src)
			}
			resp, js := get(t, formClient(), ts.URL+src)
			if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=31536000") || len(js) < 100 {
				t.Errorf("GET %s: %d %q", src, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		}
		if n := strings.Count(body, `<section class="question`); n != 8 {
			t.Errorf("dashboard has %d question blocks, want 8", n)
		}
		// It shows a new answer on reload.
		before := between(body, `<strong class="response-count">`, "<")
		if code, _ := ts.postJSON(meetingAPI, "", validAnswer); code != http.StatusCreated {
			t.Fatal(code)
		}
		_, body = get(t, staff, ts.URL+"/surveys/network-2020-3")
		if after := between(body, `<strong class="response-count">`, "<"); before != "12" || after != "13" {
			t.Errorf("response count %s, then %s after one more answer", before, after)
		}

		// Drill-down lists exactly the answers that contain the word.
		s, err := ts.app.surveys.SurveyBySlug(context.Background(), "network-2020-3")
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range []string{"財源", "異動", "連携"} {
			want := answersContaining(t, ts, s, "comments", term)
			if len(want) == 0 {
				t.Fatalf("no comment contains %s", term)
			}
			for _, frag := range []string{"", "&fragment=1"} {
				_, page := get(t, staff, ts.URL+"/surveys/network-2020-3/answers?question=comments&term="+url.QueryEscape(term)+frag)
				got := listedAnswers(page)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("drill-down %s%s lists %q, want %q", term, frag, got, want)
				}
				if frag != "" && strings.Contains(page, "<html") {
					t.Errorf("the fragment is a whole page")
				}
			}
		}
		// A code and a group narrow the same way.
		_, page := get(t, staff, ts.URL+"/surveys/network-2020-3/answers?question=comments&term="+url.QueryEscape("異動")+"&group="+url.QueryEscape("市町村"))
		for _, a := range listedAnswers(page) {
			if !strings.Contains(a, "異動") {
				t.Errorf("group drill-down lists %q", a)
			}
		}
	})
}

// answersContaining returns the stored answers to key that contain term, sorted.
func answersContaining(t *testing.T, ts *testServer, s *survey.Survey, key, term string) []string {
	t.Helper()
	responses, err := ts.app.surveys.ResponsesOf(context.Background(), s, false)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range responses {
		if v, ok := r.Answers[key].(string); ok && strings.Contains(v, term) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

var answerText = regexp.MustCompile(`<span class="answer-text">([^<]*)</span>`)

func listedAnswers(page string) []string {
	var out []string
	for _, m := range answerText.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// signIn signs the browser in as the demo staff member.
func signIn(t *testing.T, ctx context.Context, base, password string) {
	t.Helper()
	signInBrowserAs(t, ctx, base, examples.StaffEmail, password)
}

// signInBrowserAs signs the browser in with an e-mail and password.
func signInBrowserAs(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	type css = chromedp.CSS
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`#email`)),
		chromedp.SendKeys(css(`#email`), email),
		chromedp.SendKeys(css(`#password`), password),
		chromedp.Click(css(`button[type=submit]`)),
		chromedp.WaitVisible(css(`header.staff-bar`)),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// consoleLog collects the browser's console messages and exceptions.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func watchConsole(ctx context.Context) *consoleLog {
	l := &consoleLog{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.msgs = append(l.msgs, m)
			l.mu.Unlock()
		}
	}()
	return l
}

// errors returns the errors logged since the last call.
func (l *consoleLog) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	msgs := l.msgs
	l.msgs = nil
	for _, m := range msgs {
		// The browser asks every server for /favicon.ico by itself; koe has none.
		if strings.HasSuffix(m.URL, "/favicon.ico") {
			continue
		}
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
			out = append(out, string(m.Type)+": "+m.Text+" ("+m.URL+")")
		}
	}
	return out
}

// waitCharts waits until every chart container of the page is drawn
// (a dashboard draws its charts as they scroll into view: all are asked for).
func waitCharts(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`(window.koeCharts && window.koeCharts.drawAll(), document.querySelectorAll('.chart').length > 0 && document.querySelectorAll('.chart:not([data-drawn="true"])').length === 0)`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("charts not drawn: %v", err)
	}
}

// On the dashboard, a click on a frequent word lists exactly the answers
// that contain it, beside the charts.
func TestDashboardDrillDownInBrowser(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			ts := newTestServer(t, db)
			pw := ts.loadDemo()
			s, err := ts.app.surveys.SurveyBySlug(context.Background(), "network-2020-3")
			if err != nil {
				t.Fatal(err)
			}
			want := answersContaining(t, ts, s, "comments", "財源")
			ctx := browsertest.New(t)
			console := watchConsole(ctx)
			signIn(t, ctx, ts.URL, pw)
			type css = chromedp.CSS
			if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/surveys/network-2020-3")); err != nil {
				t.Fatal(err)
			}
			waitCharts(t, ctx)
			top := browsertest.Get(t, ctx, chromedp.CaptureScreenshot())
			os.WriteFile(filepath.Join(browsertest.ArtifactDir(t), "dashboard-top-"+string(kind)+".png"), top, 0o644)
			err = chromedp.Do(ctx,
				chromedp.Click(css(`#q6 a.drill[data-term="財源"]`)),
				chromedp.WaitVisible(css(`#drill-panel .drill-answers li`)),
			)
			if err != nil {
				t.Fatal(err)
			}
			got := browsertest.Get(t, ctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll('#drill-panel .answer-text')].map(e => e.textContent)`))
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("panel lists %q, want %q", got, want)
			}
			url := browsertest.Get(t, ctx, chromedp.Evaluate[string](`location.pathname`))
			if url != "/surveys/network-2020-3" {
				t.Errorf("the click left the dashboard for %s", url)
			}
			// A click on the word in the bar chart opens the same list.
			browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.getElementById('drill-panel').hidden = true, document.getElementById('drill-panel').replaceChildren(), 0`))
			browsertest.Get(t, ctx, chromedp.Evaluate[int](`echarts.getInstanceByDom(document.getElementById('q6-terms')).trigger('click', {name: '財源'}), 0`))
			if err := chromedp.Do(ctx, chromedp.WaitVisible(css(`#drill-panel .drill-answers li`))); err != nil {
				t.Fatal(err)
			}
			got = browsertest.Get(t, ctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll('#drill-panel .answer-text')].map(e => e.textContent)`))
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("chart click lists %q, want %q", got, want)
			}
			shot := browsertest.Get(t, ctx, chromedp.CaptureScreenshot())
			os.WriteFile(filepath.Join(browsertest.ArtifactDir(t), "dashboard-drill-"+string(kind)+".png"), shot, 0o644)
			if errs := console.errors(); len(errs) > 0 {
				t.Errorf("console: %v", errs)
			}
		})
	}
}

var hostileTexts = []string{
	`</script><script>window.__pwned=1</script>`,
	`<img src=x onerror=window.__pwned=1>`,
	`__f__function(){window.__pwned=1}__f__`,
	`{{.}}`,
}

// Hostile answers in every text field, submitted through the API, run
// nowhere: not in the downloaded reports opened offline from a file, not in
// the dashboards, not in the drill-down.
func TestHostileAnswersRunNowhere(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			ts := newTestServer(t, db)
			pw := ts.loadDemo()
			for i, h := range hostileTexts {
				word := " 連携が課題です。"
				bodies := map[string]map[string]any{
					"network-2020-3": {"role": h, "satisfaction": 3, "useful": []string{"協働の考え方", h}, "recommend": 7,
						"program": map[string]string{"事例紹介": "参考になった"}, "comments": h + word, "next_theme": h + word},
					"network-2020-1": {"role": h, "satisfaction": 4, "comments": h + word, "next_theme": h},
					"community-building-2023": {"municipality": h, "population": "5万人未満", "stage": "未定",
						"partners": []string{"高齢", h}, "challenges": []string{h}, "difficulty": 3,
						"challenge_detail": h + word, "practice": h + word, "contact": "x" + string(rune('a'+i)) + "@example.jp"},
					"seminar-2023-02-registration": {"name": h, "org": h, "department": h, "position": h, "email": "y@example.jp",
						"questions_for_speakers": h + word, "contact_ok": "はい", "privacy": true},
				}
				for slug, answers := range bodies {
					b, _ := json.Marshal(map[string]any{"answers": answers})
					if code, out := ts.postJSON("/api/v1/surveys/"+slug+"/responses", "", string(b)); code != http.StatusCreated {
						t.Fatalf("%s: %d %v", slug, code, out)
					}
				}
			}
			ctx := browsertest.New(t)
			console := watchConsole(ctx)
			signIn(t, ctx, ts.URL, pw)
			check := func(where string) {
				t.Helper()
				pwned := browsertest.Get(t, ctx, chromedp.Evaluate[string](`typeof window.__pwned`))
				if pwned != "undefined" {
					t.Errorf("%s: window.__pwned is %s", where, pwned)
				}
				handlers := browsertest.Get(t, ctx, chromedp.Evaluate[int](
					`[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length + document.querySelectorAll('img').length`))
				if handlers > 0 {
					t.Errorf("%s: %d elements with event handlers or images", where, handlers)
				}
				if errs := console.errors(); len(errs) > 0 {
					t.Errorf("%s: console: %v", where, errs)
				}
			}
			type css = chromedp.CSS
			for _, p := range []string{"/surveys/network-2020-3", "/surveys/community-building-2023", "/surveys/seminar-2023-02-registration", "/series/network-meetings"} {
				if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+p)); err != nil {
					t.Fatal(err)
				}
				waitCharts(t, ctx)
				text := browsertest.Get(t, ctx, chromedp.Text(css(`body`)))
				if strings.HasPrefix(p, "/surveys/") && !strings.Contains(text, hostileTexts[0]) {
					t.Errorf("%s does not show the hostile answer as text", p)
				}
				// Open every drill-down link of the page in the panel.
				n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('a.drill').length`))
				for i := range min(n, 12) {
					browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.getElementById('drill-panel').replaceChildren(), document.querySelectorAll('a.drill')[`+strconv.Itoa(i)+`].click(), 0`))
					if err := chromedp.Do(ctx, chromedp.WaitVisible(css(`#drill-panel .drill`))); err != nil {
						t.Fatalf("%s: drill link %d: %v", p, i, err)
					}
				}
				check(p)
			}
			// Every drill-down page without JavaScript, too.
			if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/surveys/network-2020-3/answers?question=comments&term="+url.QueryEscape("連携"))); err != nil {
				t.Fatal(err)
			}
			check("drill-down page")

			staff := ts.staffClient(pw)
			dir := t.TempDir()
			var files []string
			for _, p := range []string{"/surveys/network-2020-3/report.html", "/surveys/community-building-2023/report.html",
				"/surveys/seminar-2023-02-registration/report.html", "/series/network-meetings/report.html"} {
				resp, body := get(t, staff, ts.URL+p)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", p, resp.StatusCode)
				}
				if strings.Contains(body, "<script>window.__pwned") || strings.Contains(body, "<img src=x") {
					t.Errorf("%s: hostile markup unescaped", p)
				}
				f := filepath.Join(dir, strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
				if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			// The reports open from a file with the network off.
			if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if err := chromedp.Do(ctx, chromedp.Navigate("file://"+f)); err != nil {
					t.Fatal(err)
				}
				waitCharts(t, ctx)
				check(filepath.Base(f))
			}
		})
	}
}
