package migrations_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"testing"
)

// Both dialects' folders hold the same migrations: the same numbered names,
// as many in each, numbered 0001, 0002, … without gaps or repeats, and
// nothing that is not a migration (it would not be embedded).
func TestMigrationFoldersMatch(t *testing.T) {
	name := regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)
	names := map[string][]string{}
	for _, dir := range []string{"sqlite", "postgres"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range entries {
			m := name.FindStringSubmatch(e.Name())
			if m == nil || e.IsDir() {
				t.Errorf("%s/%s is not a migration (NNNN_name.sql)", dir, e.Name())
				continue
			}
			if want := fmt.Sprintf("%04d", i+1); m[1] != want {
				t.Errorf("%s/%s: numbered %s, want %s (no gaps, no repeats)", dir, e.Name(), m[1], want)
			}
			names[dir] = append(names[dir], e.Name())
		}
	}
	if len(names["sqlite"]) == 0 {
		t.Fatal("no migrations found")
	}
	if !slices.Equal(names["sqlite"], names["postgres"]) {
		t.Errorf("the folders differ:\nsqlite:   %q\npostgres: %q", names["sqlite"], names["postgres"])
	}
}
