package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// BenchmarkAPISubmit measures one JSON submission end to end: HTTP, decoding,
// validation, the transactional write and the analysis of the comment, on
// each database, one at a time.
//
//	go test -run '^$' -bench APISubmit ./cmd/koe/
func BenchmarkAPISubmit(b *testing.B) {
	for _, kind := range dbtest.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			db := dbtest.Open(b, kind)
			ts := newTestServer(b, db, func(a *app) { a.submitLimit = nil }) // one client posting fast is what the limit stops
			ts.apply(string(examples.File("meeting-feedback.yaml")))
			client := &http.Client{}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				req, _ := http.NewRequest("POST", ts.URL+meetingAPI, strings.NewReader(validAnswer))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprint("bench-", i))
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}
