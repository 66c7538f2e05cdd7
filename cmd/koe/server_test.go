package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// testServer is koe's whole web app on a real HTTP server and a real database.
type testServer struct {
	*httptest.Server
	app *app
	t   testing.TB
}

// runBeside lets a test run beside the others (t.Parallel). Those that call
// it start their own servers, databases and browser, and measure neither
// time nor heap; the tests that do (heap bounds, load, stalls, crashes,
// shutdown, background builds) stay sequential, with nothing beside them.
func runBeside(t *testing.T) {
	t.Helper()
	t.Parallel()
}

func newTestServer(t testing.TB, db *bun.DB, options ...func(*app)) *testServer {
	t.Helper()
	texts, err := openAnalysis(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(db, slog.New(slog.NewTextHandler(testLogWriter{t}, nil)), texts)
	for _, o := range options {
		o(a)
	}
	srv := httptest.NewServer(mustHandler(t, a))
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, app: a, t: t}
}

// apply stores a definition given as YAML text.
func (ts *testServer) apply(src string) *survey.Survey {
	ts.t.Helper()
	d, err := survey.ParseDefinition("test.yaml", []byte(src))
	if err != nil {
		ts.t.Fatal(err)
	}
	if _, err := ts.app.surveys.Apply(context.Background(), d, src); err != nil {
		ts.t.Fatal(err)
	}
	s, err := ts.app.surveys.SurveyBySlug(context.Background(), d.Slug)
	if err != nil {
		ts.t.Fatal(err)
	}
	return s
}

func (ts *testServer) count(slug string) int {
	ts.t.Helper()
	s, err := ts.app.surveys.SurveyBySlug(context.Background(), slug)
	if err != nil {
		ts.t.Fatal(err)
	}
	n, err := ts.app.surveys.ResponseCount(context.Background(), s)
	if err != nil {
		ts.t.Fatal(err)
	}
	return n
}

func (ts *testServer) postJSON(path, key, body string) (int, map[string]any) {
	ts.t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

const meetingAPI = "/api/v1/surveys/network-2020-3/responses"

const validAnswer = `{"answers":{"role":"市町村","satisfaction":4,"useful":["協働の考え方","財源の確保"],"program":{"事例紹介":"参考になった"},"recommend":8,"comments":"行政担当者が異動しても連携を維持することが課題です。"}}`

func TestAPIStatuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))

		code, first := ts.postJSON(meetingAPI, "k-1", validAnswer)
		if code != http.StatusCreated || first["id"] == nil {
			t.Fatalf("valid: %d %v", code, first)
		}
		code, replay := ts.postJSON(meetingAPI, "k-1", validAnswer)
		if code != http.StatusOK || replay["id"] != first["id"] {
			t.Fatalf("replay: %d %v, want 200 with id %v", code, replay, first["id"])
		}
		if code, _ := ts.postJSON(meetingAPI, "", validAnswer); code != http.StatusCreated {
			t.Fatalf("without key: %d", code)
		}
		if n := ts.count("network-2020-3"); n != 2 {
			t.Fatalf("%d responses stored, want 2", n)
		}

		code, bad := ts.postJSON(meetingAPI, "", `{"answers":{"satisfaction":9,"recommend":11,"useful":["x","y"],"nosuch":1}}`)
		errs, _ := bad["errors"].(map[string]any)
		if code != http.StatusUnprocessableEntity || len(errs) != 5 {
			t.Fatalf("invalid: %d %v, want 422 with role, satisfaction, recommend, useful, nosuch", code, bad)
		}
		if !strings.Contains(errs["satisfaction"].(string), "1〜5") {
			t.Errorf("satisfaction message does not say the range: %v", errs["satisfaction"])
		}

		for _, body := range []string{`{"answers":`, `not json`, `{"answers":{}} trailing`, `[]`, `{}`} {
			if code, _ := ts.postJSON(meetingAPI, "", body); code != http.StatusBadRequest {
				t.Errorf("malformed %q: %d, want 400", body, code)
			}
		}
		if code, _ := ts.postJSON("/api/v1/surveys/nope/responses", "", validAnswer); code != http.StatusNotFound {
			t.Errorf("unknown survey: %d, want 404", code)
		}
		huge := `{"answers":{"role":"県","satisfaction":3,"comments":"` + strings.Repeat("あ", survey.MaxBodyBytes) + `"}}`
		if code, _ := ts.postJSON(meetingAPI, "", huge); code != http.StatusRequestEntityTooLarge {
			t.Errorf("oversize body: %d, want 413", code)
		}
		long := `{"answers":{"role":"県","satisfaction":3,"comments":"` + strings.Repeat("あ", survey.MaxTextareaLen+1) + `"}}`
		if code, out := ts.postJSON(meetingAPI, "", long); code != http.StatusUnprocessableEntity || !strings.Contains(out["errors"].(map[string]any)["comments"].(string), "文字以内") {
			t.Errorf("overlong answer: %d %v, want 422 naming the limit", code, out)
		}
		if n := ts.count("network-2020-3"); n != 2 {
			t.Fatalf("refused requests stored something: %d responses", n)
		}
	})
}

