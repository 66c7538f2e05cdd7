package database

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// RefreshStatistics brings the query planner's statistics up to date after
// many rows were written (an import, a reanalysis). Without them SQLite
// reads a question's answers of a 64,000-response survey through its index,
// one table lookup per row (seconds), where a scan of the table takes a
// tenth of that. PostgreSQL's autovacuum, when it is on, catches up within
// a minute, while the first report is asked for at once. SQLite's optimize
// analyses only the tables that changed enough, with a bounded sample.
//
// Statistics only make reads faster: SQLite's are written only if the
// write lock is free at once (another process importing keeps it for
// seconds), and callers go on when this fails.
func RefreshStatistics(ctx context.Context, db *bun.DB) error {
	if KindOf(db) == Postgres {
		// VACUUM too: its visibility map lets counts read only indexes.
		_, err := db.ExecContext(ctx, "VACUUM (ANALYZE) answers, responses, answer_term_lists, term_counts")
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "PRAGMA optimize=0x10002") // every table, not only those this connection read
	if _, restore := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeoutMS)); err == nil {
		err = restore
	}
	return err
}
