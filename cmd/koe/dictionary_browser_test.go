package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
)

// In a real browser, on real answers: an admin adds a synonym on the
// dictionary page, sees in the preview how many answers it touches, saves,
// watches the page until the stored answers are reanalysed, and finds the
// dashboard's word list counting the variant as the shown form. On SQLite
// only: TestDictionaryPagePreviewsAndSaves covers both databases.
func TestDictionaryEditorInBrowser(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	for _, kind := range []database.Kind{database.SQLite} {
		t.Run(string(kind), func(t *testing.T) {
			ts, _, _ := fukuiServer(t, kind)
			bctx := browsertest.New(t)
			console := watchConsole(bctx)
			signInBrowserAs(t, bctx, ts.URL, "admin@koe.test", editorPassword)
			type css = chromedp.CSS
			termCount := func(term string) int {
				t.Helper()
				s := browsertest.Get(t, bctx, chromedp.Evaluate[string](`(() => {
					const a = document.querySelector('a.drill[data-term=' + JSON.stringify(`+strconv.Quote(term)+`) + ']');
					return a ? a.closest('tr').querySelectorAll('td.num')[1].textContent : '0';
				})()`))
				n, err := strconv.Atoi(s)
				if err != nil {
					t.Fatalf("%s: count %q", term, s)
				}
				return n
			}
			dashboard := func() {
				t.Helper()
				if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/surveys/fukui-2"), chromedp.WaitVisible(css(`a.drill[data-term]`))); err != nil {
					t.Fatal(err)
				}
			}
			dashboard()
			shown, variant := termCount(synonymShown), termCount(synonymVariant)
			if shown == 0 || variant == 0 {
				t.Fatalf("the word list lacks %s (%d) or %s (%d)", synonymShown, shown, synonymVariant, variant)
			}

			if err := chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/dictionary"), chromedp.WaitVisible(css(`#synonyms`))); err != nil {
				t.Fatal(err)
			}
			typed := browsertest.Get(t, bctx, chromedp.Evaluate[string](`document.querySelector('#synonyms').value`))
			if err := chromedp.Do(bctx, chromedp.SetValue(css(`#synonyms`), typed+"\n"+synonymShown+" = "+synonymVariant)); err != nil {
				t.Fatal(err)
			}
			submitAndWait(t, bctx, `button[value="preview"]`)
			previewed := browsertest.Get(t, bctx, chromedp.Evaluate[string](`(() => {
				const row = [...document.querySelectorAll('#preview tr.dict-change')].find(r => r.querySelector('.entry').textContent === `+strconv.Quote(synonymShown+" = "+synonymVariant)+`);
				return row ? row.querySelector('td.num').textContent : '';
			})()`))
			if n, _ := strconv.Atoi(previewed[:max(len(previewed)-len("件"), 0)]); n == 0 {
				t.Fatalf("the preview counts the synonym as %q", previewed)
			}

			submitAndWait(t, bctx, `button[value="save"]`)
			// The page refreshes itself while the answers are reanalysed.
			for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
				done, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`!!document.querySelector('#reanalysis-done')`))
				if err == nil && done {
					break
				}
				if failed, _ := chromedp.Run(bctx, chromedp.Evaluate[bool](`!!document.querySelector('#reanalysis-failed')`)); failed {
					t.Fatal("the reanalysis stopped short")
				}
				if time.Now().After(deadline) {
					t.Fatal("the page never said the reanalysis ended")
				}
			}
			dashboard()
			if got, gone := termCount(synonymShown), termCount(synonymVariant); got != shown+variant || gone != 0 {
				t.Errorf("after the synonym the word list counts %s %d (want %d) and %s %d", synonymShown, got, shown+variant, synonymVariant, gone)
			}
			if errs := console.errors(); len(errs) > 0 {
				t.Errorf("console: %v", errs)
			}
		})
	}
}
