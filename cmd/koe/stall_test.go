package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// aozoraProse returns n texts of size characters of real prose (consecutive
// paragraphs of the aozora corpus, no two alike).
func aozoraProse(t testing.TB, n, size int) []string {
	t.Helper()
	path := ""
	for dir, _ := os.Getwd(); ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "shared", "corpora", "aozora-paragraphs.txt")
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("shared/corpora/aozora-paragraphs.txt not found above the package directory")
		}
		t.Skip("shared/corpora/aozora-paragraphs.txt not found above the package directory")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var out []string
	var text []rune
	for sc.Scan() && len(out) < n {
		text = append(text, []rune(sc.Text())...)
		if len(text) >= size {
			out = append(out, string(text[:size]))
			text = text[:0]
		}
	}
	if len(out) < n {
		t.Fatalf("the corpus holds %d texts of %d characters, want %d", len(out), size, n)
	}
	return out
}

// floodSurvey takes up to 8 long comments, all analysed.
const floodSurvey = `slug: flood
title: 自由記述の多いアンケート
questions:
  - {key: t1, type: textarea, label: 一, analyze: true}
  - {key: t2, type: textarea, label: 二, analyze: true}
  - {key: t3, type: textarea, label: 三, analyze: true}
  - {key: t4, type: textarea, label: 四, analyze: true}
  - {key: t5, type: textarea, label: 五, analyze: true}
  - {key: t6, type: textarea, label: 六, analyze: true}
  - {key: t7, type: textarea, label: 七, analyze: true}
  - {key: t8, type: textarea, label: 八, analyze: true}
`

// One client posting the longest answers the form allows, 60 at once, must
// not hold up anyone else's submission, to any survey: tokenizing is bounded
// and done before a submission joins the commit queue, and a transaction
// takes the small submissions waiting ahead of the long ones. Before, every
// submission waited in the one commit queue for the flood's tokenizing and
// writing (seconds). The assertion is structural rather than a time limit:
// the small submission is sent once the flood is under way (its first post
// is stored) and must be stored while most of the flood is still waiting to
// be tokenized or written. Both latencies are logged (go test -v).
func TestSmallSubmissionStaysFastDuringFlood(t *testing.T) {
	const floodN = 60
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		fields, size := 2, survey.MaxTextareaLen
		texts := aozoraProse(t, fields*floodN, size)
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		ts.apply(floodSurvey)
		flood, stopFlood := context.WithCancel(context.Background())
		defer stopFlood()
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: floodN}}
		defer client.CloseIdleConnections()
		var answered atomic.Int32
		first := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		start := time.Now()
		for i := range floodN {
			answers := map[string]any{}
			for f := range fields {
				answers[fmt.Sprintf("t%d", f+1)] = texts[i*fields+f]
			}
			body, _ := json.Marshal(map[string]any{"answers": answers})
			wg.Go(func() {
				req, _ := http.NewRequestWithContext(flood, "POST", ts.URL+"/api/v1/surveys/flood/responses", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					if flood.Err() == nil {
						t.Errorf("flood post: %v", err)
					}
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("flood post: %d, want 201", resp.StatusCode)
				}
				answered.Add(1)
				once.Do(func() { close(first) })
			})
		}
		select {
		case <-first:
		case <-time.After(2 * time.Minute):
			t.Fatal("no flood post answered in 2 minutes")
		}
		sent := time.Now()
		status, out := ts.postJSON(meetingAPI, "", validAnswer)
		latency := time.Since(sent)
		if status != http.StatusCreated {
			t.Fatalf("small submission: %d %v", status, out)
		}
		// Read from the database, not counted from the answers: the flood
		// posts stored in the same transaction as the small one count.
		floodStored := ts.count("flood")
		if floodStored >= floodN/2 {
			t.Errorf("the small submission was stored with or after %d of the %d flood posts: it waited for the flood", floodStored, floodN)
		}
		kind := database.KindOf(db)
		t.Logf("%s: small submission stored in %v, when %d of %d flood posts (%d answers of %d characters each) were; the first flood post took %v",
			kind, latency.Round(time.Millisecond), floodStored, floodN, fields, size, sent.Sub(start).Round(time.Millisecond))
		if os.Getenv("KOE_FLOOD_WAIT") == "" {
			stopFlood() // the rest of the flood is not this test's business: its clients leave
		}
		wg.Wait()
		t.Logf("%s: flood over after %v (%d of %d answered)", kind, time.Since(start).Round(time.Millisecond), answered.Load(), floodN)
	})
}

// /healthz turns 503, with a one-line reason, while submissions cannot be
// written (another connection holds the write lock: PostgreSQL's LOCK TABLE,
// SQLite's BEGIN IMMEDIATE), and 200 again once they are. Before, it only
// pinged the database and stayed green while every submission hung.
func TestHealthzReportsStalledSubmissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServerWith(t, db, func(a *app) { a.stallLimit = 300 * time.Millisecond })
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		health := func() (int, string) {
			resp, err := http.Get(ts.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(body)
		}
		if status, body := health(); status != http.StatusOK {
			t.Fatalf("healthz before: %d %q", status, body)
		}

		ctx := context.Background()
		lock, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Close()
		begin := []string{"BEGIN IMMEDIATE"}
		if database.KindOf(db) == database.Postgres {
			begin = []string{"BEGIN", "LOCK TABLE responses IN EXCLUSIVE MODE"}
		}
		for _, q := range begin {
			if _, err := lock.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		stored := make(chan int, 1)
		go func() {
			resp, err := http.Post(ts.URL+meetingAPI, "application/json", strings.NewReader(validAnswer))
			if err != nil {
				t.Error(err)
				stored <- 0
				return
			}
			resp.Body.Close()
			stored <- resp.StatusCode
		}()
		status, body := 0, ""
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if status, body = health(); status != http.StatusOK {
				break
			}
		}
		if status != http.StatusServiceUnavailable || !strings.HasPrefix(body, "submissions stalled") || strings.Count(body, "\n") != 1 {
			t.Errorf("healthz while a submission cannot be written: %d %q, want 503 and a one-line reason", status, body)
		}

		if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Fatal(err)
		}
		if code := <-stored; code != http.StatusCreated {
			t.Errorf("the waiting submission: %d, want 201 once the lock is gone", code)
		}
		if status, body := health(); status != http.StatusOK {
			t.Errorf("healthz after: %d %q, want 200", status, body)
		}
	})
}
