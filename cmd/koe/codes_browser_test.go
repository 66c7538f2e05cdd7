package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/dbtest"
)

// submitAndWait clicks a form's button and waits for the page that answers.
func submitAndWait(t *testing.T, ctx context.Context, button string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__before = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(button))); err != nil {
		t.Fatalf("%s: %v", button, err)
	}
	// The old page may vanish mid-question: ask again until the new one answers.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.__before && document.readyState === 'complete'`))
		if err == nil && done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no new page (%v)", button, err)
		}
	}
}

// In a real browser, on real answers: staff make a code of an issue card,
// land on the code-book page with it previewed, change its rule and see the
// count change before saving, save, and find the dashboard counting the
// saved rule (codes are judged over stored terms: no reanalysis needed).
func TestCodeBookEditorInBrowser(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, _, _ := fukuiServer(t, kind)
			bctx := browsertest.New(t)
			console := watchConsole(bctx)
			signInBrowserAs(t, bctx, ts.URL, "admin@koe.test", editorPassword)
			type css = chromedp.CSS
			err := chromedp.Do(bctx,
				chromedp.Navigate(ts.URL+"/surveys/fukui-2"),
				chromedp.WaitVisible(css(`.issue-card`)),
			)
			if err != nil {
				t.Fatal(err)
			}
			label := browsertest.Get(t, bctx, chromedp.Evaluate[string](`document.querySelector('.issue-card h4').textContent`))
			// The card's staff form is folded away under its summary.
			if err := chromedp.Do(bctx, chromedp.Click(css(`.issue-card details.issue-edit-box > summary`))); err != nil {
				t.Fatal(err)
			}
			submitAndWait(t, bctx, `.issue-card button[value="code"]`)
			count := func(code string) int {
				t.Helper()
				s := browsertest.Get(t, bctx, chromedp.Evaluate[string](`(() => {
					const row = [...document.querySelectorAll('table.code-preview tbody tr')].find(r => r.id === 'code-' + `+strconv.Quote(code)+`);
					return row ? row.querySelector('td.num').textContent : '';
				})()`))
				n, err := strconv.Atoi(strings.SplitN(s, "件", 2)[0])
				if err != nil {
					t.Fatalf("%s: count %q", code, s)
				}
				return n
			}
			if added := browsertest.Get(t, bctx, chromedp.Evaluate[bool](`!!document.querySelector('#added') && document.querySelector('#codes').value.includes('*' + `+strconv.Quote(label)+`)`)); !added {
				t.Fatalf("the code made from %q is not on the code-book page", label)
			}
			if count(label) == 0 {
				t.Fatalf("the code made from %q matches nothing", label)
			}
			setRule := func(rule string) {
				t.Helper()
				if err := chromedp.Do(bctx, chromedp.SetValue(css(`#codes`), rule)); err != nil {
					t.Fatal(err)
				}
				submitAndWait(t, bctx, `button[value="preview"]`)
			}
			setRule("*駐車場\n満車\n")
			narrow := count("駐車場")
			setRule("*駐車場\n満車 | 駐車場 | 駐車\n")
			wide := count("駐車場")
			if narrow == 0 || wide <= narrow {
				t.Fatalf("widening the rule took the preview from %d to %d answers", narrow, wide)
			}
			submitAndWait(t, bctx, `button[value="save"]`)
			if saved := browsertest.Get(t, bctx, chromedp.Evaluate[bool](`!!document.querySelector('#saved')`)); !saved || count("駐車場") != wide {
				t.Fatalf("after saving: notice %v, count %d, want %d", saved, count("駐車場"), wide)
			}
			err = chromedp.Do(bctx, chromedp.Navigate(ts.URL+"/surveys/fukui-2"), chromedp.WaitVisible(css(`.issue-card`)))
			if err != nil {
				t.Fatal(err)
			}
			waitCharts(t, bctx)
			shown := browsertest.Get(t, bctx, chromedp.Evaluate[string](`(() => {
				const a = document.querySelector('a.drill[data-code="駐車場"]');
				return a ? a.closest('tr').querySelector('td.num').textContent : '';
			})()`))
			if shown != strconv.Itoa(wide) {
				t.Errorf("the dashboard counts 駐車場 as %q, the saved rule %d", shown, wide)
			}
			if errs := console.errors(); len(errs) > 0 {
				t.Errorf("console: %v", errs)
			}
		})
	}
}