func TestAPIRefusesClosedAndFullSurveys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply("slug: closed\ntitle: 終了済み\ncloses_at: 2020-01-01T00:00:00+09:00\nquestions:\n  - {key: q, type: text, label: 質問}\n")
		ts.apply("slug: later\ntitle: これから\nopens_at: 2999-01-01T00:00:00+09:00\nquestions:\n  - {key: q, type: text, label: 質問}\n")
		ts.apply("slug: small\ntitle: 定員1\nmax_responses: 1\nquestions:\n  - {key: q, type: text, label: 質問}\n")
		for _, slug := range []string{"closed", "later"} {
			if code, _ := ts.postJSON("/api/v1/surveys/"+slug+"/responses", "", `{"answers":{"q":"a"}}`); code != http.StatusConflict {
				t.Errorf("%s: %d, want 409", slug, code)
			}
			resp, _ := http.Get(ts.URL + "/s/" + slug)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusConflict || bytes.Contains(body, []byte("<form class=\"survey\"")) {
				t.Errorf("form page of %s: %d, still shows the form", slug, resp.StatusCode)
			}
		}
		if code, _ := ts.postJSON("/api/v1/surveys/small/responses", "one", `{"answers":{"q":"a"}}`); code != http.StatusCreated {
			t.Fatalf("first of max 1: %d", code)
		}
		if code, _ := ts.postJSON("/api/v1/surveys/small/responses", "one", `{"answers":{"q":"a"}}`); code != http.StatusOK {
			t.Errorf("replay on a full survey: %d, want 200", code)
		}
		if code, _ := ts.postJSON("/api/v1/surveys/small/responses", "two", `{"answers":{"q":"b"}}`); code != http.StatusConflict {
			t.Errorf("over max: %d, want 409", code)
		}
		resp, _ := http.Get(ts.URL + "/s/small")
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "定員") {
			t.Errorf("full survey page does not say it is full")
		}
	})
}

// formClient posts like a browser without JavaScript: no redirects followed.
func formClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestFormKeepsInputOnErrorAndStoresOnceOnDoubleSubmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		c := formClient()
		resp, err := c.Get(ts.URL + "/s/network-2020-3")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		token := between(string(page), `name="_token" value="`, `"`)
		if resp.StatusCode != 200 || token == "" {
			t.Fatalf("form: %d, token %q", resp.StatusCode, token)
		}
		form := url.Values{"_token": {token}, "q.role": {"その他"}, "q.role.other": {"大学"},
			"q.useful": {"協働の考え方"}, "q.comments": {"連携の<b>工夫</b>を知りたい"}, "q.program.1": {"参考になった"}}
		resp, _ = c.PostForm(ts.URL+"/s/network-2020-3", form)
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		html := string(page)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("missing required satisfaction: %d, want 422", resp.StatusCode)
		}
		for _, want := range []string{`id="q-satisfaction-error"`, "選択してください（必須）", `value="大学"`,
			`value="協働の考え方" checked`, "連携の&lt;b&gt;工夫&lt;/b&gt;を知りたい", `value="参考になった" checked`, token} {
			if !strings.Contains(html, want) {
				t.Errorf("re-rendered form lacks %q", want)
			}
		}
		if strings.Count(html, "field-error") != 1 {
			t.Errorf("want exactly one field error, got %d", strings.Count(html, "field-error"))
		}
		form.Set("q.satisfaction", "4")
		for i := range 3 { // a double tap and a back-and-resubmit
			resp, _ = c.PostForm(ts.URL+"/s/network-2020-3", form)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/s/network-2020-3/thanks" {
				t.Fatalf("post %d: %d to %q, want 303 to the thank-you page", i, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if n := ts.count("network-2020-3"); n != 1 {
			t.Fatalf("%d responses after resubmitting one form, want 1", n)
		}
		s, _ := ts.app.surveys.SurveyBySlug(context.Background(), "network-2020-3")
		got, _ := ts.app.surveys.ResponsesOf(context.Background(), s, true)
		if a := got[0].Answers; a["role"] != "大学" || a["satisfaction"] != 4.0 || a["comments"] != "連携の<b>工夫</b>を知りたい" {
			t.Errorf("stored answers differ: %#v", a)
		}
	})
}

func TestStaffPagesNeedSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("practice-survey.yaml")))
		code, _ := ts.postJSON("/api/v1/surveys/community-building-2023/responses", "",
			`{"answers":{"municipality":"秘密町","population":"5万人未満","stage":"未定","challenge_detail":"担い手が足りない"}}`)
		if code != http.StatusCreated {
			t.Fatalf("submit: %d", code)
		}
		staffPaths := []string{"/surveys", "/surveys/community-building-2023", "/surveys/community-building-2023/responses",
			"/surveys/community-building-2023/responses.csv"}
		anon := formClient()
		for _, p := range staffPaths {
			resp, _ := anon.Get(ts.URL + p)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), "秘密町") {
				t.Errorf("anonymous GET %s: %d", p, resp.StatusCode)
			}
		}
		req, _ := http.NewRequest("GET", ts.URL+"/surveys", nil)
		req.Header.Set("Accept", "text/html")
		resp, _ := anon.Do(req)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("a browser is not sent to the sign-in page: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}

		if _, err := ts.app.users.AddUser(context.Background(), "staff@example.jp", "長いパスワード二十四文字以上でも大丈夫です", "staff"); err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		staff := formClient()
		staff.Jar = jar
		resp, _ = staff.PostForm(ts.URL+"/login", url.Values{"email": {"staff@example.jp"}, "password": {"違う"}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}
		resp, _ = staff.PostForm(ts.URL+"/login", url.Values{"email": {"Staff@Example.jp"}, "password": {"長いパスワード二十四文字以上でも大丈夫です"},
			"next": {"/surveys/community-building-2023"}})
		resp.Body.Close()
		cookie := resp.Header.Get("Set-Cookie")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/surveys/community-building-2023" ||
			!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
			t.Fatalf("sign-in: %d to %q, cookie %q", resp.StatusCode, resp.Header.Get("Location"), cookie)
		}
		for _, p := range staffPaths {
			resp, _ := staff.Get(ts.URL + p)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("staff GET %s: %d", p, resp.StatusCode)
			}
			if p == "/surveys/community-building-2023/responses" && !strings.Contains(string(body), "秘密町") {
				t.Errorf("staff do not see the personal field on %s", p)
			}
		}
		// A cross-site form post is refused before it reaches the handler.
		req, _ = http.NewRequest("POST", ts.URL+"/logout", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, _ = staff.Do(req)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST /logout: %d, want 403", resp.StatusCode)
		}
		resp, _ = staff.PostForm(ts.URL+"/logout", nil)
		resp.Body.Close()
		resp, _ = staff.Get(ts.URL + "/surveys")
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("after sign-out: %d, want 401", resp.StatusCode)
		}
	})
}

func TestHealthz(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		resp, err := http.Get(ts.URL + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", resp, err)
		}
		resp.Body.Close()
		db.Close()
		resp, _ = http.Get(ts.URL + "/healthz")
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("healthz with the database closed: %d, want 503", resp.StatusCode)
		}
	})
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// testLogWriter sends koe's log to the test's log, shown when a test fails.
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func decodeJSON(resp *http.Response, v any) {
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(v)
}

func TestSecurityHeaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		for _, p := range []string{"/s/network-2020-3", "/login", "/surveys"} {
			resp, err := http.Get(ts.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Request-Id") == "" {
				t.Errorf("%s: headers %v", p, h)
			}
		}
	})
}

// mustHandler is the app's web handler; a broken template or route fails the test.
func mustHandler(t testing.TB, a *app) http.Handler {
	t.Helper()
	site, err := a.web()
	if err != nil {
		t.Fatal(err)
	}
	h, err := site.Handler()
	if err != nil {
		t.Fatal(err)
	}
	// Registered before the HTTP server's Close, so run after it: no
	// dashboard is built, and logged to the test, once the test is over.
	t.Cleanup(site.StopBuilds)
	return h
}
