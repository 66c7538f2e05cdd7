package database

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
	"github.com/uptrace/bun"
)

// Rows describes a batch of rows for Insert.
type Rows struct {
	Table   string
	Columns []string
	Len     int
	// Row fills values (one per column) for row i. Values may be int64,
	// int, string, bool, *float64 (nil: NULL) or time.Time.
	Row func(i int, values []any)
	// OnConflict, when set, follows each INSERT (e.g. "ON CONFLICT (k) DO
	// UPDATE SET ..."); such batches never go through COPY.
	OnConflict string
}

// copyMin is the smallest batch PostgreSQL receives through COPY: below it,
// COPY's extra round trips cost more than they save.
const copyMin = 200

// literalRows is how many rows one PostgreSQL INSERT spells out.
const literalRows = 1000

// Insert writes a batch of rows inside tx.
//
// bun's inserts spell every value out in the SQL text: right for the handful
// of rows of one submission on PostgreSQL (one round trip, and PostgreSQL
// parses fast), but for an import of tens of thousands SQLite spent more time
// parsing that text than storing the rows. So:
//   - PostgreSQL: large batches go through COPY (COPY … FROM STDIN through lib/pq); the rest,
//     and upserts, are INSERTs with the values spelled out by bun;
//   - SQLite: one prepared single-row INSERT, run for each row with its
//     values bound (modernc's driver binds them without any text to parse).
//     Many bound values per statement would not do: the driver matches
//     parameters to arguments by linear search (quadratic per statement),
//     and many small multi-row statements each open a statement journal
//     that copies every page they touch. JSON arrays of 50,000 rows bound
//     to one parameter and unpacked by jsonb_each took 20 % longer (850,000
//     answer rows: 7.0 s against 5.7-5.9 s), json_each longer still (it
//     gave each row back as text that ->> parsed again).
//
// database/sql has no batch insert, and bun none with bound values, hence
// this helper.
func Insert(ctx context.Context, tx bun.Tx, r Rows) error {
	switch {
	case r.Len == 0:
		return nil
	case KindOf(tx) == SQLite:
		return insertPrepared(ctx, tx, r)
	case r.OnConflict == "" && r.Len >= copyMin:
		return copyRows(ctx, tx, r)
	}
	return insertLiteral(ctx, tx, r, nil)
}

// insertLiteral writes rows as INSERTs whose values bun spells out; with
// returned set, it collects the new rows' ids (RETURNING id), in row order.
func insertLiteral(ctx context.Context, tx bun.Tx, r Rows, returned *[]int64) error {
	row := make([]any, len(r.Columns))
	placeholders := "(?" + strings.Repeat(", ?", len(r.Columns)-1) + ")"
	for start := 0; start < r.Len; start += literalRows {
		n := min(literalRows, r.Len-start)
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", r.Table, strings.Join(r.Columns, ", "))
		values := make([]any, 0, n*len(r.Columns))
		for i := start; i < start+n; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(placeholders)
			r.Row(i, row)
			if err := checkText(row); err != nil { // bun would replace invalid UTF-8 silently
				return fmt.Errorf("insert into %s, row %d: %w", r.Table, i+1, err)
			}
			values = append(values, row...)
		}
		if r.OnConflict != "" {
			b.WriteString(" " + r.OnConflict)
		}
		if returned != nil {
			b.WriteString(" RETURNING id")
		}
		q := tx.NewRaw(b.String(), values...)
		var err error
		if returned != nil {
			var got []int64
			err = q.Scan(ctx, &got)
			*returned = append(*returned, got...)
		} else {
			_, err = q.Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", r.Table, err)
		}
	}
	return nil
}

// copyStatement is COPY table (columns) FROM STDIN with every name quoted,
// which lib/pq runs as a bulk copy when prepared.
func copyStatement(table string, columns []string) string {
	quoted := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	return "COPY " + pq.QuoteIdentifier(table) + " (" + strings.Join(quoted, ", ") + ") FROM STDIN"
}

