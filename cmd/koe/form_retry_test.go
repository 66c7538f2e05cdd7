package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// everyKindSurvey has a question of each kind the form draws.
const everyKindSurvey = `slug: every-kind
title: 研修ふりかえり
questions:
  - {key: org, type: text, label: 団体名}
  - {key: mail, type: email, label: 連絡先}
  - {key: people, type: number, label: 参加人数}
  - {key: day, type: date, label: 参加日}
  - {key: role, type: single, label: 立場, options: [職員, 住民, その他], other: true}
  - {key: useful, type: multi, label: 役立った内容, options: [事例, 演習, 交流], other: true}
  - {key: rating, type: scale, label: 満足度, min: 1, max: 5}
  - {key: parts, type: matrix, label: 各回, rows: [講義, 演習], columns: [良い, 普通, 悪い]}
  - {key: comments, type: textarea, label: ご意見, analyze: true}
  - {key: agree, type: consent, label: 公開に同意します}
`

// failStoring makes every insert into answers fail, as a broken database
// would; the returned function undoes it.
func failStoring(t *testing.T, db *bun.DB) (fix func()) {
	t.Helper()
	ctx := context.Background()
	create := []string{`CREATE TRIGGER koe_test_fail BEFORE INSERT ON answers BEGIN SELECT RAISE(ABORT, 'storage is failing'); END`}
	drop := []string{`DROP TRIGGER koe_test_fail`}
	if database.KindOf(db) == database.Postgres {
		create = []string{
			`CREATE FUNCTION koe_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'storage is failing'; END $$`,
			`CREATE TRIGGER koe_test_fail BEFORE INSERT ON answers FOR EACH ROW EXECUTE FUNCTION koe_test_fail()`,
		}
		drop = []string{`DROP TRIGGER koe_test_fail ON answers`, `DROP FUNCTION koe_test_fail()`}
	}
	for _, q := range create {
		if _, err := db.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		for _, q := range drop {
			if _, err := db.DB.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
}

var (
	inputTag    = regexp.MustCompile(`<input\s([^>]*)>`)
	textareaTag = regexp.MustCompile(`<textarea\s([^>]*)>([^<]*)</textarea>`)
	attribute   = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

// formValues is what a browser sends from the form on page: every text field
// and textarea, and the radios and checkboxes that are checked.
func formValues(page string) url.Values {
	attrs := func(s string) map[string]string {
		m := map[string]string{}
		for _, a := range attribute.FindAllStringSubmatch(s, -1) {
			m[a[1]] = html.UnescapeString(a[2])
		}
		return m
	}
	v := url.Values{}
	for _, tag := range inputTag.FindAllStringSubmatch(page, -1) {
		a := attrs(tag[1])
		if _, checked := a["checked"]; (a["type"] == "radio" || a["type"] == "checkbox") && !checked || a["name"] == "" {
			continue
		}
		v.Add(a["name"], a["value"])
	}
	for _, tag := range textareaTag.FindAllStringSubmatch(page, -1) {
		v.Add(attrs(tag[1])["name"], html.UnescapeString(tag[2]))
	}
	return v
}

// A server error while storing a form (here every insert into answers fails)
// brings the form back with everything typed and a plain message, not an
// error page; sent again from that page once the cause is fixed, the
// answers are stored once.
func TestFormServerErrorKeepsEverythingTyped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(everyKindSurvey)
		c := formClient()
		_, page := get(t, c, ts.URL+"/s/every-kind")
		token := formValues(page).Get("_token")
		if token == "" {
			t.Fatal("no token on the form")
		}
		typed := url.Values{
			"_token": {token}, "q.org": {"青葉市 地域福祉課"}, "q.mail": {"aoba@example.jp"}, "q.people": {"12"}, "q.day": {"2024-05-01"},
			"q.role": {"その他"}, "q.role.other": {"民生委員"}, "q.useful": {"事例", "交流"}, "q.useful.other": {"資料"},
			"q.rating": {"4"}, "q.parts.0": {"良い"}, "q.parts.1": {"普通"},
			"q.comments": {"次回は<b>演習</b>の時間を\n長めにしてほしい。"}, "q.agree": {"true"},
		}
		fix := failStoring(t, db)
		resp, page := postForm(t, c, ts.URL+"/s/every-kind", typed)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("storing failed: %d, want 500", resp.StatusCode)
		}
		for _, want := range []string{"送信できませんでした", "回答を保存できませんでした", `<form class="survey"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(page, "storage is failing") || strings.Contains(page, "koe_test_fail") {
			t.Error("the page shows the database's error")
		}
		if got := formValues(page); !equalValues(got, typed) {
			t.Errorf("the form came back with\n%v\nwant what was typed\n%v", got, typed)
		}
		if n := ts.count("every-kind"); n != 0 {
			t.Fatalf("%d responses stored by a failed submission", n)
		}

		fix()
		again := formValues(page)
		for i := range 2 { // sent again from the page, then a double tap
			resp, _ = postForm(t, c, ts.URL+"/s/every-kind", again)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sent again (%d): %d, want 303 to the thank-you page", i, resp.StatusCode)
			}
		}
		if n := ts.count("every-kind"); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}
		s, _ := ts.app.surveys.SurveyBySlug(context.Background(), "every-kind")
		got, _ := ts.app.surveys.ResponsesOf(context.Background(), s, true)
		if a := got[0].Answers; a["comments"] != typed.Get("q.comments") || a["role"] != "民生委員" || a["rating"] != 4.0 {
			t.Errorf("stored answers: %#v", a)
		}
	})
}

func equalValues(a, b url.Values) bool {
	for k, v := range b {
		if strings.Join(a[k], "\x00") != strings.Join(v, "\x00") {
			return false
		}
	}
	for k, v := range a {
		if _, ok := b[k]; !ok && strings.Join(v, "") != "" {
			return false
		}
	}
	return true
}

// A code in the link of a survey that has no invitations means nothing: the
// answer is stored (it was refused with 409 "already answered"), through the
// API and the form, whether or not another survey has such a code. A survey
// with invitations still refuses a code it does not know.
func TestStrayCodeOnSurveyWithoutInvitations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		invited := ts.apply(`slug: invited
title: 招待者アンケート
questions:
  - {key: stage, type: single, label: 段階, options: [検討中, 実施中]}
`)
		list, err := ts.app.surveys.AddInvitations(ctx, invited, []survey.Invitee{{Name: "青葉市"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"stray", list[0].Code} {
			if status, out := ts.postJSON(meetingAPI+"?code="+url.QueryEscape(code), "", validAnswer); status != http.StatusCreated {
				t.Errorf("API with code %q on a survey without invitations: %d %v, want 201", code, status, out)
			}
		}
		c := formClient()
		_, page := get(t, c, ts.URL+"/s/network-2020-3?code=stray")
		form := formValues(page)
		form.Set("q.role", "県")
		form.Set("q.satisfaction", "5")
		if resp, _ := postForm(t, c, ts.URL+"/s/network-2020-3?code=stray", form); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("form with a stray code: %d, want 303", resp.StatusCode)
		}
		if n := ts.count("network-2020-3"); n != 3 {
			t.Errorf("%d responses stored, want 3", n)
		}
		if l, _ := ts.app.surveys.Invitations(ctx, invited); l[0].Answered {
			t.Error("another survey's invitation was used up")
		}
		if status, _ := ts.postJSON("/api/v1/surveys/invited/responses?code=stray", "", `{"answers":{"stage":"検討中"}}`); status != http.StatusNotFound {
			t.Errorf("a survey with invitations, an unknown code: %d, want 404 as before", status)
		}
	})
}
