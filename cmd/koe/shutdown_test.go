package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/koe-project/koe/internal/dbtest"
)

// SIGTERM while submissions are in flight: koe stops accepting connections,
// lets the requests it has finish (201, stored), closes the database and exits 0.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	bin := builtKoe(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := meetingDatabase(t, bin, kind)
			cmd, base := startKoe(t, bin, dbURL)
			defer cmd.Process.Kill()
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
			const inFlight = 5
			half := len(validAnswer) / 2
			writers := make([]*io.PipeWriter, inFlight)
			results := make(chan int, inFlight)
			for i := range inFlight {
				pr, pw := io.Pipe()
				writers[i] = pw
				req, _ := http.NewRequest("POST", base+meetingAPI, pr)
				req.Header.Set("Content-Type", "application/json")
				go func() {
					resp, err := client.Do(req)
					if err != nil {
						t.Errorf("in-flight request: %v", err)
						results <- 0
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					results <- resp.StatusCode
				}()
				// Returns once the client has connected and sent the headers and half the body.
				if _, err := pw.Write([]byte(validAnswer[:half])); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(500 * time.Millisecond) // koe has accepted them and its handlers are reading the bodies
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			// Shutdown closes the listener first: new connections are refused.
			refused := false
			for range 50 {
				if c, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 200*time.Millisecond); err != nil {
					refused = true
					break
				} else {
					c.Close()
				}
				time.Sleep(20 * time.Millisecond)
			}
			if !refused {
				t.Error("koe still accepts connections after SIGTERM")
			}
			for _, pw := range writers { // the rest of each body, after the signal
				pw.Write([]byte(validAnswer[half:]))
				pw.Close()
			}
			for range inFlight {
				if code := <-results; code != http.StatusCreated {
					t.Errorf("in-flight request answered %d, want 201", code)
				}
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("koe exited with %v, want status 0", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("koe did not exit after SIGTERM")
			}
			n := storedResponses(t, dbURL)
			if n != inFlight {
				t.Errorf("%d responses stored, want %d", n, inFlight)
			}
		})
	}
}
