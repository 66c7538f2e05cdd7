package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/demo"
	"github.com/koe-project/koe/survey"
)

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

// startKoe runs `koe serve` as a real process and waits until it answers.
func startKoe(t *testing.T, bin, db string) (*exec.Cmd, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", db)
	cmd.Stderr = os.Stderr
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go bufio.NewScanner(stdout).Scan()
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

// Fire a burst of submissions, kill koe with SIGKILL in the middle, restart
// it: every acknowledged submission is stored whole, none half-written.
func TestAcknowledgedSubmissionsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real koe process")
	}
	bin, err := buildKoe()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			meeting := writeFile(t, "meeting.yaml", demo.File("meeting-feedback.yaml"))
			if out, err := exec.Command(bin, "survey", "apply", "--db", dbURL, "-f", meeting).CombinedOutput(); err != nil {
				t.Fatalf("apply: %v %s", err, out)
			}
			cmd, url := startKoe(t, bin, dbURL)
			var mu sync.Mutex
			acked := map[string]string{} // idempotency key -> id
			var wg sync.WaitGroup
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for w := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					client := &http.Client{Timeout: 5 * time.Second}
					for i := 0; ctx.Err() == nil && i < 2000; i++ {
						key := fmt.Sprintf("crash-%d-%d", w, i)
						req, _ := http.NewRequestWithContext(ctx, "POST", url+meetingAPI, strings.NewReader(validAnswer))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Idempotency-Key", key)
						resp, err := client.Do(req)
						if err != nil {
							return // koe is gone
						}
						var body struct{ ID string }
						decodeJSON(resp, &body)
						if resp.StatusCode == http.StatusCreated {
							mu.Lock()
							acked[key] = body.ID
							mu.Unlock()
						}
					}
				}()
			}
			for { // kill once a good number of submissions were acknowledged
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 150 || ctx.Err() != nil {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			wg.Wait()
			if len(acked) < 100 {
				t.Fatalf("only %d submissions acknowledged before the kill", len(acked))
			}
			cmd2, _ := startKoe(t, bin, dbURL) // restarts cleanly on what was left
			defer func() { cmd2.Process.Kill(); cmd2.Wait() }()

			db, err := database.Open(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			st := survey.NewStore(db, nil)
			s, err := st.SurveyBySlug(context.Background(), "network-2020-3")
			if err != nil {
				t.Fatal(err)
			}
			stored, err := st.ResponsesOf(context.Background(), s, true)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]survey.StoredResponse{}
			for _, r := range stored {
				byID[r.ID] = r
				// Whole: the valid answer has 6 answered questions (useful counts once).
				if len(r.Answers) != 6 {
					t.Errorf("response %s is half-written: %v", r.ID, r.Answers)
				}
			}
			for key, id := range acked {
				if _, ok := byID[id]; !ok {
					t.Errorf("acknowledged %s (%s) was lost", key, id)
				}
			}
			var terms int
			if err := db.NewRaw("SELECT count(DISTINCT answer_id) FROM answer_terms").Scan(context.Background(), &terms); err != nil {
				t.Fatal(err)
			}
			if terms != len(stored) { // one analysed comment per response
				t.Errorf("%d responses but %d analysed answers", len(stored), terms)
			}
			t.Logf("%s: %d acknowledged before SIGKILL, %d stored, all whole", kind, len(acked), len(stored))
		})
	}
}
