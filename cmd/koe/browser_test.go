package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// A respondent on a phone misses a required answer, sees the message beside
// that question with everything else still filled in, fixes it and is thanked.
func TestPhoneRespondentFillsMeetingForm(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			testPhoneForm(t, dbtest.Open(t, kind), kind)
		})
	}
}

func testPhoneForm(t *testing.T, db *bun.DB, kind database.Kind) {
	ts := newTestServer(t, db)
	ts.apply(string(examples.File("meeting-feedback.yaml")))
	ctx := browsertest.New(t)
	type css = chromedp.CSS
	err := chromedp.Do(ctx,
		chromedp.Emulate(device.IPhone12),
		chromedp.Navigate(ts.URL+"/s/network-2020-3"),
		chromedp.WaitVisible(css(`form.survey`)),
		chromedp.Click(css(`input[name="q.role"][value="その他"]`)),
		chromedp.SendKeys(css(`input[name="q.role.other"]`), "大学"),
		chromedp.Click(css(`input[name="q.useful"][value="財源の確保"]`)),
		chromedp.Click(css(`input[name="q.program.0"][value="とても参考になった"]`)),
		chromedp.SendKeys(css(`textarea[name="q.comments"]`), "人事異動で連携が途切れるのが課題です。"),
		// A reload (or a flaky network) before sending keeps what was typed.
		chromedp.Reload(),
		chromedp.WaitVisible(css(`form.survey`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if kept := browsertest.Get(t, ctx, chromedp.Value(css(`textarea[name="q.comments"]`))); kept != "人事異動で連携が途切れるのが課題です。" {
		t.Errorf("after a reload the comment reads %q", kept)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(`button[type=submit]`)),
		chromedp.WaitVisible(css(`#q-satisfaction-error`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	errorText := browsertest.Get(t, ctx, chromedp.Text(css(`#q-satisfaction-error`)))
	comment := browsertest.Get(t, ctx, chromedp.Value(css(`textarea[name="q.comments"]`)))
	otherText := browsertest.Get(t, ctx, chromedp.Value(css(`input[name="q.role.other"]`)))
	roleChecked := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="q.role"][value="その他"]').checked`))
	usefulChecked := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="q.useful"][value="財源の確保"]').checked`))
	// The error shows as a red border on the radio question too, and the list
	// of errors has the focus.
	border := browsertest.Get(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById('q-satisfaction')).borderTopWidth`))
	focused := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ''`))
	if border != "2px" || focused != "errors" {
		t.Errorf("errored radio question border %q (want 2px), focus on %q (want errors)", border, focused)
	}
	// NPS 0–10 on one row of a phone, not 6 + 5.
	rows := browsertest.Get(t, ctx, chromedp.Evaluate[int](`new Set(Array.from(document.querySelectorAll('input[name="q.recommend"]')).map(i => Math.round(i.closest('label').getBoundingClientRect().top))).size`))
	if rows != 1 {
		t.Errorf("the NPS buttons sit on %d rows of a phone, want 1", rows)
	}
	shot1 := browsertest.Get(t, ctx, chromedp.FullScreenshot(100))
	err = chromedp.Do(ctx,
		chromedp.Click(css(`input[name="q.satisfaction"][value="4"]`)),
		chromedp.Click(css(`button[type=submit]`)),
		chromedp.WaitVisible(css(`section.notice h1`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot2 := browsertest.Get(t, ctx, chromedp.FullScreenshot(100))
	// Once stored, the draft is gone: the form opens empty again.
	err = chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/s/network-2020-3"), chromedp.WaitVisible(css(`form.survey`)))
	if err != nil {
		t.Fatal(err)
	}
	if left := browsertest.Get(t, ctx, chromedp.Value(css(`textarea[name="q.comments"]`))); left != "" {
		t.Errorf("the stored answer is still in the form: %q", left)
	}
	if !strings.Contains(errorText, "必須") {
		t.Errorf("error beside satisfaction reads %q", errorText)
	}
	if comment != "人事異動で連携が途切れるのが課題です。" || otherText != "大学" || !roleChecked || !usefulChecked {
		t.Errorf("typed answers lost: comment %q, other %q, role checked %v, useful checked %v", comment, otherText, roleChecked, usefulChecked)
	}
	if n := ts.count("network-2020-3"); n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
	dir := browsertest.ArtifactDir(t)
	os.WriteFile(filepath.Join(dir, "form-error-"+string(kind)+".png"), shot1, 0o644)
	os.WriteFile(filepath.Join(dir, "form-thanks-"+string(kind)+".png"), shot2, 0o644)
}
