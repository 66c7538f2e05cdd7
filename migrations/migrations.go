// Package migrations holds koe's schema as SQL files, one directory per dialect,
// and applies them.
//
// koe runs its own small runner rather than bun/migrate: bun's lock is a row in a
// table, which stays locked if a process is killed mid-migration, while the locks
// used here (a PostgreSQL transaction-level advisory lock, SQLite's write lock of
// an IMMEDIATE transaction) are released by the database when the holder dies.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// lockID is an arbitrary constant naming koe's migration advisory lock.
const lockID = 0x6b6f65 // "koe"

// Migration is one SQL file.
type Migration struct {
	Version string // file name without .sql, e.g. 0001_init
	SQL     string
}

// All lists the migrations for a database's dialect, oldest first.
func All(db bun.IDB) ([]Migration, error) {
	dir := "sqlite"
	if database.KindOf(db) == database.Postgres {
		dir = "postgres"
	}
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		b, err := fs.ReadFile(files, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

const createTable = `CREATE TABLE IF NOT EXISTS koe_migrations (
	version    TEXT PRIMARY KEY,
	applied_at TIMESTAMP NOT NULL
)`

// Apply runs every pending migration, each in its own transaction under the
// migration lock, and records it as applied in that same transaction, so a
// migration that fails is neither half-applied nor marked. Several processes
// may call Apply at once; each migration runs exactly once.
func Apply(ctx context.Context, db *bun.DB) (applied []string, err error) {
	ms, err := All(db)
	if err != nil {
		return nil, err
	}
	// Most opens have nothing to apply: a plain read says so, without the
	// write lock, which another process (a long import on SQLite) may hold
	// for longer than a writer waits.
	if states, err := Status(ctx, db); err == nil && allApplied(states, ms) {
		return nil, nil
	}
	for _, m := range ms {
		done, err := applyOne(ctx, db, m)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Version, err)
		}
		if done {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

// allApplied says whether states records every migration of ms as applied.
func allApplied(states []State, ms []Migration) bool {
	done := map[string]bool{}
	for _, st := range states {
		if st.Applied {
			done[st.Version] = true
		}
	}
	for _, m := range ms {
		if !done[m.Version] {
			return false
		}
	}
	return true
}

func applyOne(ctx context.Context, db *bun.DB, m Migration) (ran bool, err error) {
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Raw *sql.Tx: bun would read '?' in the SQL files as placeholders.
		if database.KindOf(db) == database.Postgres {
			if _, err := tx.Tx.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", lockID)); err != nil {
				return err
			}
		} // SQLite: the IMMEDIATE transaction already holds the write lock.
		if _, err := tx.Tx.ExecContext(ctx, createTable); err != nil {
			return err
		}
		var n int
		if err := tx.NewRaw("SELECT count(*) FROM koe_migrations WHERE version = ?", m.Version).Scan(ctx, &n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Tx.ExecContext(ctx, m.SQL); err != nil {
			return err
		}
		if _, err := tx.NewRaw("INSERT INTO koe_migrations (version, applied_at) VALUES (?, ?)", m.Version, time.Now().UTC()).Exec(ctx); err != nil {
			return err
		}
		ran = true
		return nil
	})
	return ran, err
}

// State is a migration and whether the database has it.
type State struct {
	Version   string
	Applied   bool
	AppliedAt time.Time // zero when pending
	// Unknown: recorded as applied, but not a migration of this build (a
	// newer koe migrated the database).
	Unknown bool
}

// Status lists every migration of the database's dialect, oldest first,
// applied or pending, then any applied migration this build does not know.
// It only reads: a database never migrated has every migration pending.
func Status(ctx context.Context, db *bun.DB) ([]State, error) {
	ms, err := All(db)
	if err != nil {
		return nil, fmt.Errorf("migrations.Status: %w", err)
	}
	var rows []struct {
		Version   string    `bun:"version"`
		AppliedAt time.Time `bun:"applied_at"`
	}
	if err := db.NewRaw("SELECT version, applied_at FROM koe_migrations ORDER BY version").Scan(ctx, &rows); err != nil && !isMissingTable(err) {
		return nil, fmt.Errorf("migrations.Status: %w", err)
	}
	appliedAt := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		appliedAt[r.Version] = r.AppliedAt
	}
	states := make([]State, 0, len(ms))
	known := make(map[string]bool, len(ms))
	for _, m := range ms {
		at, ok := appliedAt[m.Version]
		states = append(states, State{Version: m.Version, Applied: ok, AppliedAt: at})
		known[m.Version] = true
	}
	for _, r := range rows {
		if !known[r.Version] {
			states = append(states, State{Version: r.Version, Applied: true, AppliedAt: r.AppliedAt, Unknown: true})
		}
	}
	return states, nil
}

func isMissingTable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "no such table") || strings.Contains(s, "does not exist")
}
