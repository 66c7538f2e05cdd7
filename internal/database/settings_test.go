package database_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/koe-project/koe/internal/database"
)

// Every connection of a SQLite database has the settings koe relies on:
// WAL, foreign keys, a writer that waits for another's lock, durable
// commits, and reads through a memory map (a report reads the whole file:
// copying each page into the connection's own cache cost a third of it).
func TestSQLiteConnectionsHaveKoesSettings(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open("sqlite:" + filepath.Join(t.TempDir(), "settings.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]int64{"foreign_keys": 1, "busy_timeout": 10000, "synchronous": 2, "mmap_size": 1 << 30}
	for n := range 3 { // three connections held at once: each opened with the settings
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("connection %d: journal_mode %q, %v", n, mode, err)
		}
		for pragma, value := range want {
			var got int64
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != value {
				t.Errorf("connection %d: %s = %d (%v), want %d", n, pragma, got, err, value)
			}
		}
	}
}

// An import's connections (Unmapped) have the same settings but read
// without the memory map; a URL without a file is still refused, and a
// PostgreSQL URL is left as it is.
func TestUnmappedSQLiteKeepsTheSettingsButTheMap(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(database.Unmapped("sqlite:" + filepath.Join(t.TempDir(), "import.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]int64{"foreign_keys": 1, "busy_timeout": 10000, "synchronous": 2, "mmap_size": 0}
	for pragma, value := range want {
		var got int64
		if err := db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != value {
			t.Errorf("%s = %d (%v), want %d", pragma, got, err, value)
		}
	}
	if _, err := database.Open(database.Unmapped("sqlite:")); err == nil {
		t.Error("sqlite: without a file opened")
	}
	if pg := "postgres://koe@127.0.0.1/koe"; database.Unmapped(pg) != pg {
		t.Errorf("Unmapped(%q) = %q", pg, database.Unmapped(pg))
	}
}
