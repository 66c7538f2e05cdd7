// Package dbtest gives each test its own real database: a fresh SQLite file and a
// fresh PostgreSQL database, both migrated. PostgreSQL is found through
// KOE_TEST_PG (a server URL; default postgres://postgres@127.0.0.1:5432). Where
// no server answers, PostgreSQL tests are skipped, except under CI=true, where
// they fail: CI must test both dialects.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/migrations"
)

// Kinds lists the dialects every storage test runs on.
var Kinds = []database.Kind{database.SQLite, database.Postgres}

// Each runs fn as a subtest on a fresh SQLite database and on a fresh PostgreSQL database.
func Each(t *testing.T, fn func(t *testing.T, db *bun.DB)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			fn(t, Open(t, kind))
		})
	}
}

// Timeout bounds one step of a test that could hang on a database: setting
// one up, migrating it, one in-process koe command.
const Timeout = 2 * time.Minute

// deadlineMargin is left before the test binary's own -timeout, so that a
// step that hangs fails its test with a message saying which step it was,
// rather than the binary being killed with every goroutine's stack.
const deadlineMargin = 15 * time.Second

// Context returns a context that ends Timeout from now, or deadlineMargin
// before the test binary's deadline when that comes first; it is cancelled
// when the test ends.
func Context(t testing.TB) context.Context {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if end, ok := d.Deadline(); ok && end.Add(-deadlineMargin).Before(deadline) {
			deadline = end.Add(-deadlineMargin)
		}
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// Open returns a fresh migrated database of the given kind, closed and dropped after the test.
func Open(t testing.TB, kind database.Kind) *bun.DB {
	t.Helper()
	db, err := database.Open(URL(t, kind))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(Context(t), db); err != nil {
		t.Fatalf("dbtest.Open: migrating the %s test database: %v", kind, err)
	}
	return db
}

// URL creates an empty database of the given kind and returns its koe URL
// (for tests that start koe itself). It is removed after the test.
func URL(t testing.TB, kind database.Kind) string {
	t.Helper()
	if kind == database.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "koe.db")
	}
	ctx := Context(t)
	server := serverURL()
	admin, err := sql.Open("postgres", withDB(server, "postgres"))
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s: %v", server, err)
		}
		t.Skipf("no PostgreSQL at %s (set KOE_TEST_PG): %v", server, err)
	}
	name := "koe_test_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("dbtest.URL: creating the PostgreSQL test database: %v", err)
	}
	t.Cleanup(func() {
		// Its own deadline: the test's context has ended by now.
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	return withDB(server, name)
}

func serverURL() string {
	if u := os.Getenv("KOE_TEST_PG"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432"
}

func withDB(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
