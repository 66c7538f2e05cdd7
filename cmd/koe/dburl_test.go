package main

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

const dbPassword = "sekret-pw-7731"

// A database password given with --db or KOE_DB is printed nowhere: not when
// the URL is mistyped, cannot be parsed or the database cannot be reached,
// not in --help (which shows KOE_DB as the default).
func TestCommandsNeverPrintTheDatabasePassword(t *testing.T) {
	for _, dbURL := range []string{
		"postgres://koe:" + dbPassword + "@127.0.0.1:1/koe",                     // unreachable
		"postgres://koe@127.0.0.1:1/koe?sslmode=disable&password=" + dbPassword, // password as a parameter
		"postgres://koe:" + dbPassword + "%zz@127.0.0.1/koe",                    // not a URL: a bad escape
		"postgres://koe:" + dbPassword + " x@127.0.0.1/koe",                     // not a URL: a space
		"postgre://koe:" + dbPassword + "@127.0.0.1/koe",                        // a mistyped scheme
		"host=127.0.0.1 password=" + dbPassword,                                 // not a URL at all
	} {
		for _, args := range [][]string{{"migrate", "--db", dbURL}, {"survey", "list", "--db", dbURL}} {
			out, err := koe(t, "", args...)
			if err == nil {
				t.Errorf("koe %s with %s succeeded", args[0], dbURL)
				continue
			}
			if strings.Contains(out+err.Error(), dbPassword) {
				t.Errorf("koe %s --db %s printed the password: %s %v", args[0], dbURL, out, err)
			}
		}
	}
	var out bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(k string) string {
		if k == "KOE_DB" {
			return "postgres://koe:" + dbPassword + "@db.example.jp/koe"
		}
		return ""
	}}
	run(dbtest.Context(t), e, []string{"serve", "--help"})
	if !strings.Contains(out.String(), "postgres://koe:xxxxx@db.example.jp/koe") || strings.Contains(out.String(), dbPassword) {
		t.Errorf("serve --help with KOE_DB:\n%s", out.String())
	}
}

// A running koe prints the database it serves with the password hidden, and
// neither its log nor its profiles' command line (pprof) hold the password.
func TestServerNeverShowsTheDatabasePassword(t *testing.T) {
	bin := builtKoe(t)
	// The test server trusts local connections, so any password is accepted.
	dbURL := strings.Replace(dbtest.URL(t, database.Postgres), "postgres@", "postgres:"+dbPassword+"@", 1)
	addr, pprofAddr := freeAddr(t), freeAddr(t)
	var output bytes.Buffer
	cmd := exec.Command(bin, "serve", "--addr", addr, "--pprof", pprofAddr, "--db", dbURL)
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	fetch := func(u string) string {
		for range 200 {
			if resp, err := http.Get(u); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return string(b)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s did not answer", u)
		return ""
	}
	fetch("http://" + addr + "/healthz")
	fetch("http://" + addr + "/surveys")
	cmdline := fetch("http://" + pprofAddr + "/debug/pprof/cmdline")
	if !strings.Contains(cmdline, "postgres:xxxxx@") || strings.Contains(cmdline, dbPassword) {
		t.Errorf("pprof's command line: %q", cmdline)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if printed := output.String(); !strings.Contains(printed, "(database postgres://postgres:xxxxx@") || strings.Contains(printed, dbPassword) {
		t.Errorf("koe serve printed:\n%s", printed)
	}
}
