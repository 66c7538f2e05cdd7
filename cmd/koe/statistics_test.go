package main

import (
	"context"
	"testing"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// Planner statistics are a speed-up, never a reason to fail: a command that
// opens a SQLite database while another process holds its write lock (an
// import) runs without waiting for it, and the statistics are written at
// the next open that finds the lock free.
func TestCommandsOpenWhileAnotherProcessWrites(t *testing.T) {
	ctx := context.Background()
	dbURL := dbtest.URL(t, database.SQLite)
	db, err := openDB(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Rows no statistics describe yet.
	if _, err := db.ExecContext(ctx, `INSERT INTO login_failures (account, addr, at)
		WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000)
		SELECT 'account' || x, '192.0.2.' || (x % 200), CURRENT_TIMESTAMP FROM n`); err != nil {
		t.Fatal(err)
	}
	described := func() int {
		t.Helper()
		var n int
		if err := db.NewSelect().TableExpr("sqlite_master").ColumnExpr("COUNT(*)").Where("name = 'sqlite_stat1'").Scan(ctx, &n); err != nil || n == 0 {
			return 0
		}
		if err := db.NewSelect().TableExpr("sqlite_stat1").ColumnExpr("COUNT(*)").Where("tbl = 'login_failures'").Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if described() != 0 {
		t.Fatal("login_failures has statistics before any open analysed it")
	}

	writer, err := db.Conn(ctx) // the other process's import, holding the write lock
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	other, err := openDB(ctx, dbURL)
	if err != nil {
		t.Fatalf("opening while another process writes: %v", err)
	}
	other.Close()
	if _, err := writer.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	writer.Close()

	again, err := openDB(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if described() == 0 {
		t.Error("an open with the write lock free did not analyse login_failures")
	}
}
