package auth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/web"
)

const (
	testEmail    = "staff@example.jp"
	testPassword = "正しいパスワードは十二文字以上"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func loginServer(t *testing.T, st *auth.Store, trustProxy bool) *httptest.Server {
	srv := httptest.NewServer(webApp(t, st, trustProxy))
	t.Cleanup(srv.Close)
	return srv
}

func login(t *testing.T, srv *httptest.Server, email, password string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func newThrottledStore(t *testing.T, db *bun.DB, c *clock) *auth.Store {
	st := auth.NewStore(db)
	auth.SetClock(st, c.Now)
	if _, err := st.AddUser(context.Background(), testEmail, testPassword, auth.RoleStaff); err != nil {
		t.Fatal(err)
	}
	return st
}

// Password guessing on one account: after 5 failures even the right password
// is refused (429 with Retry-After) until the window has passed, and another
// koe process on the same database refuses it too.
func TestLoginThrottlePerAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		c := &clock{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
		st := newThrottledStore(t, db, c)
		srv := loginServer(t, st, false)
		for i := range auth.DefaultThrottle.PerAccount {
			if resp := login(t, srv, testEmail, "guess"+strconv.Itoa(i), nil); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d, want 401", i, resp.StatusCode)
			}
			c.Add(time.Second)
		}
		resp := login(t, srv, testEmail, testPassword, nil)
		retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != http.StatusTooManyRequests || retry < 800 || retry > 900 || resp.Header.Get("Set-Cookie") != "" {
			t.Fatalf("right password after 5 failures: %d, Retry-After %q, cookie %q; want 429, about 15 minutes, none",
				resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Set-Cookie"))
		}
		// A second process sharing the database sees the same failures.
		other := auth.NewStore(db)
		auth.SetClock(other, c.Now)
		var throttled *auth.ThrottledError
		if _, err := other.SignInFrom(context.Background(), testEmail, testPassword, "192.0.2.99"); !errors.As(err, &throttled) {
			t.Fatalf("another process signs in: %v", err)
		}
		c.Add(14 * time.Minute)
		if resp := login(t, srv, testEmail, testPassword, nil); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("inside the window: %d, want 429", resp.StatusCode)
		}
		c.Add(time.Minute)
		if resp := login(t, srv, testEmail, testPassword, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after the window: %d, want 303", resp.StatusCode)
		}
		// Success forgot the account's failures: one slip does not lock it again.
		login(t, srv, testEmail, "slip", nil)
		if resp := login(t, srv, testEmail, testPassword, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after one slip: %d, want 303", resp.StatusCode)
		}
	})
}

// Guessing across many accounts from one address is stopped per address;
// a forged X-Forwarded-For does not help when no proxy is trusted.
func TestLoginThrottlePerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		c := &clock{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
		st := newThrottledStore(t, db, c)
		st.Throttle.PerAddress = 8
		srv := loginServer(t, st, false)
		for i := range 8 {
			if resp := login(t, srv, "user"+strconv.Itoa(i)+"@example.jp", "guess", nil); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d, want 401", i, resp.StatusCode)
			}
		}
		resp := login(t, srv, testEmail, testPassword, map[string]string{"X-Forwarded-For": "203.0.113.5"})
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("9th attempt from the address, forged X-Forwarded-For: %d, want 429 with Retry-After", resp.StatusCode)
		}
		// Behind a trusted proxy, the forwarded address is the client's: another address is not limited.
		proxied := loginServer(t, st, true)
		resp = login(t, proxied, testEmail, testPassword, map[string]string{"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("another client behind a trusted proxy: %d, want 303", resp.StatusCode)
		}
		if cookie := resp.Header.Get("Set-Cookie"); !strings.Contains(cookie, "Secure") || !strings.Contains(cookie, "HttpOnly") {
			t.Errorf("cookie behind an HTTPS proxy is not Secure: %q", cookie)
		}
	})
}

func TestCookieNotSecureOverPlainHTTPOrUntrustedProto(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		c := &clock{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
		st := newThrottledStore(t, db, c)
		resp := login(t, loginServer(t, st, false), testEmail, testPassword, map[string]string{"X-Forwarded-Proto": "https"})
		if resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Set-Cookie"), "Secure") {
			t.Errorf("untrusted X-Forwarded-Proto made the cookie Secure: %d %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
		}
		tls := httptest.NewTLSServer(webApp(t, st, false))
		defer tls.Close()
		req, _ := http.NewRequest("POST", tls.URL+"/login", strings.NewReader(url.Values{"email": {testEmail}, "password": {testPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		client := tls.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !strings.Contains(resp.Header.Get("Set-Cookie"), "Secure") {
			t.Errorf("cookie over HTTPS is not Secure: %q", resp.Header.Get("Set-Cookie"))
		}
	})
}

// webApp is koe's web app with the sign-in pages of st (and extra routes of
// a test's own); it has no surveys.
func webApp(t testing.TB, st *auth.Store, trustProxy bool, extra ...web.Route) http.Handler {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.New(web.Config{Accounts: st, Log: log, TrustProxy: trustProxy})
	if err != nil {
		t.Fatal(err)
	}
	h, err := srv.HandlerOf(append(srv.Routes(), extra...))
	if err != nil {
		t.Fatal(err)
	}
	return h
}
