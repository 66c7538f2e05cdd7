package database

import (
	"context"

	"github.com/uptrace/bun"
)

// RefreshStatistics brings the query planner's statistics up to date after
// many rows were written (an import, a reanalysis). Without them SQLite
// reads a question's answers of a 64,000-response survey through its index,
// one table lookup per row (seconds), where a scan of the table takes a
// tenth of that. PostgreSQL's autovacuum, when it is on, catches up within
// a minute, while the first report is asked for at once. SQLite's optimize
// analyses only the tables that changed enough, with a bounded sample.
func RefreshStatistics(ctx context.Context, db bun.IDB) error {
	query := "PRAGMA optimize=0x10002" // every table, not only those this connection read
	if KindOf(db) == Postgres {
		// VACUUM too: its visibility map lets counts read only indexes.
		query = "VACUUM (ANALYZE) answers, responses, answer_term_lists, term_counts"
	}
	_, err := db.ExecContext(ctx, query)
	return err
}
