package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// Fire a burst of submissions, kill koe with SIGKILL in the middle, restart
// it: every acknowledged submission is stored whole, none half-written.
func TestAcknowledgedSubmissionsSurviveSIGKILL(t *testing.T) {
	bin := builtKoe(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := meetingDatabase(t, bin, kind)
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
			st := store.New(db, nil)
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
			if err := db.NewRaw("SELECT count(*) FROM answer_term_lists").Scan(context.Background(), &terms); err != nil {
				t.Fatal(err)
			}
			if terms != len(stored) { // one analysed comment per response
				t.Errorf("%d responses but %d analysed answers", len(stored), terms)
			}
			t.Logf("%s: %d acknowledged before SIGKILL, %d stored, all whole", kind, len(acked), len(stored))
		})
	}
}
