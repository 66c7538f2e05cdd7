package reports

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// A4 with the report's @page margins (14 mm sides and top, 16 mm bottom),
// in CSS pixels: the box the print layout has.
const (
	printWidthPx  = 688  // 182 mm
	printHeightPx = 1009 // 267 mm
)

// Reports of the demo data (two surveys and the series report), printed to
// PDF by Chromium: no page but the last is more than half empty, no chart,
// table or figure is wider than the page, and no two texts of a series
// trend (its event names on the axis) run into each other.
func TestBrowserReportPrints(t *testing.T) {
	browsertest.Require(t)
	db := dbtest.Open(t, database.SQLite)
	st, texts := demoStores(t, db)
	ctx := browsertest.New(t)
	for _, slug := range []string{"network-2020-3", "community-building-2023", "series:network-meetings"} {
		t.Run(strings.ReplaceAll(slug, ":", "-"), func(t *testing.T) {
			var page string
			if key, ok := strings.CutPrefix(slug, "series:"); ok {
				se, err := BuildSeries(context.Background(), st, texts, key)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if err := WriteSeries(&b, se); err != nil {
					t.Fatal(err)
				}
				page, slug = b.String(), key
			} else {
				_, _, page = buildAndWrite(t, st, texts, slug)
			}
			p := filepath.Join(t.TempDir(), slug+".html")
			if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
			tab, cancel := chromedp.NewContext(ctx)
			defer cancel()
			if err := chromedp.Do(tab,
				chromedp.EmulateViewport(printWidthPx, 1000),
				chromedp.Navigate("file://"+p),
				chromedp.WaitReady("body"),
			); err != nil {
				t.Fatal(err)
			}
			chartsFittedTo(t, tab, "print", 300*time.Millisecond)
			wide := browsertest.Get(t, tab, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
			  const out = [];
			  for (const el of document.querySelectorAll('.chart, .chart svg, .chart canvas, figure, table, .table-wrap, .question')) {
			    const r = el.getBoundingClientRect();
			    if (r.right > %[1]d + 1 || r.left < -1) out.push(el.tagName + '#' + (el.id || el.className) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
			  }
			  // Charts drawn taller than their box (not refitted to the page).
			  for (const el of document.querySelectorAll('.chart')) {
			    const box = el.getBoundingClientRect(), g = el.querySelector('svg, canvas');
			    if (g && g.getBoundingClientRect().height > box.height + 1) out.push('chart ' + el.id + ' drawn ' + Math.round(g.getBoundingClientRect().height) + 'px in a ' + Math.round(box.height) + 'px box');
			  }
			  // Row headings that print one character a line.
			  for (const th of document.querySelectorAll('th[scope=row]')) {
			    const r = th.getBoundingClientRect();
			    if (th.textContent.length > 2 && r.width < 4 * parseFloat(getComputedStyle(th).fontSize)) out.push('narrow row heading: ' + th.textContent + ' ' + Math.round(r.width) + 'px');
			  }
			  if (document.documentElement.scrollWidth > %[1]d + 1) out.push('page ' + document.documentElement.scrollWidth + 'px wide');
			  // Texts of a series trend that overlap (event names running together).
			  for (const el of document.querySelectorAll('.chart[id^="series-"]')) {
			    const boxes = [...el.querySelectorAll('svg text')].map(x => [x.textContent, x.getBoundingClientRect()]).filter(([s, r]) => s.trim() && r.width > 0);
			    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
			      const [a, r] = boxes[i], [b, q] = boxes[j];
			      if (Math.min(r.right, q.right) - Math.max(r.left, q.left) > 2 && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 2) out.push('chart ' + el.id + ': "' + a + '" runs into "' + b + '"');
			    }
			  }
			  return out;
			})()`, printWidthPx)))
			for _, w := range wide {
				t.Errorf("wider than the page: %s", w)
			}
			pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
			if err != nil {
				t.Fatal(err)
			}
			if d := shotsDirEnv(); d != "" {
				writeShot(t, d, slug+"-print.pdf", pdf)
			}
			fills, err := pdfPageFills(pdf)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d pages, filled %v", len(fills), fills)
			for i, f := range fills[:max(len(fills)-1, 0)] {
				if f < 0.5 {
					t.Errorf("page %d of %d is %.0f%% filled: more than half empty", i+1, len(fills), f*100)
				}
			}
		})
	}
}

// chartsFittedTo switches the page in tab to the CSS medium ("" for the
// screen, "print"), waits until every chart is drawn, refits them all to
// their boxes and gives the redraw settle to finish.
func chartsFittedTo(t *testing.T, tab context.Context, media string, settle time.Duration) {
	t.Helper()
	if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](
		`document.querySelectorAll('.chart:not([data-drawn])').length === 0`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("charts not drawn: %v", err)
	}
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`window.koeCharts.resizeAll(), true`))
	if err := chromedp.Do(tab, chromedp.Sleep(settle)); err != nil {
		t.Fatal(err)
	}
}

var (
	pdfObj      = regexp.MustCompile(`(\d+) 0 obj`)
	pdfKids     = regexp.MustCompile(`/Kids\s*\[([^\]]*)\]`)
	pdfRef      = regexp.MustCompile(`(\d+) 0 R`)
	pdfContents = regexp.MustCompile(`/Contents\s*(\d+) 0 R`)
	pdfLength   = regexp.MustCompile(`/Length\s+(\d+)`)
	pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s*\]`)
)

