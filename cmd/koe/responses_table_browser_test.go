package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// narrowCellsJS measures every header and data cell of the page's table: a
// cell narrower than its longest word breaks that word (渡/辺/陽/子). Words
// are Intl.Segmenter's for Japanese and whitespace-separated for Latin text,
// measured unwrapped in the cell's own font; only text that is rendered
// counts (a closed <details> hides the rest of a long answer).
const narrowCellsJS = `(() => {
	const seg = new Intl.Segmenter('ja', {granularity: 'word'});
	const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
	const words = text => {
		const out = [];
		for (const tok of text.split(/\s+/)) {
			if (!tok) continue;
			if (!cjk.test(tok)) { out.push(tok); continue; }
			for (const s of seg.segment(tok)) if (s.isWordLike) out.push(s.segment);
		}
		return out;
	};
	// One off-screen box measures every word, so the page is laid out once.
	const probe = document.createElement('div');
	probe.style.cssText = 'position:absolute;left:-99999px;top:0;white-space:nowrap';
	document.body.appendChild(probe);
	const jobs = [];
	const cells = [...document.querySelectorAll('main table th, main table td')];
	cells.forEach((cell, i) => {
		const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const r = document.createRange();
			r.selectNodeContents(n);
			if (r.getClientRects().length === 0) continue; // not rendered
			const cs = getComputedStyle(n.parentElement);
			for (const w of words(n.textContent)) {
				const s = document.createElement('span');
				s.style.font = cs.font;
				s.style.letterSpacing = cs.letterSpacing;
				s.textContent = w;
				probe.appendChild(s);
				probe.appendChild(document.createElement('br'));
				jobs.push({i, w, s});
			}
		}
	});
	const longest = cells.map(() => ({w: '', px: 0}));
	for (const j of jobs) {
		const px = j.s.getBoundingClientRect().width;
		if (px > longest[j.i].px) longest[j.i] = {w: j.w, px};
	}
	probe.remove();
	const bad = [];
	let words_ = 0;
	cells.forEach((cell, i) => {
		const cs = getComputedStyle(cell);
		const content = cell.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
			- parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
		if (longest[i].px > 0) words_++;
		if (content + 1 < longest[i].px) {
			bad.push(cell.tagName + ' ' + JSON.stringify(longest[i].w) + ' needs ' + longest[i].px.toFixed(1) + 'px, cell has ' + content.toFixed(1) + 'px');
		}
	});
	return {cells: cells.length, measured: words_, words: jobs.length, bad,
		tableHeight: document.querySelector('main table').getBoundingClientRect().height};
})()`

type cellWidths struct {
	Cells       int      `json:"cells"`
	Measured    int      `json:"measured"`
	Words       int      `json:"words"`
	Bad         []string `json:"bad"`
	TableHeight float64  `json:"tableHeight"`
}

// In a real browser at a desk (1366×900), tablet (768×1024) and phone size, on the
// demo's answers: no cell of a responses table is narrower than its longest
// word, so names and headings wrap by words, never one character a line.
func TestResponsesTableWrapsByWords(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	ts := newTestServer(t, dbtest.Open(t, database.SQLite))
	pw := ts.loadDemo()
	ctx := browsertest.New(t)
	signIn(t, ctx, ts.URL, pw)
	// A phone too: the table scrolls sideways there, but still by words.
	sizes := []struct{ w, h int64 }{{1366, 900}, {768, 1024}, {390, 844}}
	for _, size := range sizes {
		for _, slug := range []string{"network-2020-3", "seminar-2023-02-registration", "community-building-2023"} {
			t.Run(fmt.Sprintf("%dx%d/%s", size.w, size.h, slug), func(t *testing.T) {
				if err := chromedp.Do(ctx,
					chromedp.EmulateViewport(size.w, size.h),
					chromedp.Navigate(ts.URL+"/surveys/"+slug+"/responses"),
					chromedp.WaitVisible(chromedp.CSS(`main table tbody tr`)),
				); err != nil {
					t.Fatal(err)
				}
				got := browsertest.Get(t, ctx, chromedp.Evaluate[cellWidths](narrowCellsJS))
				if got.Measured < 20 {
					t.Fatalf("measured only %d cells with words of %d: not the responses table?", got.Measured, got.Cells)
				}
				t.Logf("%d cells, %d words, table %.0fpx high, %d cells narrower than a word", got.Cells, got.Words, got.TableHeight, len(got.Bad))
				for _, b := range got.Bad {
					t.Errorf("cell narrower than its longest word: %s", b)
				}
				shot := browsertest.Get(t, ctx, chromedp.CaptureScreenshot())
				os.WriteFile(filepath.Join(browsertest.ArtifactDir(t), fmt.Sprintf("responses-%s-%d.png", slug, size.w)), shot, 0o644)
			})
		}
	}

	// The table stays compact: a long answer shows its start and opens whole
	// on a click; the header row stays in view as the table scrolls; each
	// row's delete is a link (reachable by Tab, no script needed).
	// A short window (a laptop with the browser's bars) makes the table's box scroll.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 480),
		chromedp.Navigate(ts.URL+"/surveys/community-building-2023/responses"),
		chromedp.WaitVisible(chromedp.CSS(`main table tbody tr`)),
	); err != nil {
		t.Fatal(err)
	}
	type compact struct {
		Long, Links, Buttons   int
		PreviewH, LineH        float64
		Full                   string
		FullShown              bool
		Scrolled, HeaderOffset float64
	}
	got := browsertest.Get(t, ctx, chromedp.Evaluate[compact](`(() => {
		const d = document.querySelector('main table details.long');
		const out = {
			Long: document.querySelectorAll('main table details.long').length,
			Links: document.querySelectorAll('main table tbody a.row-action[href$="/delete"]').length,
			Buttons: document.querySelectorAll('main table tbody .button, main table tbody button').length,
			PreviewH: d.querySelector('summary').getBoundingClientRect().height,
			LineH: parseFloat(getComputedStyle(d).lineHeight),
		};
		d.querySelector('summary').click(); // what Enter on the focused summary does
		const full = d.querySelector('div');
		out.Full = full.textContent;
		out.FullShown = full.getClientRects().length > 0;
		const box = document.querySelector('.responses-scroll');
		box.scrollTop = 300;
		out.Scrolled = box.scrollTop;
		out.HeaderOffset = document.querySelector('main table thead th').getBoundingClientRect().top - box.getBoundingClientRect().top;
		return out;
	})()`))
	if got.Long == 0 || got.Links != 7 || got.Buttons != 0 {
		t.Errorf("%d long answers clipped, %d delete links for 7 rows, %d buttons in rows (want none)", got.Long, got.Links, got.Buttons)
	}
	if got.PreviewH > 2*got.LineH+1 {
		t.Errorf("a clipped answer is %.0fpx high, more than two lines of %.0fpx", got.PreviewH, got.LineH)
	}
	if !got.FullShown || !strings.Contains(got.Full, "何から始めればよいかわからない。住民の巻き込み方も課題。") {
		t.Errorf("opened, the long answer shows %v: %q", got.FullShown, got.Full)
	}
	if got.Scrolled < 100 || got.HeaderOffset < -1 || got.HeaderOffset > 2 {
		t.Errorf("scrolled %.0fpx, the header row is %.0fpx from the top of the table's box", got.Scrolled, got.HeaderOffset)
	}
}
