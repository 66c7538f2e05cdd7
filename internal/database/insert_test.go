package database_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// sample is a row of every value type Insert takes, read back through bun
// as the rest of koe reads its tables.
type sample struct {
	bun.BaseModel `bun:"table:insert_samples"`

	ID     int64     `bun:"id,pk"`
	Text   string    `bun:"text"`
	Key    *string   `bun:"key"`
	Number *float64  `bun:"number"`
	Flag   bool      `bun:"flag"`
	At     time.Time `bun:"at"`
}

func createSamples(t *testing.T, db *bun.DB) {
	t.Helper()
	ddl := "CREATE TABLE insert_samples (id INTEGER PRIMARY KEY, text TEXT NOT NULL, key TEXT, number DOUBLE PRECISION, flag BOOLEAN NOT NULL, at TIMESTAMP NOT NULL)"
	if database.KindOf(db) == database.Postgres {
		ddl = "CREATE TABLE insert_samples (id BIGSERIAL PRIMARY KEY, text TEXT NOT NULL, key TEXT, number DOUBLE PRECISION, flag BOOLEAN NOT NULL, at TIMESTAMPTZ NOT NULL)"
	}
	if _, err := db.ExecContext(context.Background(), ddl); err != nil {
		t.Fatal(err)
	}
}

// Rows written by Insert (small batches, and batches large enough for
// PostgreSQL's COPY) read back exactly, whatever their text holds.
func TestInsertWritesRowsThatReadBackExactly(t *testing.T) {
	texts := []string{"連携が途切れる", `quote " and backslash \ and 'single'`, "tab\tnew\nline\r\x01", "", "絵文字 🙂 と全角ＡＢＣ"}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		createSamples(t, db)
		at := time.Date(2026, 11, 23, 9, 30, 15, 123456000, time.FixedZone("JST", 9*3600))
		for _, n := range []int{3, 450} { // 450: over COPY's threshold on PostgreSQL
			var want []sample
			err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				ids, err := database.NextIDs(ctx, tx, "insert_samples", n)
				if err != nil {
					return err
				}
				for i, id := range ids {
					s := sample{ID: id, Text: texts[i%len(texts)], Flag: i%2 == 0, At: at.Add(time.Duration(i) * time.Second)}
					if i%3 == 0 {
						k, f := fmt.Sprint("k", i), float64(i)/3
						s.Key, s.Number = &k, &f
					}
					want = append(want, s)
				}
				return database.Insert(ctx, tx, database.Rows{
					Table:   "insert_samples",
					Columns: []string{"id", "text", "key", "number", "flag", "at"},
					Len:     len(want),
					Row: func(i int, v []any) {
						s := want[i]
						v[0], v[1], v[2], v[3], v[4], v[5] = s.ID, s.Text, s.Key, s.Number, s.Flag, s.At
					},
				})
			})
			if err != nil {
				t.Fatalf("%d rows: %v", n, err)
			}
			for _, w := range want {
				var got sample
				if err := db.NewSelect().Model(&got).Where("id = ?", w.ID).Scan(ctx); err != nil {
					t.Fatalf("row %d: %v", w.ID, err)
				}
				if got.Text != w.Text || got.Flag != w.Flag || !got.At.Equal(w.At) ||
					fmt.Sprint(deref(got.Key)) != fmt.Sprint(deref(w.Key)) || fmt.Sprint(deref(got.Number)) != fmt.Sprint(deref(w.Number)) {
					t.Errorf("row %d: got %+v (key %v, number %v), want %+v (key %v, number %v)",
						w.ID, got, deref(got.Key), deref(got.Number), w, deref(w.Key), deref(w.Number))
				}
			}
		}
		var count int
		if err := db.NewRaw("SELECT count(DISTINCT id) FROM insert_samples").Scan(ctx, &count); err != nil || count != 453 {
			t.Errorf("%d distinct ids, want 453 (err %v)", count, err)
		}
	})
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// An upsert adds to existing rows; text neither database can store is
// refused with the row and column, and nothing of the batch is written.
func TestInsertUpsertsAndRefusesBadText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, "CREATE TABLE totals (k TEXT PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		add := func(keys ...string) error {
			return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				return database.Insert(ctx, tx, database.Rows{
					Table: "totals", Columns: []string{"k", "n"}, Len: len(keys),
					Row:        func(i int, v []any) { v[0], v[1] = keys[i], 1 },
					OnConflict: "ON CONFLICT (k) DO UPDATE SET n = totals.n + excluded.n",
				})
			})
		}
		if err := add("担い手", "縦割り"); err != nil {
			t.Fatal(err)
		}
		if err := add("担い手"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.NewRaw("SELECT n FROM totals WHERE k = ?", "担い手").Scan(ctx, &n); err != nil || n != 2 {
			t.Errorf("担い手 = %d, want 2 (err %v)", n, err)
		}
		err := add("ok", "bad\x00nul")
		if err == nil || !strings.Contains(err.Error(), "totals") {
			t.Fatalf("NUL byte: err %v, want a refusal naming the table", err)
		}
		if database.KindOf(db) == database.SQLite && !strings.Contains(err.Error(), "row 2") {
			t.Errorf("NUL byte: %v, want the row", err)
		}
		if err := add("ok2", string([]byte{0xff, 0xfe})); err == nil {
			t.Error("invalid UTF-8 was stored")
		}
		var rows int
		db.NewRaw("SELECT count(*) FROM totals").Scan(ctx, &rows)
		if rows != 2 {
			t.Errorf("%d rows after refused batches, want 2", rows)
		}
	})
}

// InsertWithIDs returns the ids of the rows it wrote, in row order, for a
// submission's few rows (RETURNING on PostgreSQL) and for an import's many
// (ids reserved first).
func TestInsertWithIDsReturnsIDsInRowOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		createSamples(t, db)
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		for _, n := range []int{1, 7, 300} {
			var ids []int64
			err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				var err error
				ids, err = database.InsertWithIDs(ctx, tx, database.Rows{
					Table: "insert_samples", Columns: []string{"text", "flag", "at"}, Len: n,
					Row: func(i int, v []any) { v[0], v[1], v[2] = fmt.Sprint(n, "-", i), false, at },
				})
				return err
			})
			if err != nil {
				t.Fatalf("%d rows: %v", n, err)
			}
			if len(ids) != n {
				t.Fatalf("%d rows: %d ids", n, len(ids))
			}
			for i, id := range ids {
				var text string
				if err := db.NewRaw("SELECT text FROM insert_samples WHERE id = ?", id).Scan(ctx, &text); err != nil || text != fmt.Sprint(n, "-", i) {
					t.Fatalf("%d rows: id %d (row %d) holds %q (err %v)", n, id, i, text, err)
				}
			}
		}
	})
}
