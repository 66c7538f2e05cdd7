package auth

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

		_, err := st.AddUser(context.Background(), incompressible(100_000)+"@example.jp", testPassword, RoleStaff)
		if err == nil || !strings.Contains(err.Error(), "at most 254") {
			t.Errorf("account with a 100 KB e-mail address: %v, want refused as too long", err)
		}
		if _, err := st.AddUser(context.Background(), "a\x00b@example.jp", testPassword, RoleStaff); err == nil || !strings.Contains(err.Error(), "not an e-mail address") {
			t.Errorf("account with a NUL in its e-mail address: %v", err)
		}
	})
}
