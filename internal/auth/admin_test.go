package auth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/web"
)

const adminEmail = "admin@example.jp"

// adminServer serves sign-in, /admin/users and a staff page, /me.
func adminServer(t *testing.T, st *auth.Store) *httptest.Server {
	t.Helper()
	me := web.Route{Method: "GET", Pattern: "/me", Level: web.Staff, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, web.UserEmail(r.Context()))
	})}
	srv := httptest.NewServer(webApp(t, st, false, me))
	t.Cleanup(srv.Close)
	return srv
}

// browser signs in with its own cookie jar.
func browser(t *testing.T, srv *httptest.Server, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in %s: %d", email, resp.StatusCode)
	}
	return c
}

func send(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func addUser(t *testing.T, st *auth.Store, email, role string) {
	t.Helper()
	if _, err := st.AddUser(context.Background(), email, testPassword, role); err != nil {
		t.Fatal(err)
	}
}

// An admin resetting a staff member's password signs that account out of
// every browser it was signed in on; other accounts stay signed in.
func TestPasswordResetEndsEverySession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := auth.NewStore(db)
		addUser(t, st, adminEmail, auth.RoleAdmin)
		addUser(t, st, testEmail, auth.RoleStaff)
		srv := adminServer(t, st)
		admin := browser(t, srv, adminEmail, testPassword)
		office, phone := browser(t, srv, testEmail, testPassword), browser(t, srv, testEmail, testPassword)

		const newPassword = "新しいパスワードに変えました"
		if code, page := send(t, admin, "POST", srv.URL+"/admin/users",
			url.Values{"email": {testEmail}, "role": {auth.RoleStaff}, "password": {newPassword}}); code != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", code, page)
		}
		for name, c := range map[string]*http.Client{"office": office, "phone": phone} {
			if code, _ := send(t, c, "GET", srv.URL+"/me", nil); code != http.StatusUnauthorized {
				t.Errorf("%s session after the reset: %d, want 401", name, code)
			}
		}
		if code, body := send(t, admin, "GET", srv.URL+"/me", nil); code != http.StatusOK || body != adminEmail {
			t.Errorf("the admin's own session: %d %q", code, body)
		}
		if code, body := send(t, browser(t, srv, testEmail, newPassword), "GET", srv.URL+"/me", nil); code != http.StatusOK || body != testEmail {
			t.Errorf("sign-in with the new password: %d %q", code, body)
		}
	})
}

// The only admin can neither demote nor delete itself, on the page or in the
// store; once there is another admin it can.
func TestOnlyAdminStaysAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := auth.NewStore(db)
		addUser(t, st, adminEmail, auth.RoleAdmin)
		srv := adminServer(t, st)
		admin := browser(t, srv, adminEmail, testPassword)

		code, page := send(t, admin, "POST", srv.URL+"/admin/users",
			url.Values{"email": {adminEmail}, "role": {auth.RoleStaff}, "password": {testPassword}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "管理者はこのアカウントだけです") {
			t.Errorf("the only admin demotes itself: %d, want 422 with a reason", code)
		}
		if !st.IsAdmin(ctx, adminEmail) {
			t.Fatal("the only admin was demoted")
		}
		if code, _ := send(t, admin, "GET", srv.URL+"/me", nil); code != http.StatusOK {
			t.Errorf("a refused change ended the admin's session: %d", code)
		}
		code, page = send(t, admin, "POST", srv.URL+"/admin/users", url.Values{"email": {"not an address"}, "role": {auth.RoleStaff}, "password": {testPassword}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "メールアドレスの形ではありません") || strings.Contains(page, "--email") {
			t.Errorf("a mistyped address on the page: %d, want 422 in Japanese, not the command line's message", code)
		}
		users, _ := st.Users(ctx)
		if err := st.RemoveUser(ctx, users[0].ID); !errors.Is(err, auth.ErrLastAdmin) {
			t.Errorf("deleting the only admin: %v, want auth.ErrLastAdmin", err)
		}

		addUser(t, st, "second@example.jp", auth.RoleAdmin)
		if _, err := st.AddUser(ctx, adminEmail, testPassword, auth.RoleStaff); err != nil {
			t.Errorf("demoting one of two admins: %v", err)
		}
	})
}

// Two admins demoting each other at the same moment leave one admin.
func TestTwoAdminsDemotingEachOtherLeaveOne(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db1, db2 := twoProcesses(t, kind)
			ctx := context.Background()
			for round := range 5 {
				a, b := auth.NewStore(db1), auth.NewStore(db2)
				addUser(t, a, "a@example.jp", auth.RoleAdmin)
				addUser(t, a, "b@example.jp", auth.RoleAdmin)
				var wg sync.WaitGroup
				errs := make([]error, 2)
				wg.Go(func() { _, errs[0] = a.AddUser(ctx, "b@example.jp", testPassword, auth.RoleStaff) })
				wg.Go(func() { _, errs[1] = b.AddUser(ctx, "a@example.jp", testPassword, auth.RoleStaff) })
				wg.Wait()
				refused := 0
				for _, err := range errs {
					if errors.Is(err, auth.ErrLastAdmin) {
						refused++
					} else if err != nil {
						t.Fatal(err)
					}
				}
				if refused != 1 || !(a.IsAdmin(ctx, "a@example.jp") || a.IsAdmin(ctx, "b@example.jp")) {
					t.Fatalf("round %d: %d of 2 demotions refused; an admin left: %v", round, refused, a.IsAdmin(ctx, "a@example.jp") || a.IsAdmin(ctx, "b@example.jp"))
				}
			}
		})
	}
}
