package migrations_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/migrations"
)

// 0006 turns the term rows of a database in use into one list per answer and
// keeps the term totals.
func TestTermRowsBecomeOneListPerAnswer(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db, err := database.Open(dbtest.URL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			all, err := migrations.All(db)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range all {
				if m.Version >= "0006" {
					break
				}
				if _, err := migrations.ApplyOne(ctx, db, m); err != nil {
					t.Fatal(m.Version, err)
				}
			}
			for _, q := range []string{
				`INSERT INTO answer_terms (answer_id, question_id, term, kind, count) VALUES
					(10, 3, '人事異動', 'compound', 1), (10, 3, '連携', 'word', 2), (11, 3, '担い手', 'word', 1)`,
				`INSERT INTO term_counts (question_id, term, shard, count, docs) VALUES
					(3, '人事異動', 10, 1, 1), (3, '連携', 10, 2, 1), (3, '担い手', 11, 1, 1)`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := migrations.Apply(ctx, db); err != nil {
				t.Fatal(err)
			}
			var lists []struct {
				AnswerID int64
				Terms    string
			}
			if err := db.NewRaw("SELECT answer_id, terms FROM answer_term_lists WHERE question_id = 3 ORDER BY answer_id").Scan(ctx, &lists); err != nil {
				t.Fatal(err)
			}
			if len(lists) != 2 {
				t.Fatalf("%d lists, want 2: %+v", len(lists), lists)
			}
			lines := strings.Split(lists[0].Terms, "\n")
			slices.Sort(lines)
			if got := strings.Join(lines, "|"); lists[0].AnswerID != 10 || got != "1 c 人事異動|2 w 連携" {
				t.Errorf("answer %d: %q", lists[0].AnswerID, got)
			}
			if lists[1].AnswerID != 11 || lists[1].Terms != "1 w 担い手" {
				t.Errorf("answer %d: %q", lists[1].AnswerID, lists[1].Terms)
			}
			var docs int
			if err := db.NewRaw("SELECT sum(docs) FROM term_counts WHERE question_id = 3").Scan(ctx, &docs); err != nil || docs != 3 {
				t.Errorf("term totals: %d docs (err %v), want 3", docs, err)
			}
		})
	}
}
