package migrations_test

import (
	"testing"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/migrations"
)

// 0010 names the community code book for the surveys stored before code
// books had names (they were coded with it), unless a dictionary with its
// own top-level codes was applied: those stay the codes of every survey
// that names no book.
func TestStoredSurveysKeepTheCodeBookTheyHad(t *testing.T) {
	for _, tc := range []struct {
		name, dictionary, want string
	}{
		{"shipped dictionary", "", `["community"]`},
		{"dictionary of named books", "codebooks:\n  tourism: |\n    *交通\n    バス\n", `["community"]`},
		{"dictionary with its own codes", "stopwords: []\ncodes: |\n  *交通\n  バス\n", ``},
	} {
		for _, kind := range dbtest.Kinds {
			t.Run(tc.name+"/"+string(kind), func(t *testing.T) {
				db, err := database.Open(dbtest.URL(t, kind))
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				ctx := dbtest.Context(t)
				migrateBefore(t, ctx, db, "0010")
				if _, err := db.ExecContext(ctx, `INSERT INTO surveys (id, slug, title, created_at, updated_at) VALUES (1, 'old', 'O', '2026-11-01 10:00:00', '2026-11-01 10:00:00')`); err != nil {
					t.Fatal(err)
				}
				if tc.dictionary != "" {
					if _, err := db.ExecContext(ctx, `INSERT INTO dictionaries (id, version, source, created_at) VALUES (1, 'v', ?, '2026-11-01 10:00:00')`, tc.dictionary); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := migrations.Apply(ctx, db); err != nil {
					t.Fatal(err)
				}
				var books, codes string
				if err := db.NewRaw("SELECT code_books, codes FROM surveys WHERE id = 1").Scan(ctx, &books, &codes); err != nil {
					t.Fatal(err)
				}
				if books != tc.want || codes != "" {
					t.Errorf("code_books %q codes %q, want %q and none", books, codes, tc.want)
				}
			})
		}
	}
}
