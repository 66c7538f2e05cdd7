package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/ratelimit"
	"github.com/koe-project/koe/survey/examples"
)

// newTestServerWith is newTestServer with the app configured before its handler is built.
func newTestServerWith(t testing.TB, db *bun.DB, configure func(*app)) *testServer {
	t.Helper()
	texts, err := openAnalysis(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	a := newApp(db, slog.New(slog.NewTextHandler(testLogWriter{t}, nil)), texts)
	configure(a)
	srv := httptest.NewServer(mustHandler(t, a))
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, app: a, t: t}
}

func post(t testing.TB, c *http.Client, u, contentType, body string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// Hundreds of people behind one municipal NAT answer at once (300 from one
// address pass), but a flood from that address is refused with 429 and
// Retry-After on the JSON API and the form alike, per survey. A forged
// X-Forwarded-For does not get around it when no proxy is trusted.
func TestSubmissionRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		// The production limit on a stopped clock: nothing refills during the test.
		ts := newTestServerWith(t, db, func(a *app) {
			a.submitLimit = ratelimit.New(600, 300)
			stopped := time.Now()
			a.submitLimit.SetClock(func() time.Time { return stopped })
		})
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		ts.apply(string(examples.File("practice-survey.yaml")))
		c := formClient()
		// Incomplete answers (422) are cheap to send and count like any submission.
		n := 0
		var limited *http.Response
		for ; n < 1000; n++ {
			resp := post(t, c, ts.URL+meetingAPI, "application/json", `{"answers":{}}`, nil)
			if resp.StatusCode == http.StatusTooManyRequests {
				limited = resp
				break
			}
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("submission %d: %d", n, resp.StatusCode)
			}
		}
		if limited == nil || n != 300 {
			t.Fatalf("refused after %d submissions, want after the burst of 300", n)
		}
		if s, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || s != 1 { // 10 tokens a second
			t.Errorf("429 Retry-After %q", limited.Header.Get("Retry-After"))
		}
		if resp := post(t, c, ts.URL+meetingAPI, "application/json", validAnswer, nil); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("valid answer during the flood: %d, want 429", resp.StatusCode)
		}
		form := url.Values{"q.role": {"県"}, "q.satisfaction": {"3"}}.Encode()
		resp := post(t, c, ts.URL+"/s/network-2020-3", "application/x-www-form-urlencoded", form, nil)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("form post during the flood: %d Retry-After %q, want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		resp = post(t, c, ts.URL+meetingAPI, "application/json", validAnswer, map[string]string{"X-Forwarded-For": "203.0.113.9"})
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("forged X-Forwarded-For: %d, want 429 (the header is not trusted)", resp.StatusCode)
		}
		if got := ts.count("network-2020-3"); got != 0 {
			t.Errorf("refused submissions stored %d responses", got)
		}
		// Another survey from the same address is not affected.
		resp = post(t, c, ts.URL+"/api/v1/surveys/community-building-2023/responses", "application/json",
			`{"answers":{}}`, nil)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("another survey: %d, want 422 (answered, not limited)", resp.StatusCode)
		}
	})
}

// Behind a trusted proxy each forwarded address has its own allowance.
func TestSubmissionRateLimitBehindTrustedProxy(t *testing.T) {
	db := dbtest.Open(t, database.SQLite)
	ts := newTestServerWith(t, db, func(a *app) {
		a.trustProxy = true
		a.submitLimit = ratelimit.New(600, 300)
		stopped := time.Now()
		a.submitLimit.SetClock(func() time.Time { return stopped })
	})
	ts.apply(string(examples.File("meeting-feedback.yaml")))
	c := formClient()
	for range 300 {
		post(t, c, ts.URL+meetingAPI, "application/json", `{"answers":{}}`, map[string]string{"X-Forwarded-For": "198.51.100.1"})
	}
	if resp := post(t, c, ts.URL+meetingAPI, "application/json", `{"answers":{}}`, map[string]string{"X-Forwarded-For": "198.51.100.1"}); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("flooding address: %d, want 429", resp.StatusCode)
	}
	if resp := post(t, c, ts.URL+meetingAPI, "application/json", validAnswer, map[string]string{"X-Forwarded-For": "198.51.100.2"}); resp.StatusCode != http.StatusCreated {
		t.Errorf("another client behind the proxy: %d, want 201", resp.StatusCode)
	}
}

