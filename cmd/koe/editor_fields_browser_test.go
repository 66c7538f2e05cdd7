package main

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// In a real browser, each question of the editor shows the fields its type
// uses: a free-text question has no options box and no 属性 box; switched to
// a single choice it has both, and back to free text they go again, unless
// something was typed in them.
func TestEditorShowsTheFieldsOfEachType(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	ts := newTestServer(t, dbtest.Open(t, database.SQLite))
	pw := ts.loadDemo()
	ctx := browsertest.New(t)
	signIn(t, ctx, ts.URL, pw)
	type css = chromedp.CSS
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/surveys/network-2020-3/edit"),
		chromedp.WaitVisible(css(`select[name="q0.type"]`)),
	); err != nil {
		t.Fatal(err)
	}
	visible := func(i int) map[string]bool {
		t.Helper()
		return browsertest.Get(t, ctx, chromedp.Evaluate[map[string]bool](`(() => {
			const card = document.querySelectorAll('.question')[`+strconv.Itoa(i)+`];
			const out = {};
			card.querySelectorAll('[data-field]').forEach(el => { out[el.dataset.field] = !el.hidden && el.offsetParent !== null; });
			return out;
		})()`))
	}
	// Find the free-text question (comments) of the demo meeting.
	idx := browsertest.Get(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('select[name$=".type"]')].findIndex(s => s.value === 'textarea')`))
	if idx < 0 {
		t.Fatal("the demo meeting has no textarea question")
	}
	if v := visible(idx); v["options"] || v["attribute"] || !v["analyze"] || !v["required"] {
		t.Fatalf("a textarea question shows %v", v)
	}
	sel := `select[name="q` + strconv.Itoa(idx) + `.type"]`
	change := func(to string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector('`+sel+`'); s.value = '`+to+`'; s.dispatchEvent(new Event('change')); return true; })()`)); err != nil {
			t.Fatal(err)
		}
	}
	change("single")
	if v := visible(idx); !v["options"] || !v["attribute"] || !v["other"] || v["min_label"] {
		t.Errorf("switched to single, the question shows %v", v)
	}
	change("textarea")
	if v := visible(idx); v["options"] || v["attribute"] {
		t.Errorf("back to textarea, the question shows %v", v)
	}
	// The first question (a single choice with options) keeps its options
	// in view whatever its type, so nothing typed is hidden.
	first := `select[name="q0.type"]`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector('`+first+`'); s.value = 'text'; s.dispatchEvent(new Event('change')); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if v := visible(0); !v["options"] {
		t.Errorf("options typed into a question were hidden when its type changed: %v", v)
	}
}
