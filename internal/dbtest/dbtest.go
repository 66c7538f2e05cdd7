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

// Open returns a fresh migrated database of the given kind, closed and dropped after the test.
func Open(t testing.TB, kind database.Kind) *bun.DB {
	t.Helper()
	db, err := database.Open(URL(t, kind))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(context.Background(), db); err != nil {
		t.Fatal(err)
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
	server := serverURL()
	admin, err := sql.Open("postgres", withDB(server, "postgres"))
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s: %v", server, err)
		}
		t.Skipf("no PostgreSQL at %s (set KOE_TEST_PG): %v", server, err)
	}
	name := "koe_test_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
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
