package migrations_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/migrations"
)

// migrateBefore applies every migration older than version, leaving db as a
// database stored before that migration was written.
func migrateBefore(t *testing.T, ctx context.Context, db *bun.DB, version string) {
	t.Helper()
	all, err := migrations.All(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Version >= version {
			break
		}
		if _, err := migrations.ApplyOne(ctx, db, m); err != nil {
			t.Fatal(m.Version, err)
		}
	}
}