// pdfPageFills reads a PDF as Chromium (Skia) writes it and returns, for
// each page in order, how far down its printable box (A4 less the margins)
// something is drawn: text, a path, a coloured rectangle; 0 empty, 1 full.
// It follows the content streams' transforms (q, Q, cm, Tm), so it needs
// no PDF library.
func pdfPageFills(pdf []byte) ([]float64, error) {
	type object struct {
		dict   string
		stream []byte
	}
	objs := map[int]object{}
	for pos := 0; pos < len(pdf); {
		m := pdfObj.FindSubmatchIndex(pdf[pos:])
		if m == nil {
			break
		}
		n, _ := strconv.Atoi(string(pdf[pos+m[2] : pos+m[3]]))
		body := pos + m[1]
		end := bytes.Index(pdf[body:], []byte("endobj"))
		st := bytes.Index(pdf[body:], []byte("stream"))
		if end < 0 {
			break
		}
		o := object{}
		if st >= 0 && st < end {
			o.dict = string(pdf[body : body+st])
			start := body + st + len("stream")
			if pdf[start] == '\r' {
				start++
			}
			if pdf[start] == '\n' {
				start++
			}
			l := pdfLength.FindStringSubmatch(o.dict)
			if l == nil {
				return nil, fmt.Errorf("object %d: stream without a direct /Length", n)
			}
			size, _ := strconv.Atoi(l[1])
			if start+size > len(pdf) {
				return nil, fmt.Errorf("object %d: stream past the end", n)
			}
			o.stream = pdf[start : start+size]
			if strings.Contains(o.dict, "FlateDecode") {
				r, err := zlib.NewReader(bytes.NewReader(o.stream))
				if err != nil {
					return nil, fmt.Errorf("object %d: %w", n, err)
				}
				if o.stream, err = io.ReadAll(r); err != nil {
					return nil, fmt.Errorf("object %d: %w", n, err)
				}
			}
			pos = start + size
			if e := bytes.Index(pdf[pos:], []byte("endobj")); e >= 0 {
				pos += e + len("endobj")
			}
		} else {
			o.dict = string(pdf[body : body+end])
			pos = body + end + len("endobj")
		}
		objs[n] = o
	}
	var pages []int
	var walk func(n, depth int)
	walk = func(n, depth int) {
		o := objs[n]
		if depth > 20 {
			return
		}
		if k := pdfKids.FindStringSubmatch(o.dict); k != nil && strings.Contains(o.dict, "/Pages") {
			for _, r := range pdfRef.FindAllStringSubmatch(k[1], -1) {
				c, _ := strconv.Atoi(r[1])
				walk(c, depth+1)
			}
			return
		}
		pages = append(pages, n)
	}
	for n, o := range objs {
		if strings.Contains(o.dict, "/Type /Catalog") {
			if m := regexp.MustCompile(`/Pages\s+(\d+) 0 R`).FindStringSubmatch(o.dict); m != nil {
				root, _ := strconv.Atoi(m[1])
				walk(root, 0)
			}
			break
		}
		_ = n
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("no pages found")
	}
	var fills []float64
	for _, p := range pages {
		d := objs[p].dict
		height := 841.92
		if m := pdfMediaBox.FindStringSubmatch(d); m != nil {
			height, _ = strconv.ParseFloat(m[1], 64)
		}
		c := pdfContents.FindStringSubmatch(d)
		if c == nil {
			fills = append(fills, 0)
			continue
		}
		n, _ := strconv.Atoi(c[1])
		lowest := lowestDrawn(objs[n].stream) // PDF points from the bottom
		// The printable box: 14 mm from the top, 16 mm from the bottom.
		top, bottom := height-14/25.4*72, 16/25.4*72
		f := 0.0
		if lowest < top {
			f = (top - lowest) / (top - bottom)
		}
		fills = append(fills, min(f, 1))
	}
	return fills, nil
}

