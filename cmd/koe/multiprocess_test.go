package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/survey/examples"
)

// Two `koe serve` processes on one PostgreSQL, as behind a load balancer: the
// same Idempotency-Key sent to both at once stores one response; a staff
// sign-in made on one works on the other (and a sign-out on the other ends
// it); failed sign-ins count across both; a survey changed through the CLI is
// seen by both at once (their survey caches revalidate).
func TestTwoProcessesOnOnePostgres(t *testing.T) {
	bin := builtKoe(t)
	dbURL := meetingDatabase(t, bin, database.Postgres)
	const email, password = "staff@example.jp", "二つのプロセスで使うパスワード"
	add := exec.Command(bin, "user", "add", "--db", dbURL, "--email", email)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	cmdA, a := startKoe(t, bin, dbURL)
	cmdB, b := startKoe(t, bin, dbURL)
	defer func() {
		for _, c := range []*exec.Cmd{cmdA, cmdB} {
			c.Process.Signal(syscall.SIGTERM)
			c.Wait()
		}
	}()

	client := &http.Client{Timeout: 10 * time.Second}
	submit := func(base, key string) (int, string) {
		req, _ := http.NewRequest("POST", base+meetingAPI, strings.NewReader(validAnswer))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		var body struct{ ID string }
		decodeJSON(resp, &body)
		return resp.StatusCode, body.ID
	}
	const keys = 20
	for k := range keys {
		key := fmt.Sprintf("both-%d", k)
		var wg sync.WaitGroup
		codes, ids := make([]int, 2), make([]string, 2)
		for i, base := range []string{a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); codes[i], ids[i] = submit(base, key) }()
		}
		wg.Wait()
		if codes[0]+codes[1] != http.StatusCreated+http.StatusOK || ids[0] != ids[1] || ids[0] == "" {
			t.Errorf("%s to both: %v %v, want one 201 and one 200 with the same id", key, codes, ids)
		}
	}
	n := storedResponses(t, dbURL)
	if n != keys {
		t.Errorf("%d responses stored for %d keys", n, keys)
	}

	// Sign in on A, use the session on B, sign out on B, refused on A.
	noRedirect := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(a+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "koe_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in on A: %d", resp.StatusCode)
	}
	staffGet := func(base string) int {
		req, _ := http.NewRequest("GET", base+"/surveys", nil)
		req.AddCookie(session)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := staffGet(b); code != http.StatusOK {
		t.Errorf("A's session on B: %d, want 200", code)
	}
	req, _ := http.NewRequest("POST", b+"/logout", nil)
	req.AddCookie(session)
	if resp, err := noRedirect.Do(req); err == nil {
		resp.Body.Close()
	}
	if code := staffGet(a); code != http.StatusUnauthorized {
		t.Errorf("on A after signing out on B: %d, want 401", code)
	}

	// Failed sign-ins on A count on B.
	for i := range 5 {
		resp, _ := noRedirect.PostForm(a+"/login", url.Values{"email": {email}, "password": {fmt.Sprint("guess-", i)}})
		resp.Body.Close()
	}
	resp, _ = noRedirect.PostForm(b+"/login", url.Values{"email": {email}, "password": {password}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("right password on B after 5 failures on A: %d, want 429 with Retry-After", resp.StatusCode)
	}

	// Close the survey through the CLI: both processes refuse at once.
	closed := strings.Replace(string(examples.File("meeting-feedback.yaml")), "anonymous: true", "anonymous: true\ncloses_at: 2020-01-01T00:00:00+09:00", 1)
	if out, err := exec.Command(bin, "survey", "apply", "--db", dbURL, "-f", writeFile(t, "closed.yaml", []byte(closed))).CombinedOutput(); err != nil {
		t.Fatalf("apply closed: %v %s", err, out)
	}
	for _, base := range []string{a, b} {
		if code, _ := submit(base, "after-close"); code != http.StatusConflict {
			t.Errorf("%s after closing: %d, want 409", base, code)
		}
	}
}
