package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// Tests of koe as a real process (crash, shutdown, several processes, load)
// share these helpers.

// buildKoe compiles the koe binary once per test binary run.
var buildKoe = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "koe-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "koe")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// builtKoe returns the koe binary, skipping under -short.
func builtKoe(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real koe processes")
	}
	bin, err := buildKoe()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// meetingDatabase creates a fresh database of the given kind with the meeting
// questionnaire applied through the CLI, and returns its URL.
func meetingDatabase(t *testing.T, bin string, kind database.Kind) string {
	t.Helper()
	dbURL := dbtest.URL(t, kind)
	meeting := writeFile(t, "meeting.yaml", examples.File("meeting-feedback.yaml"))
	ctx := dbtest.Context(t)
	if out, err := exec.CommandContext(ctx, bin, "survey", "apply", "--db", dbURL, "-f", meeting).CombinedOutput(); err != nil {
		t.Fatalf("koe survey apply: %v (deadline: %v) %s", err, ctx.Err(), out)
	}
	return dbURL
}

// startKoe runs `koe serve` (with extra flags) and waits until it answers.
func startKoe(t *testing.T, bin, db string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--db", db}, extra...)...)
	stderr, _ := cmd.StderrPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stdout)
	go func() { // koe logs a line per request: keep only the warnings and errors
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if l := sc.Text(); !strings.Contains(l, "level=INFO") {
				fmt.Fprintln(os.Stderr, l)
			}
		}
	}()
	url := "http://" + addr
	for range 200 {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, url
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("koe did not start")
	return nil, ""
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// storedResponses counts the responses in a database koe processes wrote to.
func storedResponses(t *testing.T, dbURL string) int {
	t.Helper()
	db, err := database.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.NewRaw("SELECT count(*) FROM responses").Scan(dbtest.Context(t), &n); err != nil {
		t.Fatal(err)
	}
	return n
}
