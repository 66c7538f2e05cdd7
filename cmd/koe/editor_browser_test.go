package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/koe-project/koe/internal/browsertest"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
)

// In a browser, staff build the meeting questionnaire of the examples from an
// empty survey through the editor (one question added at a time, each round
// trip keeping what was typed), publish it, a respondent answers it through
// its public link, the YAML download applies with `koe survey apply` to a
// fresh database, and a change that would orphan the answer is refused with
// its reason.
func TestBrowserEditorBuildsMeetingSurvey(t *testing.T) {
	runBeside(t)
	browsertest.Require(t)
	ts := newTestServer(t, dbtest.Open(t, database.SQLite))
	pw := ts.loadDemo()
	ctx := browsertest.New(t)
	signIn(t, ctx, ts.URL, pw)
	type css = chromedp.CSS
	want := meetingAs(t, "network-2020-4")
	// The editor has no code books: they are chosen on the code-book page
	// (TestCodeBookEditorInBrowser), and a new survey names none.
	want.CodeBooks, want.Codes = nil, ""
	values := survey.EditorValues(want)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/surveys/new"),
		chromedp.WaitVisible(css(`#slug`)),
		chromedp.Click(css(`form[action="/surveys/new"] details summary`)), // 詳細設定: the URL name
		chromedp.SendKeys(css(`#slug`), "network-2020-4"),
		chromedp.SendKeys(css(`#title`), "下書き"),
		chromedp.Click(css(`form[action="/surveys/new"] button.submit`)),
		chromedp.WaitVisible(css(`input[name="q0.key"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Survey-level fields: typed, then kept across every add below.
	var steps []chromedp.Action[chromedp.Void]
	for _, name := range []string{"title", "description", "event.series", "event.series_title", "event.title", "event.date", "event.attendees"} {
		steps = append(steps, chromedp.SetValue(css(`[name="`+name+`"]`), values.Get(name)))
	}
	steps = append(steps, chromedp.Click(css(`input[name="anonymous"]`)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	for i, q := range want.Questions {
		p := fmt.Sprintf("q%d.", i)
		steps = nil
		if i > 0 { // the new survey's starter question becomes the first one
			steps = append(steps,
				chromedp.SetValue(css(`#new_type`), q.Type),
				chromedp.Click(css(`button[value="add"]`)),
				chromedp.WaitVisible(css(`input[name="`+p+`key"]`)),
			)
		}
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("question %d: %v", i, err)
		}
		// Fields typed by script (SetValue refuses an empty value), the label by keyboard.
		fields := map[string]string{}
		for _, f := range []string{"type", "key", "label", "help", "options", "rows", "columns", "min", "max", "min_label", "max_label"} {
			fields[f] = values.Get(p + f)
		}
		fields["label"] = ""
		vals, _ := json.Marshal(fields)
		flags, _ := json.Marshal(map[string]bool{"required": q.Required, "other": q.Other, "attribute": q.Attribute, "personal": q.Personal, "analyze": q.Analyze})
		browsertest.Get(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(
			`(function(v, f){const el = k => document.querySelector('[name="%s'+k+'"]');
			for (const k in v) el(k).value = v[k];
			for (const k in f) el(k).checked = f[k]; return true})(%s, %s)`, p, vals, flags)))
		if err := chromedp.Do(ctx, chromedp.SendKeys(css(`[name="`+p+`label"]`), q.Label)); err != nil {
			t.Fatal(err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(`button[value="save"]`)),
		chromedp.WaitVisible(css(`#saved`)),
		chromedp.Click(css(`button[value="publish"]`)),
		chromedp.WaitVisible(css(`button[value="close"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	state := browsertest.Get(t, ctx, chromedp.Text(css(`#state`)))
	shot := browsertest.Get(t, ctx, chromedp.FullScreenshot(100)) // 100: PNG

	staff := ts.staffClient(pw)
	resp, src := get(t, staff, ts.URL+"/surveys/network-2020-4/survey.yaml")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("yaml: %d", resp.StatusCode)
	}
	got, err := survey.ParseDefinition("download.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got.OpensAt = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the editor built a different survey:\n%s", src)
	}
	if !strings.Contains(state, "公開中") {
		t.Errorf("state after publish: %q", state)
	}

	// A respondent answers through the public link.
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/s/network-2020-4"),
		chromedp.WaitVisible(css(`form.survey`)),
		chromedp.Click(css(`input[name="q.role"][value="市町村"]`)),
		chromedp.Click(css(`input[name="q.satisfaction"][value="4"]`)),
		chromedp.Click(css(`button[type=submit]`)),
		chromedp.WaitVisible(css(`section.notice h1`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if n := ts.count("network-2020-4"); n != 1 {
		t.Fatalf("%d responses, want 1", n)
	}
	file := writeFile(t, "network-2020-4.yaml", []byte(src))
	if out, err := koe(t, "", "survey", "apply", "--db", dbtest.URL(t, database.SQLite), "-f", file); err != nil {
		t.Errorf("CLI apply of the editor's YAML: %q %v", out, err)
	}

	// Removing the answered option is refused in the editor with its reason.
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/surveys/network-2020-4/edit"),
		chromedp.WaitVisible(css(`input[name="q0.key"]`)),
		chromedp.SetValue(css(`[name="q0.options"]`), "県\n社会福祉協議会\nNPO・市民活動団体\nその他"),
		chromedp.Click(css(`button[value="save"]`)),
		chromedp.WaitVisible(css(`#errors`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	reason := browsertest.Get(t, ctx, chromedp.Text(css(`#errors`)))
	kept := browsertest.Get(t, ctx, chromedp.Value(css(`[name="q0.options"]`)))
	if !strings.Contains(reason, "市町村") || !strings.Contains(reason, "role") {
		t.Errorf("refusal reads %q", reason)
	}
	if strings.Contains(kept, "市町村") {
		t.Errorf("the typed options were replaced: %q", kept)
	}
	os.WriteFile(filepath.Join(browsertest.ArtifactDir(t), "editor.png"), shot, 0o644)
}
