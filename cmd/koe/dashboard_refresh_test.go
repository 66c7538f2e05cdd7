package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// A dashboard slow to build (here every one: RefreshAfter of a nanosecond)
// is not built again while its reader waits after a new response: the
// blocks as they were are shown at once, saying how many responses they
// count, and new blocks replace them once built in the background. Both
// databases.
func TestSlowDashboardIsBuiltAgainInTheBackground(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db, func(a *app) { a.refreshAfter = time.Nanosecond })
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		if _, err := ts.app.users.AddUser(context.Background(), "admin@koe.test", editorPassword, "admin"); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if code, _ := ts.postJSON(meetingAPI, fmt.Sprint("k-", i), validAnswer); code != 201 {
				t.Fatalf("submission %d: %d", i, code)
			}
		}
		admin := signInAs(t, ts, "admin@koe.test")
		dash := ts.URL + "/surveys/network-2020-3"
		if _, page := get(t, admin, dash); strings.Contains(page, `class="notice behind"`) || !strings.Contains(page, "回答 2件") {
			t.Fatalf("first view: built while waiting, of 2 responses expected: behind %v", strings.Contains(page, `class="notice behind"`))
		}
		if code, _ := ts.postJSON(meetingAPI, "k-2", validAnswer); code != 201 {
			t.Fatalf("third submission: %d", code)
		}
		_, page := get(t, admin, dash)
		if !strings.Contains(page, `<strong class="response-count">3</strong>`) || !strings.Contains(page, "回答 <strong>2件</strong> の時点のものです") || !strings.Contains(page, "回答 2件") {
			t.Fatalf("after one more response: the count 3 with the blocks of 2, said so, expected: %s", between(page, `<dl class="facts">`, `<ul class="links">`))
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			_, page = get(t, admin, dash)
			if !strings.Contains(page, `class="notice behind"`) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the blocks of 3 responses were not built within a minute")
			}
		}
		if !strings.Contains(page, "回答 3件") || strings.Contains(page, "回答 2件") {
			t.Errorf("once built again: the blocks of 3 responses expected")
		}
	})
}
