package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// koe runs the CLI in-process and returns what it printed. A command that
// is still running at its deadline (dbtest.Context) fails the test, naming it.
func koe(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	ctx := dbtest.Context(t)
	err := run(ctx, e, args)
	if ctx.Err() != nil {
		t.Fatalf("koe %s: not done by its deadline (%v): %v", strings.Join(args, " "), ctx.Err(), err)
	}
	return out.String() + errOut.String(), err
}

func writeFile(t *testing.T, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCLISurveyApplyUserAddExport(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.URL(t, kind)
			meeting := writeFile(t, "meeting.yaml", examples.File("meeting-feedback.yaml"))
			if out, err := koe(t, "", "survey", "apply", "--db", db, "-f", meeting); err != nil || !strings.Contains(out, "created survey network-2020-3") {
				t.Fatalf("apply: %q %v", out, err)
			}
			if out, err := koe(t, "", "survey", "apply", "--db", db, "-f", meeting); err != nil || !strings.Contains(out, "updated") {
				t.Fatalf("re-apply: %q %v", out, err)
			}
			broken := writeFile(t, "broken.yaml", []byte("slug: broken\ntitle: x\nquestions:\n  - key: q\n    type: nosuchtype\n    label: x\n"))
			_, err := koe(t, "", "survey", "apply", "--db", db, "-f", broken)
			if err == nil || !strings.Contains(err.Error(), "broken.yaml:5") || !strings.Contains(err.Error(), "nosuchtype") {
				t.Fatalf("broken definition: %v", err)
			}
			if out, _ := koe(t, "", "survey", "list", "--db", db); !strings.Contains(out, "network-2020-3") || strings.Contains(out, "broken") {
				t.Errorf("list: %q", out)
			}
			if _, err := koe(t, "short\n", "user", "add", "--db", db, "--email", "a@example.jp"); err == nil || !strings.Contains(err.Error(), "at least") {
				t.Errorf("short password accepted: %v", err)
			}
			if out, err := koe(t, "二十四文字を超える日本語のパスワードでも問題なく使えます\n", "user", "add", "--db", db, "--email", "A@example.jp", "--role", "admin"); err != nil || !strings.Contains(out, "created a@example.jp") {
				t.Errorf("user add: %q %v", out, err)
			}
			out, err := koe(t, "", "export", "--db", db, "--survey", "network-2020-3", "--format", "json")
			var exp struct {
				Survey    string            `json:"survey"`
				Responses []json.RawMessage `json:"responses"`
			}
			if err != nil || json.Unmarshal([]byte(out), &exp) != nil || exp.Survey != "network-2020-3" || exp.Responses == nil {
				t.Errorf("export: %q %v", out, err)
			}
			if _, err := koe(t, "", "export", "--db", db, "--survey", "nope"); err == nil || !strings.Contains(err.Error(), "no survey") {
				t.Errorf("export of an unknown survey: %v", err)
			}
		})
	}
}

func TestCLIRefusesBadInvocations(t *testing.T) {
	cases := [][]string{
		{"nosuchcommand"},
		{"survey", "apply"},
		{"survey", "apply", "--db", "mysql://x", "-f", "x.yaml"},
		{"export", "--format", "xml", "--survey", "a"},
	}
	for _, args := range cases {
		if _, err := koe(t, "", args...); err == nil {
			t.Errorf("koe %v succeeded", args)
		}
	}
}

// `koe user add` for an existing address resets the password and signs the
// account out everywhere; it refuses to demote the only admin.
func TestCLIPasswordResetEndsSessionsAndKeepsAnAdmin(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			if _, err := koe(t, editorPassword+"\n", "user", "add", "--db", dbURL, "--email", "boss@example.jp", "--role", "admin"); err != nil {
				t.Fatal(err)
			}
			db, err := database.Open(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ts := newTestServer(t, db)
			signedIn := signInAs(t, ts, "boss@example.jp")

			out, err := koe(t, "取り替えた新しいパスワードです\n", "user", "add", "--db", dbURL, "--email", "boss@example.jp", "--role", "admin")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "password updated for boss@example.jp (admin); its sessions are ended") {
				t.Errorf("reset says %q", out)
			}
			if resp, _ := get(t, signedIn, ts.URL+"/surveys"); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("old session after the reset: %d, want 401", resp.StatusCode)
			}

			_, err = koe(t, editorPassword+"\n", "user", "add", "--db", dbURL, "--email", "boss@example.jp", "--role", "staff")
			if err == nil || !strings.Contains(err.Error(), "only admin") {
				t.Errorf("demoting the only admin: %v, want refused", err)
			}
			if !ts.app.users.IsAdmin(context.Background(), "boss@example.jp") {
				t.Error("the only admin was demoted")
			}
		})
	}
}
