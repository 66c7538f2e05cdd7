package auth_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/dbtest"
)

// incompressible returns n characters PostgreSQL cannot compress into an index row.
func incompressible(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

func postLogin(t *testing.T, base string, v url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := http.PostForm(base+"/login", v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp, string(page)
}

// What no account can have (a NUL byte, invalid UTF-8, an e-mail address
// longer than any index row PostgreSQL keeps) is refused with a message,
// not a server error, on both databases; nothing is stored.
func TestSignInRefusesUnstorableEmails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		c := &clock{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
		st := newThrottledStore(t, db, c)
		srv := loginServer(t, st, false)
		for _, tc := range []struct{ name, email, want string }{
			{"NUL", testEmail + "\x00", "使えない文字"},
			{"invalid UTF-8", "staff\xff@example.jp", "使えない文字"},
			{"12,000 characters", incompressible(12000) + "@example.jp", "長すぎます（254文字まで）"},
		} {
			resp, page := postLogin(t, srv.URL, url.Values{"email": {tc.email}, "password": {testPassword}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) {
				t.Errorf("%s e-mail: %d, want 422 saying %q", tc.name, resp.StatusCode, tc.want)
			}
		}
		if n := storedFailures(t, db); n != 0 {
			t.Errorf("%d failures stored for addresses no account can have", n)
		}

		_, err := st.AddUser(context.Background(), incompressible(100_000)+"@example.jp", testPassword, auth.RoleStaff)
		if err == nil || !strings.Contains(err.Error(), "at most 254") {
			t.Errorf("account with a 100 KB e-mail address: %v, want refused as too long", err)
		}
		if _, err := st.AddUser(context.Background(), "a\x00b@example.jp", testPassword, auth.RoleStaff); err == nil || !strings.Contains(err.Error(), "not an e-mail address") {
			t.Errorf("account with a NUL in its e-mail address: %v", err)
		}
	})
}

// After signing in, a browser goes only where next names a clean path on
// this site: nothing a browser would read as another host, after dropping
// tabs and newlines or reading a backslash or an encoded slash as a slash.
func TestSignInRedirectsOnlyWithinTheSite(t *testing.T) {
	db := dbtest.Open(t, dbtest.Kinds[0])
	st := newThrottledStore(t, db, &clock{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)})
	st.Throttle = auth.Throttle{}
	srv := loginServer(t, st, false)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for next, want := range map[string]string{
		"/surveys/abc/edit?tab=1":     "/surveys/abc/edit?tab=1",
		"/surveys?next=//evil":        "/surveys?next=//evil",
		"":                            "/surveys",
		"https://evil.example/":       "/surveys",
		"//evil.example":              "/surveys",
		"/\\evil.example":             "/surveys",
		"\\\\evil.example":            "/surveys",
		"/%09/evil.example":           "/surveys",
		"/\t/evil.example":            "/surveys",
		"/%0a/evil.example":           "/surveys",
		"/%2F/evil.example":           "/surveys",
		"/%2fevil.example":            "/surveys",
		"/%5C/evil.example":           "/surveys",
		"/ok\r\nSet-Cookie: x=1":      "/surveys",
		"javascript:alert(1)":         "/surveys",
		"/surveys/%E8%AA%BF%E6%9F%BB": "/surveys/%E8%AA%BF%E6%9F%BB",
		"surveys":                     "/surveys",
	} {
		resp, err := client.PostForm(srv.URL+"/login", url.Values{"email": {testEmail}, "password": {testPassword}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("next %q: %d to %q, want 303 to %q", next, resp.StatusCode, got, want)
		}
	}
}
