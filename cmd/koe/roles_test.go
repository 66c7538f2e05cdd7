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
	"github.com/koe-project/koe/internal/web"
)

// Every route of the route table answers each kind of visitor as its level
// says: anyone for public routes; signed-in staff for staff routes; those the
// survey or series is shared with (view) or who may change it (edit); admins
// for admin routes. A staff account cannot read, edit or download another's
// unshared survey; a read-only share lets it view and download but not edit;
// an edit share and the admin role let it edit. The walk covers whatever the
// table holds: a new route is checked without being listed here.
func TestRolesGuardEveryRoute(t *testing.T) {
	runBeside(t)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ctx := context.Background()
		owner := ts.editorClient("owner@example.jp")
		other := ts.editorClient("other@example.jp")
		viewer := ts.editorClient("viewer@example.jp")
		editor := ts.editorClient("editor@example.jp")
		if _, err := ts.app.users.AddUser(ctx, "admin@example.jp", editorPassword, "admin"); err != nil {
			t.Fatal(err)
		}
		admin := signInAs(t, ts, "admin@example.jp")

		// The owner makes a survey in a series, gets an answer and shares it.
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
		postForm(t, owner, ts.URL+"/surveys/private-1/shares", url.Values{"email": {"Viewer@example.jp"}, "level": {"view"}})
		postForm(t, owner, ts.URL+"/surveys/private-1/shares", url.Values{"email": {"editor@example.jp"}, "level": {"edit"}})
		s, err := ts.app.surveys.SurveyBySlug(ctx, "private-1")
		if err != nil {
			t.Fatal(err)
		}
		responses, err := ts.app.surveys.ResponsesOf(ctx, s, true)
		if err != nil || len(responses) != 1 {
			t.Fatalf("responses: %v, %v", responses, err)
		}

		srv, err := ts.app.web()
		if err != nil {
			t.Fatal(err)
		}
		signedOut := formClient()
		visitors := []struct {
			name  string
			c     *http.Client
			level web.Level // the highest level this visitor has on private-1
		}{
			{"signed out", signedOut, web.Public},
			{"staff without a share", other, web.Staff},
			{"view share", viewer, web.View},
			{"edit share", editor, web.Edit},
			{"owner", owner, web.Edit},
			{"admin", admin, web.Admin},
		}
		for _, rt := range srv.Routes() {
			for _, who := range visitors {
				if rt.Level == web.Public && who.level != web.Public {
					continue // who asks makes no difference; and POST /logout would sign them out
				}
				allowed := who.level >= rt.Level
				path := routePath(t, rt, responses[0].ID, allowed)
				var resp *http.Response
				var body string
				if rt.Method == http.MethodGet {
					resp, body = get(t, who.c, ts.URL+path)
				} else {
					// Refused visitors send what would do harm; allowed ones send
					// nothing the handler can act on, so the walk changes nothing.
					form := url.Values{}
					if !allowed {
						form = harmfulForm(rt.Pattern)
					}
					resp, body = postForm(t, who.c, ts.URL+path, form)
				}
				refusal := guardRefusal(resp.StatusCode, body)
				switch {
				case allowed && refusal != "":
					t.Errorf("%s %s (%s) for %s: %d %s, want it allowed", rt.Method, path, rt.Level, who.name, resp.StatusCode, refusal)
				case allowed && rt.Method == http.MethodGet && rt.Level >= web.View && resp.StatusCode != http.StatusOK:
					t.Errorf("%s %s (%s) for %s: %d, want 200", rt.Method, path, rt.Level, who.name, resp.StatusCode)
				case !allowed && who.level == web.Public && (resp.StatusCode != http.StatusUnauthorized || refusal == ""):
					t.Errorf("%s %s (%s) signed out: %d, want 401 asking to sign in", rt.Method, path, rt.Level, resp.StatusCode)
				case !allowed && who.level > web.Public && (resp.StatusCode != http.StatusForbidden || refusal == ""):
					t.Errorf("%s %s (%s) for %s: %d, want 403 for lack of access", rt.Method, path, rt.Level, who.name, resp.StatusCode)
				}
				if !allowed && (strings.Contains(body, "極秘の回答") || strings.Contains(body, "秘密の質問")) {
					t.Errorf("%s %s refused to %s shows the survey", rt.Method, path, who.name)
				}
			}
		}
		if s, _ := ts.app.surveys.SurveyBySlug(ctx, "private-1"); s.ClosesAt != nil || s.Title != "非公開の調査" {
			t.Errorf("a refused POST changed the survey")
		}
		if _, err := ts.app.surveys.SurveyBySlug(ctx, "stolen"); err == nil {
			t.Errorf("a refused POST copied the survey")
		}
		if _, err := ts.app.surveys.ResponseByID(ctx, s, responses[0].ID); err != nil {
			t.Errorf("the response after refused deletes: %v", err)
		}
		if ts.app.users.IsAdmin(ctx, "intruder@example.jp") {
			t.Errorf("a refused POST added an admin")
		}

		// The survey list shows what each may see.
		if _, body := get(t, other, ts.URL+"/surveys"); strings.Contains(body, "private-1") {
			t.Errorf("the survey list shows another's unshared survey")
		}
		for who, c := range map[string]*http.Client{"owner": owner, "viewer": viewer, "editor": editor, "admin": admin} {
			if _, body := get(t, c, ts.URL+"/surveys"); !strings.Contains(body, "private-1") {
				t.Errorf("the survey list hides private-1 from the %s", who)
			}
		}
		// Only the admin manages staff accounts.
		if resp, body := get(t, admin, ts.URL+"/admin/users"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "owner@example.jp") {
			t.Errorf("admin GET /admin/users: %d", resp.StatusCode)
		}
		newcomer := url.Values{"email": {"new@example.jp"}, "role": {"staff"}, "password": {editorPassword}}
		if resp, _ := postForm(t, admin, ts.URL+"/admin/users", newcomer); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("admin adds an account: %d", resp.StatusCode)
		}
		reads := []string{"/surveys/private-1", "/surveys/private-1/responses", "/surveys/private-1/responses.csv"}
		checkGets(t, "newcomer", signInAs(t, ts, "new@example.jp"), ts.URL, reads, http.StatusForbidden)
		// Ending a share ends the access.
		postForm(t, owner, ts.URL+"/surveys/private-1/shares", url.Values{"email": {"editor@example.jp"}, "level": {""}})
		checkGets(t, "former editor", editor, ts.URL, reads, http.StatusForbidden)
	})
}

