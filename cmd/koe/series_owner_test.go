package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
)

// seriesMeetingYAML is a survey of the series "meetings" with one free-text question.
func seriesMeetingYAML(slug, seriesTitle, eventTitle string) string {
	return `slug: ` + slug + `
title: ` + eventTitle + ` アンケート
event: {series: meetings, series_title: ` + seriesTitle + `, title: ` + eventTitle + `, date: 2025-0` + slug[len(slug)-1:] + `-01}
questions:
  - {key: comments, type: textarea, label: ご意見, analyze: true}
`
}

// seriesRow reads a series as stored.
func seriesRow(t *testing.T, db *bun.DB, key string) (title, owner string) {
	t.Helper()
	var row struct{ Title, Owner string }
	if err := db.NewRaw("SELECT title, owner FROM series WHERE key = ?", key).Scan(context.Background(), &row); err != nil {
		t.Fatal(err)
	}
	return row.Title, row.Owner
}

// seriesOf returns the key of the series a survey is in, "" for none.
func seriesOf(t *testing.T, ts *testServer, slug string) string {
	t.Helper()
	s, err := ts.app.surveys.SurveyBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	if s.Series == nil {
		return ""
	}
	return s.Series.Key
}

// A series belongs to the staff member who made it in the editor. Another
// staff member cannot put a survey into it or retitle it, from the editor,
// a YAML upload or a new survey's YAML (the save is refused, names the field
// and changes nothing); the owner's series page stays theirs; an admin still
// sees and may change everything; the command line keeps working as before.
func TestSeriesBelongsToItsOwner(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			ctx := context.Background()
			ts, db := serverAt(t, dbURL)
			owner := ts.editorClient("owner@koe.test")
			newcomer := ts.editorClient("newcomer@koe.test")
			if _, err := ts.app.users.AddUser(ctx, "admin@koe.test", editorPassword, "admin"); err != nil {
				t.Fatal(err)
			}
			admin := signInAs(t, ts, "admin@koe.test")

			// The owner makes the series in the editor and gets an answer.
			save := func(c *http.Client, slug, yamlSrc string) (*http.Response, string) {
				t.Helper()
				d, err := survey.ParseDefinition(slug+".yaml", []byte(yamlSrc))
				if err != nil {
					t.Fatal(err)
				}
				v := survey.EditorValues(d)
				v.Set("op", "save")
				return postForm(t, c, ts.URL+"/surveys/"+slug+"/edit", v)
			}
			create := func(c *http.Client, slug string) {
				t.Helper()
				if resp, body := postForm(t, c, ts.URL+"/surveys/new", url.Values{"slug": {slug}, "title": {slug}}); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("create %s: %d\n%s", slug, resp.StatusCode, body)
				}
			}
			create(owner, "meeting-1")
			if resp, body := save(owner, "meeting-1", seriesMeetingYAML("meeting-1", "地域会議", "第1回")); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("owner save: %d\n%s", resp.StatusCode, body)
			}
			postForm(t, owner, ts.URL+"/surveys/meeting-1/state", url.Values{"op": {"publish"}})
			if code, out := ts.postJSON("/api/v1/surveys/meeting-1/responses", "", `{"answers":{"comments":"第1回の会議で連携が進んだ"}}`); code != http.StatusCreated {
				t.Fatalf("answer: %d %v", code, out)
			}
			if title, who := seriesRow(t, db, "meetings"); title != "地域会議" || who != "owner@koe.test" {
				t.Fatalf("series made in the editor: title %q owner %q", title, who)
			}

			// The newcomer tries to take it over, three ways; each is refused
			// with the field named, and nothing changes.
			takeover := seriesMeetingYAML("meeting-2", "乗っ取った会議", "第2回")
			create(newcomer, "meeting-2")
			resp, body := save(newcomer, "meeting-2", takeover)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `id="f-event.series-error"`) ||
				!strings.Contains(html.UnescapeString(body), "このシリーズ「地域会議」（meetings）は他の方のものです") {
				t.Errorf("editor save into another's series: %d\n%s", resp.StatusCode, body)
			}
			if !strings.Contains(body, `value="乗っ取った会議"`) || !strings.Contains(body, `value="第2回 アンケート"`) {
				t.Errorf("the refused form lost what was typed")
			}
			resp, body = postFile(t, newcomer, ts.URL+"/surveys/meeting-2/edit/yaml", "meeting-2.yaml", []byte(takeover))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(html.UnescapeString(body), "event.series: このシリーズ「地域会議」（meetings）は他の方のものです") {
				t.Errorf("YAML upload into another's series: %d\n%s", resp.StatusCode, body)
			}
			resp, body = postFile(t, newcomer, ts.URL+"/surveys/new", "meeting-3.yaml", []byte(seriesMeetingYAML("meeting-3", "乗っ取った会議", "第3回")))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(html.UnescapeString(body), "event.series: このシリーズ「地域会議」（meetings）は他の方のものです") {
				t.Errorf("new survey from YAML into another's series: %d\n%s", resp.StatusCode, body)
			}
			if _, err := ts.app.surveys.SurveyBySlug(ctx, "meeting-3"); err == nil {
				t.Errorf("the refused YAML created its survey")
			}
			if got := seriesOf(t, ts, "meeting-2"); got != "" {
				t.Errorf("the newcomer's survey is in series %q", got)
			}
			if title, who := seriesRow(t, db, "meetings"); title != "地域会議" || who != "owner@koe.test" {
				t.Errorf("after the takeover attempts: title %q owner %q", title, who)
			}

			// The owner's series page is theirs as before; the newcomer has no
			// survey in it to see; the admin sees it.
			check := func(who string, c *http.Client, path string, want int, shows, hides []string) {
				t.Helper()
				resp, body := get(t, c, ts.URL+path)
				if resp.StatusCode != want {
					t.Errorf("%s GET %s: %d, want %d", who, path, resp.StatusCode, want)
					return
				}
				for _, s := range shows {
					if !strings.Contains(body, s) {
						t.Errorf("%s GET %s lacks %q", who, path, s)
					}
				}
				for _, s := range hides {
					if strings.Contains(body, s) {
						t.Errorf("%s GET %s shows %q", who, path, s)
					}
				}
			}
			for p, shows := range map[string]string{
				"/series/meetings": "地域会議", "/series/meetings/report.html": "地域会議", "/series/meetings/answers?question=comments": "連携が進んだ",
			} {
				check("owner", owner, p, http.StatusOK, []string{shows}, []string{"乗っ取った会議", "含めていません"})
				check("newcomer", newcomer, p, http.StatusForbidden, nil, []string{"地域会議", "連携が進んだ"})
				check("admin", admin, p, http.StatusOK, []string{shows}, []string{"第2回"})
			}

			// An admin may put anyone's survey into the series. The owner then
			// sees their own events and is told one is left out; the newcomer
			// sees only theirs; the admin sees both.
			if resp, body := save(admin, "meeting-2", seriesMeetingYAML("meeting-2", "地域会議", "第2回")); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("admin save: %d\n%s", resp.StatusCode, body)
			}
			postForm(t, admin, ts.URL+"/surveys/meeting-2/state", url.Values{"op": {"publish"}})
			if code, out := ts.postJSON("/api/v1/surveys/meeting-2/responses", "", `{"answers":{"comments":"第2回は新人の回答です"}}`); code != http.StatusCreated {
				t.Fatalf("answer: %d %v", code, out)
			}
			check("owner", owner, "/series/meetings", http.StatusOK, []string{"第1回", "閲覧の権限がない1回は含めていません"}, []string{"第2回"})
			check("owner", owner, "/series/meetings/report.html", http.StatusOK, []string{"第1回", "閲覧の権限がない1回は含めていません"}, []string{"第2回"})
			check("owner", owner, "/series/meetings/answers?question=comments", http.StatusOK, []string{"連携が進んだ"}, []string{"新人の回答"})
			check("newcomer", newcomer, "/series/meetings", http.StatusOK, []string{"第2回"}, []string{"第1回"})
			check("newcomer", newcomer, "/series/meetings/answers?question=comments", http.StatusOK, []string{"新人の回答"}, []string{"連携が進んだ"})
			check("admin", admin, "/series/meetings", http.StatusOK, []string{"第1回", "第2回"}, []string{"含めていません"})
			check("admin", admin, "/series/meetings/answers?question=comments", http.StatusOK, []string{"連携が進んだ", "新人の回答"}, nil)

			// In the series now, the newcomer may keep saving their survey but
			// not retitle the series.
			if resp, body := save(newcomer, "meeting-2", seriesMeetingYAML("meeting-2", "地域会議", "第2回（修正）")); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("newcomer saves their survey in the series: %d\n%s", resp.StatusCode, body)
			}
			resp, body = save(newcomer, "meeting-2", seriesMeetingYAML("meeting-2", "乗っ取った会議", "第2回"))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `id="f-event.series_title-error"`) ||
				!strings.Contains(html.UnescapeString(body), "シリーズ「地域会議」のタイトルを変えられるのは") {
				t.Errorf("newcomer retitles the series: %d\n%s", resp.StatusCode, body)
			}
			if title, _ := seriesRow(t, db, "meetings"); title != "地域会議" {
				t.Errorf("series retitled to %q", title)
			}

			// Sharing a survey for editing does not share the series: the
			// newcomer may save the owner's survey, not copy it into the series.
			postForm(t, owner, ts.URL+"/surveys/meeting-1/shares", url.Values{"email": {"newcomer@koe.test"}, "level": {"edit"}})
			if resp, body := save(newcomer, "meeting-1", seriesMeetingYAML("meeting-1", "地域会議", "第1回")); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("edit share saves the owner's survey: %d\n%s", resp.StatusCode, body)
			}
			resp, body = postForm(t, newcomer, ts.URL+"/surveys/meeting-1/duplicate", url.Values{"new_slug": {"meeting-9"}})
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(html.UnescapeString(body), "は他の方のものです") {
				t.Errorf("edit share copies the survey into the series: %d\n%s", resp.StatusCode, body)
			}
			if _, err := ts.app.surveys.SurveyBySlug(ctx, "meeting-9"); err == nil {
				t.Errorf("the refused copy was created")
			}
			// The owner may copy it for the next meeting.
			if resp, body := postForm(t, owner, ts.URL+"/surveys/meeting-1/duplicate", url.Values{"new_slug": {"meeting-4"}}); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("owner copies the survey: %d\n%s", resp.StatusCode, body)
			}
			if got := seriesOf(t, ts, "meeting-4"); got != "meetings" {
				t.Errorf("the owner's copy is in series %q", got)
			}

			// The command line (no signed-in member) works as before: it may use
			// and retitle any series, and a series it makes is no one's.
			for _, src := range []string{seriesMeetingYAML("meeting-5", "地域会議（CLI）", "第5回"),
				strings.ReplaceAll(seriesMeetingYAML("meeting-6", "CLI の会議", "第6回"), "series: meetings", "series: cli-meetings")} {
				f := writeFile(t, "s.yaml", []byte(src))
				if out, err := koe(t, "", "survey", "apply", "--db", dbURL, "-f", f); err != nil {
					t.Fatalf("koe survey apply: %v %s", err, out)
				}
			}
			if title, who := seriesRow(t, db, "meetings"); title != "地域会議（CLI）" || who != "owner@koe.test" {
				t.Errorf("after koe survey apply: title %q owner %q", title, who)
			}
			if _, who := seriesRow(t, db, "cli-meetings"); who != "" {
				t.Errorf("a series made by the command line belongs to %q", who)
			}
			if resp, body := save(newcomer, "meeting-2", strings.ReplaceAll(seriesMeetingYAML("meeting-2", "CLI の会議", "第2回"), "series: meetings", "series: cli-meetings")); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("staff join a series made by the command line: %d\n%s", resp.StatusCode, body)
			}
		})
	}
}
