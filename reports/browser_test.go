package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
)

// pageState is what the browser reports about an opened report.
type pageState struct {
	Pwned        string   `json:"pwned"`
	Charts       int      `json:"charts"`
	Undrawn      []string `json:"undrawn"`
	NotOK        []string `json:"notOK"`
	Scripts      int      `json:"scripts"`
	Handlers     []string `json:"handlers"`
	Images       int      `json:"images"`
	Iframes      int      `json:"iframes"`
	Text         string   `json:"text"`
	Overflowing  []string `json:"overflowing"`
	TooltipsDone int      `json:"tooltipsDone"`
}

const checkJS = `(() => {
  const charts = [...document.querySelectorAll('.chart')];
  const handlers = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith('on')) handlers.push(el.tagName + ' ' + a.name);
    }
  }
  // Headings, cells and list items whose text is wider than their box are cut.
  const overflowing = [...document.querySelectorAll('h1, h2, h3, h4, th, td, li, dd, caption')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
    .map(e => e.tagName + ': ' + e.textContent.slice(0, 40));
  return {
    pwned: typeof window.__pwned,
    charts: charts.length,
    undrawn: charts.filter(e => !e.querySelector('svg, canvas')).map(e => e.id),
    notOK: charts.filter(e => e.getAttribute('data-drawn') !== 'true').map(e => e.id),
    scripts: document.scripts.length,
    handlers: handlers,
    images: document.querySelectorAll('img').length,
    iframes: document.querySelectorAll('iframe, object, embed').length,
    text: document.body.innerText,
    overflowing: overflowing,
    tooltipsDone: 0,
  };
})()`

// showTooltipsJS shows the tooltip of the first item of every chart, which
// renders labels through ECharts' tooltip code.
const showTooltipsJS = `(() => {
  let n = 0;
  for (const el of document.querySelectorAll('.chart')) {
    const c = echarts.getInstanceByDom(el);
    if (!c) continue;
    c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
    n++;
  }
  return n;
})()`

type browserRun struct {
	state    pageState
	console  []chromedp.ConsoleMessage
	requests []string
}