// lowestDrawn returns the lowest y (PDF points, from the bottom of the
// page) at which the content stream draws text, a path or a rectangle in a
// colour other than white (the page's background).
func lowestDrawn(content []byte) float64 {
	type matrix [6]float64
	mul := func(a, b matrix) matrix { // a then b
		return matrix{
			a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3],
			a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3],
			a[4]*b[0] + a[5]*b[2] + b[4], a[4]*b[1] + a[5]*b[3] + b[5],
		}
	}
	ctm := matrix{1, 0, 0, 1, 0, 0}
	var stack []matrix
	var tm matrix
	white := false
	lowest := 1e9
	var path []float64 // the current path's points' y, drawn once painted
	at := func(x, y float64) float64 { return x*ctm[1] + y*ctm[3] + ctm[5] }
	see := func(x, y float64) { path = append(path, at(x, y)) }
	paint := func(fill bool) {
		if !fill || !white {
			for _, y := range path {
				lowest = min(lowest, y)
			}
		}
		path = path[:0]
	}
	var nums []float64
	for _, tok := range strings.Fields(string(content)) {
		if v, err := strconv.ParseFloat(tok, 64); err == nil {
			nums = append(nums, v)
			continue
		}
		arg := func(k int) float64 {
			if len(nums) < k {
				return 0
			}
			return nums[len(nums)-k]
		}
		switch tok {
		case "q":
			stack = append(stack, ctm)
		case "Q":
			if len(stack) > 0 {
				ctm, stack = stack[len(stack)-1], stack[:len(stack)-1]
			}
		case "cm":
			ctm = mul(matrix{arg(6), arg(5), arg(4), arg(3), arg(2), arg(1)}, ctm)
		case "rg":
			white = arg(3) == 1 && arg(2) == 1 && arg(1) == 1
		case "re":
			x, y, h := arg(4), arg(3), arg(1)
			see(x, y)
			see(x, y+h)
		case "m", "l", "c", "v", "y":
			see(arg(2), arg(1))
		case "f", "F", "f*":
			paint(true)
		case "S", "s", "B", "B*", "b", "b*":
			paint(false)
		case "n": // a clip, nothing drawn
			path = path[:0]
		case "Tm":
			tm = matrix{arg(6), arg(5), arg(4), arg(3), arg(2), arg(1)}
			lowest = min(lowest, at(tm[4], tm[5]))
		}
		nums = nums[:0]
	}
	return lowest
}
