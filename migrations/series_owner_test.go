package migrations_test

import (
	"testing"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/migrations"
)

// 0008 gives a series in use to the one staff member who owns all its
// surveys, and leaves a series of several owners, or of none, open to all.
func TestSeriesOfOneOwnerBecomeTheirs(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db, err := database.Open(dbtest.URL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := dbtest.Context(t)
			migrateBefore(t, ctx, db, "0008")
			for _, q := range []string{
				`INSERT INTO series (id, key, title) VALUES (1, 'mine', 'M'), (2, 'mixed', 'X'), (3, 'cli', 'C'), (4, 'empty', 'E')`,
				`INSERT INTO surveys (id, slug, title, series_id, owner, created_at, updated_at) VALUES
					(1, 'm1', 'M1', 1, 'a@koe.test', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
					(2, 'm2', 'M2', 1, 'a@koe.test', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
					(3, 'x1', 'X1', 2, 'a@koe.test', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
					(4, 'x2', 'X2', 2, 'b@koe.test', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
					(5, 'c1', 'C1', 3, '', '2026-11-01 10:00:00', '2026-11-01 10:00:00'),
					(6, 'lone', 'L', NULL, 'b@koe.test', '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := migrations.Apply(ctx, db); err != nil {
				t.Fatal(err)
			}
			var rows []struct{ Key, Owner string }
			if err := db.NewRaw("SELECT key, owner FROM series ORDER BY id").Scan(ctx, &rows); err != nil {
				t.Fatal(err)
			}
			want := []struct{ Key, Owner string }{{"mine", "a@koe.test"}, {"mixed", ""}, {"cli", ""}, {"empty", ""}}
			if len(rows) != len(want) {
				t.Fatalf("series %+v", rows)
			}
			for i := range want {
				if rows[i] != want[i] {
					t.Errorf("series %s: owner %q, want %q", rows[i].Key, rows[i].Owner, want[i].Owner)
				}
			}
		})
	}
}