// openReport opens the file with the network off, waits until every chart
// is drawn, shows the tooltips and reports what the page did. shots, when
// not empty, is the directory for a screenshot of the screen, one of the
// print layout and a PDF.
func openReport(t *testing.T, ctx context.Context, path, shots string) browserRun {
	t.Helper()
	var (
		mu  sync.Mutex
		run browserRun
	)
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			mu.Lock()
			run.console = append(run.console, m)
			mu.Unlock()
		}
	}()
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			run.requests = append(run.requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	// The network is off: every request other than the file itself fails.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1000, 900),
		chromedp.Navigate("file://"+path),
		chromedp.WaitReady("body"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.querySelectorAll('.chart:not([data-drawn])').length === 0`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("charts not drawn: %v", err)
	}
	if shots != "" {
		takeShots(t, ctx, shots, strings.TrimSuffix(filepath.Base(path), ".html"))
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](showTooltipsJS))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	run.state, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](checkJS))
	if err != nil {
		t.Fatal(err)
	}
	run.state.TooltipsDone = n
	if err := chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	run.console = append([]chromedp.ConsoleMessage(nil), run.console...)
	run.requests = append([]string(nil), run.requests...)
	return run
}

// takeShots saves a screenshot of the screen layout, one of the print layout
// (print media at the width of A4 paper) and the PDF that printing makes.
func takeShots(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	save := func(file string, b []byte) {
		p := filepath.Join(dir, file)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved %s", p)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	save(name+"-screen.png", png)
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	save(name+"-print.pdf", pdf)
	// 182 mm of content at 96 dpi, as on A4 with the report's margins.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(688, 1000), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	save(name+"-print-media.png", png)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
}

func shotsDir(t *testing.T) string {
	if d := os.Getenv("KOE_REPORT_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// checkRun fails the test for anything a report must not do in a browser.
func checkRun(t *testing.T, run browserRun) {
	t.Helper()
	s := run.state
	if s.Pwned != "undefined" {
		t.Errorf("window.__pwned is %s: hostile text ran as script", s.Pwned)
	}
	if s.Charts == 0 {
		t.Error("no chart containers")
	}
	if len(s.Undrawn) > 0 {
		t.Errorf("charts without canvas or svg: %v", s.Undrawn)
	}
	if len(s.NotOK) > 0 {
		t.Errorf("charts that failed: %v", s.NotOK)
	}
	if s.TooltipsDone != s.Charts {
		t.Errorf("tooltips shown on %d of %d charts", s.TooltipsDone, s.Charts)
	}
	if s.Scripts != len(inlineScripts) {
		t.Errorf("page has %d scripts, want only the %d inlined ones", s.Scripts, len(inlineScripts))
	}
	if len(s.Handlers) > 0 {
		t.Errorf("elements with event handler attributes: %v", s.Handlers)
	}
	if s.Images > 0 || s.Iframes > 0 {
		t.Errorf("page has %d img and %d iframe/object/embed elements", s.Images, s.Iframes)
	}
	for _, m := range run.console {
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
			t.Errorf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line)
		}
	}
	for _, u := range run.requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("page requested %s", u)
		}
	}
}

func writeTemp(t *testing.T, name string, write func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBrowserReport(t *testing.T) {
	ctx := browsertest.New(t)
	p := writeTemp(t, "report.html", func(b *bytes.Buffer) error { return WriteReport(b, sampleReport()) })
	run := openReport(t, ctx, p, shotsDir(t))
	checkRun(t, run)
	// choices 2, scale 1 + cross-tab 1, NPS 2, matrix 1, text 4 (words, cloud, network, codes).
	if run.state.Charts != 11 {
		t.Errorf("got %d charts, want 11", run.state.Charts)
	}
	for _, want := range []string{"第3回 地域づくり懇談会 参加者アンケート", "回答率", "75.0%", "［メールアドレス］", "［電話番号］", "推奨者", "その他"} {
		if !strings.Contains(run.state.Text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	for _, leak := range []string{"taro.yamada@example.jp", "090-1234-5678", "03-1234-5678"} {
		if strings.Contains(run.state.Text, leak) {
			t.Errorf("page shows the contact %q", leak)
		}
	}
	if len(run.state.Overflowing) > 0 {
		t.Errorf("text cut off: %v", run.state.Overflowing)
	}
}

func TestBrowserSeries(t *testing.T) {
	ctx := browsertest.New(t)
	p := writeTemp(t, "series.html", func(b *bytes.Buffer) error { return WriteSeries(b, sampleSeries()) })
	run := openReport(t, ctx, p, shotsDir(t))
	checkRun(t, run)
	if run.state.Charts != 5 {
		t.Errorf("got %d charts, want 5", run.state.Charts)
	}
	for _, want := range []string{"新規", "継続", "減少", "回答率"} {
		if !strings.Contains(run.state.Text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
}

func TestBrowserHostile(t *testing.T) {
	ctx := browsertest.New(t)
	for _, c := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"hostile-report.html", func(b *bytes.Buffer) error { return WriteReport(b, hostileReport()) }},
		{"hostile-series.html", func(b *bytes.Buffer) error { return WriteSeries(b, hostileSeries()) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, c.name, c.write)
			tab, cancel := chromedp.NewContext(ctx)
			defer cancel()
			run := openReport(t, tab, p, "")
			checkRun(t, run)
			// The hostile strings are shown as text.
			for _, s := range hostileStrings[:5] {
				if !strings.Contains(run.state.Text, s) {
					t.Errorf("page text lacks %q", s)
				}
			}
		})
	}
}

// TestBrowserChecksWork breaks a report on purpose, to show that the checks
// above see a chart that fails, a console error and an injected script.
func TestBrowserChecksWork(t *testing.T) {
	ctx := browsertest.New(t)
	var buf bytes.Buffer
	if err := WriteReport(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	i := strings.Index(html, `data-option="`)
	html = html[:i] + `data-option="{not json" data-x="` + html[i+len(`data-option="`):]
	html = strings.Replace(html, "<main>", `<main><script>window.__pwned=1</script>`, 1)
	p := filepath.Join(t.TempDir(), "broken.html")
	if err := os.WriteFile(p, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	run := openReport(t, ctx, p, "")
	if len(run.state.NotOK) != 1 {
		t.Errorf("failed charts %v, want the broken one", run.state.NotOK)
	}
	errs := 0
	for _, m := range run.console {
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
			errs++
		}
	}
	if errs < 2 {
		t.Errorf("want the chart error and the refused script in the console, got %+v", run.console)
	}
	if run.state.Pwned != "undefined" {
		t.Error("the Content-Security-Policy should refuse the injected script")
	}
	if run.state.Scripts != len(inlineScripts)+1 {
		t.Errorf("%d scripts", run.state.Scripts)
	}
}
