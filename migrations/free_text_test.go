package migrations_test

import (
	"slices"
	"testing"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
	"github.com/koe-project/koe/migrations"
)

// 0007 marks the free texts of a database in use and takes them out of the
// index of values: afterwards an answer of 10,000 characters of real prose
// is stored on PostgreSQL too (before, a B-tree entry of its value was
// refused above 2,704 bytes), and the stored answers are unchanged.
func TestFreeTextsLeaveTheIndexOfValues(t *testing.T) {
	long := testcorpus.Prose(t, 10000, 7)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db, err := database.Open(dbtest.URL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := dbtest.Context(t)
			migrateBefore(t, ctx, db, "0007")
			for _, q := range []string{
				`INSERT INTO surveys (id, slug, title, created_at, updated_at) VALUES (1, 's', 'S', '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
				`INSERT INTO questions (id, survey_id, key, position, type) VALUES
					(1, 1, 'role', 0, 'single'), (2, 1, 'useful', 1, 'multi'), (3, 1, 'satisfaction', 2, 'scale'),
					(4, 1, 'program', 3, 'matrix'), (5, 1, 'name', 4, 'text'), (6, 1, 'comments', 5, 'textarea'),
					(7, 1, 'email', 6, 'email'), (8, 1, 'day', 7, 'date')`,
				`INSERT INTO responses (id, survey_id, submitted_at) VALUES ('r1', 1, '2026-11-01 10:00:00'), ('r2', 1, '2026-11-01 10:01:00')`,
				`INSERT INTO answers (id, response_id, question_id, item, value, number, other, position) VALUES
					(10, 'r1', 1, '', '県', NULL, FALSE, 0), (11, 'r1', 2, '', '財源の確保', NULL, FALSE, 0), (12, 'r1', 2, '', '独自の勉強会', NULL, TRUE, 1),
					(13, 'r1', 3, '', '4', 4, FALSE, 0), (14, 'r1', 4, '事例紹介', '参考になった', NULL, FALSE, 0), (15, 'r1', 5, '', '山田', NULL, FALSE, 0),
					(16, 'r1', 6, '', '連携が課題です。', NULL, FALSE, 0), (17, 'r1', 7, '', 'a@example.jp', NULL, FALSE, 0), (18, 'r1', 8, '', '2026-11-01', NULL, FALSE, 0),
					(19, 'r2', 1, '', '大学', NULL, TRUE, 0), (20, 'r2', 6, '', 'はい', NULL, FALSE, 0)`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if applied, err := migrations.Apply(ctx, db); err != nil || !slices.Contains(applied, "0007_free_text") {
				t.Fatalf("applied %v: %v", applied, err)
			}
			var rows []struct {
				ID       int64
				Value    string
				FreeText bool
			}
			if err := db.NewRaw("SELECT id, value, free_text FROM answers ORDER BY id").Scan(ctx, &rows); err != nil {
				t.Fatal(err)
			}
			free := map[int64]bool{12: true, 15: true, 16: true, 17: true, 19: true, 20: true}
			if len(rows) != 11 {
				t.Fatalf("%d answers after the migration, want 11", len(rows))
			}
			for _, r := range rows {
				if r.FreeText != free[r.ID] {
					t.Errorf("answer %d (%s): free_text %v, want %v", r.ID, r.Value, r.FreeText, free[r.ID])
				}
			}
			if rows[1].Value != "財源の確保" || rows[9].Value != "大学" {
				t.Errorf("values changed: %+v", rows)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO answers (response_id, question_id, value, free_text) VALUES ('r2', 5, ?, TRUE)`, long); err != nil {
				t.Fatalf("a long free text after the migration: %v", err)
			}
			var stored string
			if err := db.NewRaw("SELECT value FROM answers WHERE response_id = 'r2' AND question_id = 5").Scan(ctx, &stored); err != nil || stored != long {
				t.Fatalf("the long text came back changed (%d bytes, want %d): %v", len(stored), len(long), err)
			}
		})
	}
}