// An anonymous survey keeps no trace of who answered: after submissions by
// form and API, no row of any table holds the client's address or user agent.
func TestAnonymousSurveyStoresNoAddressOrUserAgent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServerWith(t, db, func(a *app) { a.trustProxy = true })
		if s := ts.apply(string(examples.File("meeting-feedback.yaml"))); !s.Anonymous {
			t.Fatal("the meeting questionnaire is not anonymous")
		}
		const addr, ua = "198.51.100.77", "KoeProbe/7f3a9c (privacy test)"
		header := map[string]string{"X-Forwarded-For": addr, "User-Agent": ua, "X-Real-Ip": addr}
		c := formClient()
		if resp := post(t, c, ts.URL+meetingAPI, "application/json", validAnswer, header); resp.StatusCode != http.StatusCreated {
			t.Fatalf("api: %d", resp.StatusCode)
		}
		form := url.Values{"_token": {"tok-privacy"}, "q.role": {"県"}, "q.satisfaction": {"3"}, "q.comments": {"とても良かった"}}.Encode()
		if resp := post(t, c, ts.URL+"/s/network-2020-3", "application/x-www-form-urlencoded", form, header); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("form: %d", resp.StatusCode)
		}
		if n := ts.count("network-2020-3"); n != 2 {
			t.Fatalf("%d responses stored, want 2", n)
		}
		tables := tableNames(t, db)
		for _, table := range tables {
			for _, cell := range allCells(t, db, table) {
				if strings.Contains(cell, addr) || strings.Contains(cell, "KoeProbe") {
					t.Errorf("table %s stores %q", table, cell)
				}
			}
		}
		t.Logf("scanned %d tables", len(tables))
	})
}

func tableNames(t *testing.T, db *bun.DB) []string {
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if database.KindOf(db) == database.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
	}
	var names []string
	if err := db.NewRaw(q).Scan(context.Background(), &names); err != nil {
		t.Fatal(err)
	}
	return names
}

func allCells(t *testing.T, db *bun.DB, table string) []string {
	rows, err := db.DB.Query("SELECT * FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			out = append(out, v.String)
		}
	}
	return out
}

