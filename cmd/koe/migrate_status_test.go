package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/migrations"
)

// `koe migrate status` lists every migration as applied or pending and
// changes nothing; after `koe migrate` all are applied; a migration the
// database lacks shows as pending again, and one it has from a newer koe is
// named as such.
func TestCLIMigrateStatus(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			db, err := database.Open(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			all, err := migrations.All(db)
			if err != nil || len(all) == 0 {
				t.Fatalf("migrations: %d, %v", len(all), err)
			}
			line := func(version, state string) *regexp.Regexp {
				return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(version) + `\s+` + state)
			}
			status := func() string {
				t.Helper()
				out, err := koe(t, "", "migrate", "status", "--db", dbURL)
				if err != nil {
					t.Fatalf("koe migrate status: %v\n%s", err, out)
				}
				return out
			}

			out := status()
			for _, m := range all {
				if !line(m.Version, "pending").MatchString(out) {
					t.Errorf("fresh database: %s not pending:\n%s", m.Version, out)
				}
			}
			if !strings.Contains(out, "pending: run koe migrate") {
				t.Errorf("fresh database: no summary:\n%s", out)
			}
			var tables int
			if err := db.NewRaw("SELECT count(*) FROM "+map[database.Kind]string{
				database.SQLite:   "sqlite_master WHERE type = 'table'",
				database.Postgres: "information_schema.tables WHERE table_schema = 'public'",
			}[kind]).Scan(dbtest.Context(t), &tables); err != nil || tables != 0 {
				t.Fatalf("status changed the database: %d tables, %v", tables, err)
			}

			if _, err := koe(t, "", "migrate", "--db", dbURL); err != nil {
				t.Fatal(err)
			}
			out = status()
			date := `applied \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC`
			for _, m := range all {
				if !line(m.Version, date).MatchString(out) {
					t.Errorf("migrated database: %s not applied:\n%s", m.Version, out)
				}
			}
			if strings.Contains(out, "pending") || !strings.Contains(out, "database is up to date") {
				t.Errorf("migrated database:\n%s", out)
			}

			last := all[len(all)-1].Version
			ctx := dbtest.Context(t)
			if _, err := db.NewRaw("DELETE FROM koe_migrations WHERE version = ?", last).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := db.NewRaw("INSERT INTO koe_migrations (version, applied_at) VALUES ('9999_from_the_future', '2030-01-01 00:00:00')").Exec(ctx); err != nil {
				t.Fatal(err)
			}
			out = status()
			if !line(last, "pending").MatchString(out) || !strings.Contains(out, "1 pending") {
				t.Errorf("%s should be pending:\n%s", last, out)
			}
			if !line("9999_from_the_future", date+`\s+\(not known to this koe`).MatchString(out) {
				t.Errorf("an applied migration this koe does not know:\n%s", out)
			}

			if _, err := koe(t, "", "migrate", "status", "--db", dbURL, "extra"); err == nil {
				t.Error("migrate status took a stray argument")
			}
		})
	}
}
