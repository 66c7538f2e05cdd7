package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
)

// A staff account cannot read, edit or download another's unshared survey; a
// read-only share lets it view and download but not edit; an edit share and
// the admin role let it edit.
func TestRolesGuardEverySurveyRoute(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		owner := ts.editorClient("owner@example.jp")
		other := ts.editorClient("other@example.jp")
		if _, err := ts.app.users.AddUser(context.Background(), "admin@example.jp", editorPassword, "admin"); err != nil {
			t.Fatal(err)
		}
		admin := signInAs(t, ts, "admin@example.jp")

		// The owner makes a survey in a series and gets an answer.
		postForm(t, owner, ts.URL+"/surveys/new", url.Values{"slug": {"private-1"}, "title": {"非公開の調査"}})
		v := url.Values{"op": {"save"}, "title": {"非公開の調査"}, "event.series": {"private-series"}, "n": {"1"},
			"q0.key": {"secret"}, "q0.type": {"textarea"}, "q0.analyze": {"1"}, "q0.label": {"秘密の質問"}}
		if resp, body := postForm(t, owner, ts.URL+"/surveys/private-1/edit", v); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("owner save: %d\n%s", resp.StatusCode, body)
		}
		postForm(t, owner, ts.URL+"/surveys/private-1/state", url.Values{"op": {"publish"}})
		if code, _ := ts.postJSON("/api/v1/surveys/private-1/responses", "", `{"answers":{"secret":"極秘の回答"}}`); code != http.StatusCreated {
			t.Fatalf("answer: %d", code)
		}

		reads := []string{"/surveys/private-1", "/surveys/private-1/responses", "/surveys/private-1/responses.csv",
			"/surveys/private-1/report.html", "/surveys/private-1/answers?question=secret", "/surveys/private-1/survey.yaml",
			"/surveys/private-1/preview", "/surveys/private-1/link", "/surveys/private-1/qr.png", "/series/private-series",
			"/series/private-series/report.html", "/series/private-series/answers?question=secret"}
		edits := []string{"/surveys/private-1/edit", "/surveys/private-1/import", "/surveys/private-1/invitations",
			"/surveys/private-1/invitations.csv", "/surveys/private-1/shares"}
		posts := map[string]url.Values{
			"/surveys/private-1/edit":        v,
			"/surveys/private-1/state":       {"op": {"close"}},
			"/surveys/private-1/duplicate":   {"new_slug": {"stolen"}},
			"/surveys/private-1/shares":      {"email": {"other@example.jp"}, "level": {"edit"}},
			"/surveys/private-1/invitations": {"list": {"誰か"}},
		}
		check := func(who string, c *http.Client, paths []string, want int) {
			t.Helper()
			for _, p := range paths {
				resp, body := get(t, c, ts.URL+p)
				if resp.StatusCode != want {
					t.Errorf("%s GET %s: %d, want %d", who, p, resp.StatusCode, want)
				}
				if want == http.StatusForbidden && (strings.Contains(body, "極秘の回答") || strings.Contains(body, "秘密の質問")) {
					t.Errorf("%s GET %s shows the survey", who, p)
				}
			}
		}
		checkPosts := func(who string, c *http.Client, want int) {
			t.Helper()
			for p, form := range posts {
				if resp, _ := postForm(t, c, ts.URL+p, form); resp.StatusCode != want {
					t.Errorf("%s POST %s: %d, want %d", who, p, resp.StatusCode, want)
				}
			}
		}
		check("owner", owner, append(reads, edits...), http.StatusOK)
		check("other", other, append(reads, edits...), http.StatusForbidden)
		checkPosts("other", other, http.StatusForbidden)
		if _, body := get(t, other, ts.URL+"/surveys"); strings.Contains(body, "private-1") {
			t.Errorf("the survey list shows another's unshared survey")
		}
		if _, body := get(t, owner, ts.URL+"/surveys"); !strings.Contains(body, "private-1") {
			t.Errorf("the survey list hides the owner's survey")
		}
		if s, _ := ts.app.surveys.SurveyBySlug(context.Background(), "private-1"); s.ClosesAt != nil {
			t.Errorf("a refused POST closed the survey")
		}

		// Read-only share.
		postForm(t, owner, ts.URL+"/surveys/private-1/shares", url.Values{"email": {"Other@example.jp"}, "level": {"view"}})
		check("viewer", other, reads, http.StatusOK)
		check("viewer", other, edits, http.StatusForbidden)
		if resp, _ := postForm(t, other, ts.URL+"/surveys/private-1/state", url.Values{"op": {"close"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("viewer POST state: %d", resp.StatusCode)
		}
		if _, body := get(t, other, ts.URL+"/surveys"); !strings.Contains(body, "private-1") {
			t.Errorf("the survey list hides a shared survey")
		}
		// Edit share, then the admin.
		postForm(t, owner, ts.URL+"/surveys/private-1/shares", url.Values{"email": {"other@example.jp"}, "level": {"edit"}})
		check("editor", other, edits, http.StatusOK)
		check("admin", admin, append(reads, edits...), http.StatusOK)
		// Only the admin manages staff accounts.
		if resp, _ := get(t, other, ts.URL+"/admin/users"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff GET /admin/users: %d", resp.StatusCode)
		}
		newcomer := url.Values{"email": {"new@example.jp"}, "role": {"staff"}, "password": {editorPassword}}
		if resp, _ := postForm(t, other, ts.URL+"/admin/users", newcomer); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff POST /admin/users: %d", resp.StatusCode)
		}
		if resp, body := get(t, admin, ts.URL+"/admin/users"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "owner@example.jp") {
			t.Errorf("admin GET /admin/users: %d", resp.StatusCode)
		}
		if resp, _ := postForm(t, admin, ts.URL+"/admin/users", newcomer); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("admin adds an account: %d", resp.StatusCode)
		}
		check("newcomer", signInAs(t, ts, "new@example.jp"), reads[:3], http.StatusForbidden)
		// Ending the share ends the access.
		postForm(t, owner, ts.URL+"/surveys/private-1/shares", url.Values{"email": {"other@example.jp"}, "level": {""}})
		check("former editor", other, reads[:3], http.StatusForbidden)
	})
}

func signInAs(t *testing.T, ts *testServer, email string) *http.Client {
	t.Helper()
	c := formClient()
	jar, _ := cookiejar.New(nil)
	c.Jar = jar
	resp, _ := postForm(t, c, ts.URL+"/login", url.Values{"email": {email}, "password": {editorPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in %s: %d", email, resp.StatusCode)
	}
	return c
}
