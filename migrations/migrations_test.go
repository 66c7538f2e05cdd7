package migrations_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/migrations"
)

// pendingVersions lists the migrations migrations.Status says are pending.
func pendingVersions(ctx context.Context, db *bun.DB) ([]string, error) {
	states, err := migrations.Status(ctx, db)
	var pending []string
	for _, st := range states {
		if !st.Applied {
			pending = append(pending, st.Version)
		}
	}
	return pending, err
}

func TestFreshDatabaseHasNoPendingMigration(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db, err := database.Open(dbtest.URL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := dbtest.Context(t)
			pending, err := pendingVersions(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			all, _ := migrations.All(db)
			if len(pending) != len(all) || len(all) == 0 {
				t.Fatalf("empty database: %d pending of %d", len(pending), len(all))
			}
			// Several processes starting at once: each migration runs exactly once.
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := migrations.Apply(ctx, db); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if pending, err = pendingVersions(ctx, db); err != nil || len(pending) != 0 {
				t.Fatalf("after Apply: pending %v, err %v", pending, err)
			}
			applied, err := migrations.Apply(ctx, db)
			if err != nil || len(applied) != 0 {
				t.Fatalf("second Apply ran %v, err %v", applied, err)
			}
		})
	}
}