// Staff delete one response for a respondent who asks: after a confirmation
// page, the response, its answers and the terms analysis made of them are gone,
// and nothing else is touched. Anonymous and cross-site requests are refused.
func TestStaffDeleteOneResponse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		_, first := ts.postJSON(meetingAPI, "del-1", validAnswer)
		_, second := ts.postJSON(meetingAPI, "del-2", strings.Replace(validAnswer, "行政担当者が異動", "社協の担当者が異動", 1))
		id, keep := first["id"].(string), second["id"].(string)
		if id == "" || keep == "" {
			t.Fatalf("submissions: %v %v", first, second)
		}
		ctx := context.Background()
		counts := func(response string) (answers, terms int) {
			t.Helper()
			if err := db.NewRaw("SELECT count(*) FROM answers WHERE response_id = ?", response).Scan(ctx, &answers); err != nil {
				t.Fatal(err)
			}
			if err := db.NewRaw("SELECT count(*) FROM answer_term_lists WHERE answer_id IN (SELECT id FROM answers WHERE response_id = ?)", response).Scan(ctx, &terms); err != nil {
				t.Fatal(err)
			}
			return
		}
		var answerIDs []int64
		if err := db.NewRaw("SELECT id FROM answers WHERE response_id = ?", id).Scan(ctx, &answerIDs); err != nil {
			t.Fatal(err)
		}
		if a, terms := counts(id); a == 0 || terms == 0 {
			t.Fatalf("before: %d answers, %d terms; the test needs both", a, terms)
		}
		termCount := func(term string) (docs int) {
			t.Helper()
			db.NewRaw("SELECT coalesce(sum(docs), 0) FROM term_counts WHERE term = ?", term).Scan(ctx, &docs)
			return
		}
		if termCount("行政") != 1 || termCount("異動") != 2 {
			t.Fatalf("term totals before: 行政 in %d answers, 異動 in %d; want 1 and 2", termCount("行政"), termCount("異動"))
		}
		path := "/surveys/network-2020-3/responses/" + id + "/delete"

		anon := formClient()
		for _, method := range []string{"GET", "POST"} {
			req, _ := http.NewRequest(method, ts.URL+path, nil)
			resp, _ := anon.Do(req)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("anonymous %s: %d, want 401", method, resp.StatusCode)
			}
		}
		if _, err := ts.app.users.AddUser(ctx, "staff@example.jp", "長いパスワード二十四文字以上でも大丈夫です", "staff"); err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		staff := formClient()
		staff.Jar = jar
		resp, _ := staff.PostForm(ts.URL+"/login", url.Values{"email": {"staff@example.jp"}, "password": {"長いパスワード二十四文字以上でも大丈夫です"}})
		resp.Body.Close()

		resp, _ = staff.Get(ts.URL + "/surveys/network-2020-3/responses")
		list, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(list), path) {
			t.Errorf("the responses table has no delete link for %s", id)
		}
		resp, _ = staff.Get(ts.URL + path)
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), `method="post"`) || !strings.Contains(string(page), "行政担当者が異動") {
			t.Fatalf("confirmation page: %d\n%s", resp.StatusCode, page)
		}
		if a, _ := counts(id); a == 0 {
			t.Fatal("the confirmation page deleted something")
		}
		req, _ := http.NewRequest("POST", ts.URL+path, nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, _ = staff.Do(req)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site delete: %d, want 403", resp.StatusCode)
		}
		resp, _ = staff.PostForm(ts.URL+path, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d, want 303", resp.StatusCode)
		}
		var responses, leftTerms int
		db.NewRaw("SELECT count(*) FROM responses WHERE id = ?", id).Scan(ctx, &responses)
		db.NewRaw("SELECT count(*) FROM answer_term_lists WHERE answer_id IN (?)", bun.List(answerIDs)).Scan(ctx, &leftTerms)
		if a, _ := counts(id); responses != 0 || a != 0 || leftTerms != 0 {
			t.Errorf("after delete: %d responses, %d answers, %d term lists remain", responses, a, leftTerms)
		}
		if a, terms := counts(keep); a == 0 || terms == 0 {
			t.Errorf("the other response lost its answers (%d) or terms (%d)", a, terms)
		}
		if termCount("行政") != 0 || termCount("異動") != 1 {
			t.Errorf("term totals after: 行政 in %d answers, 異動 in %d; want 0 and 1", termCount("行政"), termCount("異動"))
		}
		resp, _ = staff.PostForm(ts.URL+path, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleting again: %d, want 404", resp.StatusCode)
		}
		resp, _ = staff.PostForm(ts.URL+"/surveys/other-survey/responses/"+keep+"/delete", nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || ts.count("network-2020-3") != 1 {
			t.Errorf("delete under another survey's slug: %d, %d left", resp.StatusCode, ts.count("network-2020-3"))
		}
	})
}

// Found by FuzzValidateJSON: an その他 answer with a NUL or invalid UTF-8 was
// accepted, then refused by PostgreSQL (500). It is a 422 now, on both databases.
func TestOtherAnswerWithUnstorableCharactersIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		code, out := ts.postJSON(meetingAPI, "", `{"answers":{"role":"大学\u0000","satisfaction":4}}`)
		if code != http.StatusUnprocessableEntity {
			t.Errorf("NUL in その他: %d %v, want 422", code, out)
		}
		form := "q.role=%E5%A4%A7%E5%AD%A6%FF&q.satisfaction=4"
		if resp := post(t, formClient(), ts.URL+"/s/network-2020-3", "application/x-www-form-urlencoded", form, nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("invalid UTF-8 in その他 (form): %d, want 422", resp.StatusCode)
		}
		if n := ts.count("network-2020-3"); n != 0 {
			t.Errorf("%d responses stored", n)
		}
	})
}
