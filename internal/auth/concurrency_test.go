package auth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/migrations"
)

// twoProcesses opens one fresh database twice, with separate connection
// pools, as two koe processes sharing it would.
func twoProcesses(t *testing.T, kind database.Kind) (*bun.DB, *bun.DB) {
	t.Helper()
	u := dbtest.URL(t, kind)
	var dbs [2]*bun.DB
	for i := range dbs {
		db, err := database.Open(u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := migrations.Apply(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

// signInAtOnce posts n sign-ins at the same moment, the i-th to servers[i%len]
// with the e-mail and X-Forwarded-For of form(i), and counts the statuses.
func signInAtOnce(t *testing.T, servers []*httptest.Server, n int, form func(i int) (email, addr string)) map[int]int {
	t.Helper()
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: n},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		start    = make(chan struct{})
		wg       sync.WaitGroup
	)
	for i := range n {
		email, addr := form(i)
		body := url.Values{"email": {email}, "password": {"wrong password " + fmt.Sprint(i)}}.Encode()
		req, _ := http.NewRequest("POST", servers[i%len(servers)].URL+"/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if addr != "" {
			req.Header.Set("X-Forwarded-For", addr)
		}
		wg.Go(func() {
			<-start
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable &&
				(resp.Header.Get("Retry-After") == "" || !strings.Contains(string(page), "混み合っています")) {
				t.Errorf("503 without Retry-After or a message: %q", page)
			}
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

func storedFailures(t *testing.T, db *bun.DB) int64 {
	t.Helper()
	n, err := db.NewSelect().Model((*auth.LoginFailure)(nil)).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Simultaneous guesses get no more password checks than the throttle allows:
// 150 at once from one address with a limit of 50 get exactly 50 checks (401)
// and 100 refusals (429), even when two processes on one database serve them.
func TestLoginThrottleHoldsPerAddressUnderConcurrency(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db1, db2 := twoProcesses(t, kind)
			var servers []*httptest.Server
			for _, db := range []*bun.DB{db1, db2} {
				st := auth.NewStore(db)
				st.Throttle = auth.Throttle{Window: 15 * time.Minute, PerAddress: 50}
				auth.SetPasswordGate(st, auth.PasswordChecksAtOnce(), 1000, time.Minute)
				servers = append(servers, loginServer(t, st, true))
			}
			got := signInAtOnce(t, servers, 150, func(i int) (string, string) {
				return fmt.Sprintf("guess%d@example.jp", i), "198.51.100.7"
			})
			if got[http.StatusUnauthorized] != 50 || got[http.StatusTooManyRequests] != 100 || len(got) != 2 {
				t.Errorf("150 sign-ins at once from one address, limit 50: statuses %v, want exactly 50×401 (checked) and 100×429", got)
			}
			if n := storedFailures(t, db1); n != 50 {
				t.Errorf("%d failures stored, want 50", n)
			}
		})
	}
}

// 150 guesses at once against one account from 150 addresses, limit 5:
// exactly 5 are checked.
func TestLoginThrottleHoldsPerAccountUnderConcurrency(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db1, db2 := twoProcesses(t, kind)
			c := &clock{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
			newThrottledStore(t, db1, c) // the account
			var servers []*httptest.Server
			for _, db := range []*bun.DB{db1, db2} {
				st := auth.NewStore(db)
				st.Throttle = auth.Throttle{Window: 15 * time.Minute, PerAccount: 5}
				auth.SetPasswordGate(st, auth.PasswordChecksAtOnce(), 1000, time.Minute)
				servers = append(servers, loginServer(t, st, true))
			}
			got := signInAtOnce(t, servers, 150, func(i int) (string, string) {
				return strings.ToUpper(testEmail), fmt.Sprintf("198.51.100.%d", i+1)
			})
			if got[http.StatusUnauthorized] != 5 || got[http.StatusTooManyRequests] != 145 || len(got) != 2 {
				t.Errorf("150 guesses at once on one account, limit 5: statuses %v, want exactly 5×401 (checked) and 145×429", got)
			}
		})
	}
}

// heapPeak samples the Go heap (live and not yet swept objects) every
// millisecond until stop is closed, and returns the highest value seen.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	peak := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var high uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			high = max(high, sample[0].Value.Uint64())
			select {
			case <-stop:
				peak <- high
				return
			case <-tick.C:
			}
		}
	}()
	return peak
}

// 300 wrong sign-ins at once (no account needed) once took a server from
// 193 MB to 4.8 GB: each argon2id check holds 19 MiB. With the checks bounded
// the heap stays within the bound below; requests past the queue are told to
// come back (503 with Retry-After), none fails.
func TestConcurrentSignInsStayWithinMemoryBound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := auth.NewStore(db)
		st.Throttle = auth.Throttle{Window: 15 * time.Minute} // no limit: every attempt reaches a password check
		srv := httptest.NewServer(webApp(t, st, false))
		defer srv.Close()

		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		// At most passwordChecksAtOnce argon2id blocks of 19 MiB are live at
		// once. The collector lets the heap grow to twice what is live
		// (GOGC=100) before it collects, and while it collects each running
		// check may start on a new block: 3 blocks per check. 64 MiB cover
		// 300 requests in flight, their pages, both HTTP ends and the
		// database driver. Unbounded, 300 checks hold 300 × 19 MiB = 5.6 GiB.
		bound := before.HeapAlloc + uint64(auth.PasswordChecksAtOnce())*auth.ArgonMemory*1024*3 + 64<<20
		stop := make(chan struct{})
		peak := heapPeak(stop)
		got := signInAtOnce(t, []*httptest.Server{srv}, 300, func(i int) (string, string) {
			return fmt.Sprintf("nobody%d@example.jp", i), ""
		})
		close(stop)
		high := <-peak
		t.Logf("heap before %d MiB, peak %d MiB, bound %d MiB; statuses %v", before.HeapAlloc>>20, high>>20, bound>>20, got)
		if high > bound {
			t.Errorf("heap peaked at %d MiB with 300 sign-ins at once, bound %d MiB", high>>20, bound>>20)
		}
		if got[http.StatusUnauthorized]+got[http.StatusServiceUnavailable] != 300 {
			t.Errorf("statuses %v, want only 401 (checked) and 503 (busy, come back)", got)
		}
	})
}

// When every turn for a password check is taken and none frees up in time,
// a sign-in is told to come back (503, Retry-After, a plain message),
// unchecked and not counted as a failure; it signs in once a turn is free.
func TestBusySignInIsToldToComeBackAndNotCounted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		c := &clock{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
		st := newThrottledStore(t, db, c)
		auth.SetPasswordGate(st, 1, 1, 50*time.Millisecond)
		srv := loginServer(t, st, false)
		auth.HoldPasswordTurn(st) // a long check elsewhere holds the only turn
		for range auth.DefaultThrottle.PerAccount + 1 {
			resp := login(t, srv, testEmail, "guess", nil)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "5" {
				t.Fatalf("sign-in while busy: %d, Retry-After %q; want 503, 5", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
		}
		if n := storedFailures(t, db); n != 0 {
			t.Errorf("%d unchecked attempts counted as failures", n)
		}
		auth.ReleasePasswordTurn(st)
		if resp := login(t, srv, testEmail, testPassword, nil); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in once a turn is free: %d, want 303", resp.StatusCode)
		}
	})
}