// guardRefusal is the message of a refusal by a route's level check, or "".
func guardRefusal(status int, body string) string {
	for _, msg := range []string{"ログインが必要です。", "このアンケートを見る権限がありません。", "このアンケートは閲覧のみ共有されています。",
		"このシリーズを見る権限がありません。", "スタッフの管理は管理者だけが行えます。"} {
		if (status == http.StatusUnauthorized || status == http.StatusForbidden) && strings.Contains(body, msg) {
			return msg
		}
	}
	return ""
}

func checkGets(t *testing.T, who string, c *http.Client, base string, paths []string, want int) {
	t.Helper()
	for _, p := range paths {
		if resp, _ := get(t, c, base+p); resp.StatusCode != want {
			t.Errorf("%s GET %s: %d, want %d", who, p, resp.StatusCode, want)
		}
	}
}

// routePath fills a route's pattern for the walk: the survey private-1, the
// series private-series, and ids that name something only where a visitor
// allowed in reads a page (the response to delete), so an allowed POST finds
// nothing to change.
func routePath(t *testing.T, rt web.Route, responseID string, allowed bool) string {
	t.Helper()
	path := strings.ReplaceAll(rt.Pattern, "{$}", "")
	path = strings.ReplaceAll(path, "{slug}", "private-1")
	path = strings.ReplaceAll(path, "{key}", "private-series")
	path = strings.ReplaceAll(path, "{code}", "no-such-code")
	id := "999999"
	if rt.Method == http.MethodGet || !allowed {
		id = responseID // a refused POST names the real response: it must stay
	}
	path = strings.ReplaceAll(path, "{id}", id)
	if strings.Contains(path, "{") {
		t.Fatalf("route %s %s: the role test does not know what to put in %s; add it to routePath", rt.Method, rt.Pattern, path)
	}
	if strings.HasSuffix(path, "/answers") {
		path += "?question=secret"
	}
	return path
}

// harmfulForm is what a refused visitor posts to a route: what would change
// the survey if the route let it through.
func harmfulForm(pattern string) url.Values {
	switch pattern {
	case "/surveys/{slug}/edit":
		return url.Values{"op": {"save"}, "title": {"乗っ取り"}, "n": {"1"}, "q0.key": {"x"}, "q0.type": {"text"}, "q0.label": {"x"}}
	case "/surveys/{slug}/state":
		return url.Values{"op": {"close"}}
	case "/surveys/{slug}/duplicate":
		return url.Values{"new_slug": {"stolen"}}
	case "/surveys/{slug}/shares":
		return url.Values{"email": {"other@example.jp"}, "level": {"edit"}}
	case "/surveys/{slug}/invitations":
		return url.Values{"list": {"誰か"}}
	case "/admin/users":
		return url.Values{"email": {"intruder@example.jp"}, "role": {"admin"}, "password": {editorPassword}}
	}
	return url.Values{}
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