func copyRows(ctx context.Context, tx bun.Tx, r Rows) error {
	stmt, err := tx.Tx.PrepareContext(ctx, copyStatement(r.Table, r.Columns))
	if err != nil {
		return fmt.Errorf("copy into %s: %w", r.Table, err)
	}
	defer stmt.Close()
	row := make([]any, len(r.Columns))
	for i := range r.Len {
		r.Row(i, row)
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("copy into %s: %w", r.Table, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy into %s: %w", r.Table, err)
	}
	return nil
}

// insertPrepared writes rows on SQLite one at a time through a single
// prepared statement, each value bound as it is.
func insertPrepared(ctx context.Context, tx bun.Tx, r Rows) error {
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (?%s)", r.Table, strings.Join(r.Columns, ", "), strings.Repeat(", ?", len(r.Columns)-1))
	if r.OnConflict != "" {
		q += " " + r.OnConflict
	}
	stmt, err := tx.Tx.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", r.Table, err)
	}
	defer stmt.Close()
	row := make([]any, len(r.Columns))
	for i := range r.Len {
		r.Row(i, row)
		if err := sqliteValues(row); err != nil {
			return fmt.Errorf("insert into %s, row %d: %w", r.Table, i+1, err)
		}
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return fmt.Errorf("insert into %s: %w", r.Table, err)
		}
	}
	return nil
}

// sqliteTime is how bun writes times into SQLite; values written here must
// read back the same way.
const sqliteTime = "2006-01-02 15:04:05.999999-07:00"

// errBadText refuses what neither database stores as text (PostgreSQL
// refuses NUL bytes; encoding/json would silently replace invalid UTF-8).
var errBadText = errors.New("text with a NUL byte or invalid UTF-8")

// sqliteValues turns row's values into what the SQLite driver binds as
// bun would write them: pointers followed (nil: NULL), times as bun's text;
// text neither database stores is refused (checkText).
func sqliteValues(row []any) error {
	if err := checkText(row); err != nil {
		return err
	}
	for j, v := range row {
		switch v := v.(type) {
		case nil, int64, int, bool, string:
		case *float64:
			if v == nil {
				row[j] = nil
			} else {
				row[j] = *v
			}
		case *string:
			if v == nil {
				row[j] = nil
			} else {
				row[j] = *v
			}
		case time.Time:
			row[j] = v.UTC().Format(sqliteTime)
		default:
			return fmt.Errorf("column %d: unsupported value type %T", j+1, v)
		}
	}
	return nil
}

func goodText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// checkText refuses a row whose text neither database can store as given.
func checkText(row []any) error {
	for j, v := range row {
		if p, ok := v.(*string); ok && p != nil {
			v = *p
		}
		if s, ok := v.(string); ok && !goodText(s) {
			return fmt.Errorf("column %d: %w", j+1, errBadText)
		}
	}
	return nil
}

// InsertWithIDs inserts rows into a table whose primary key is an integer
// "id" and returns the new ids in row order. Small batches on PostgreSQL take
// their ids from the INSERT itself (RETURNING, one round trip, as bun's own
// inserts do); others reserve them first (NextIDs).
func InsertWithIDs(ctx context.Context, tx bun.Tx, r Rows) ([]int64, error) {
	if KindOf(tx) == Postgres && r.OnConflict == "" && r.Len > 0 && r.Len < copyMin {
		var ids []int64
		if err := insertLiteral(ctx, tx, r, &ids); err != nil {
			return nil, err
		}
		if len(ids) != r.Len {
			return nil, fmt.Errorf("insert into %s: %d ids for %d rows", r.Table, len(ids), r.Len)
		}
		return ids, nil
	}
	ids, err := NextIDs(ctx, tx, r.Table, r.Len)
	if err != nil {
		return nil, err
	}
	row := r.Row
	r.Columns = append([]string{"id"}, r.Columns...)
	r.Row = func(i int, v []any) {
		v[0] = ids[i]
		row(i, v[1:])
	}
	return ids, Insert(ctx, tx, r)
}

// NextIDs reserves n new ids of table's integer primary key "id", in
// ascending order, so rows can be written with Insert and referred to at once.
// On SQLite the caller's transaction holds the write lock (koe begins every
// transaction IMMEDIATE), so no other writer can take the same ids.
func NextIDs(ctx context.Context, tx bun.Tx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if KindOf(tx) == Postgres {
		err := tx.NewRaw("SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)", table, n).Scan(ctx, &ids)
		return ids, err
	}
	var last int64
	if err := tx.NewRaw("SELECT coalesce(max(id), 0) FROM ?", bun.Ident(table)).Scan(ctx, &last); err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}
