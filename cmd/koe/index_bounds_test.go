package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// A survey is shared by e-mail address, the key of its shares: an address
// of thousands of characters is refused with a message (it got a 500 from
// PostgreSQL, whose index entries stop at 2,704 bytes), and the shares
// stay as they were.
func TestOverlongShareAddressIsRefused(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	local := make([]byte, 5000)
	for i := range local {
		local[i] = letters[rng.IntN(len(letters))]
	}
	long := string(local) + "@example.jp"
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		s := ts.apply(string(examples.File("meeting-feedback.yaml")))
		staff := ts.editorClient("owner@example.jp")
		resp, body := postForm(t, staff, ts.URL+"/surveys/"+s.Slug+"/shares", url.Values{"email": {long}, "level": {"view"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "254文字まで") {
			t.Fatalf("a 5,000-character address: %d, want 422 with the limit", resp.StatusCode)
		}
		if !strings.Contains(body, long) {
			t.Errorf("the address typed is not kept in the form")
		}
		resp, _ = postForm(t, staff, ts.URL+"/surveys/"+s.Slug+"/shares", url.Values{"email": {"colleague@example.jp"}, "level": {"view"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("an ordinary address: %d", resp.StatusCode)
		}
		shares, err := ts.app.surveys.Shares(context.Background(), s)
		if err != nil || len(shares) != 1 || shares[0].Email != "colleague@example.jp" {
			t.Fatalf("shares %+v, %v", shares, err)
		}
	})
}

// Any string is an Idempotency-Key (DESIGN.md), up to the 1 MB the server
// takes in headers: a long one is honoured, its replay stores nothing
// twice, and a key that differs only after its first 200 bytes is another
// key. It used to be refused with 400; stored as sent, a key over 2,704
// bytes would be refused by PostgreSQL's index of keys.
func TestLongIdempotencyKeysAreHonoured(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	long := make([]byte, 900<<10)
	for i := range long {
		long[i] = byte('!' + rng.IntN('~'-'!'+1))
	}
	other := slices.Clone(long)
	other[len(other)-1] ^= 1
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(examples.File("meeting-feedback.yaml")))
		code, first := ts.postJSON(meetingAPI, string(long), validAnswer)
		if code != http.StatusCreated {
			t.Fatalf("a 900 KB key: %d %v, want 201", code, first)
		}
		if code, replay := ts.postJSON(meetingAPI, string(long), validAnswer); code != http.StatusOK || replay["id"] != first["id"] {
			t.Fatalf("its replay: %d %v, want 200 with id %v", code, replay, first["id"])
		}
		if code, second := ts.postJSON(meetingAPI, string(other), validAnswer); code != http.StatusCreated || second["id"] == first["id"] {
			t.Fatalf("another long key: %d %v, want 201 with a new id", code, second)
		}
		if n := ts.count("network-2020-3"); n != 2 {
			t.Fatalf("%d responses stored, want 2", n)
		}
	})
}
