package migrations_test

import (
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
			ctx := dbtest.Context(t)
			migrateBefore(t, ctx, db, "0006")
			for _, q := range []string{
				`INSERT INTO surveys (id, slug, title, created_at, updated_at) VALUES (1, 's', 'S', '2026-11-01 10:00:00', '2026-11-01 10:00:00')`,
				`INSERT INTO questions (id, survey_id, key, position, type, analyze_text) VALUES (3, 1, 'comments', 0, 'textarea', TRUE), (4, 1, 'name', 1, 'text', FALSE)`,
				`INSERT INTO responses (id, survey_id, submitted_at) VALUES ('r1', 1, '2026-11-01 10:00:00'), ('r2', 1, '2026-11-01 10:01:00'), ('r3', 1, '2026-11-01 10:02:00')`,
				`INSERT INTO answers (id, response_id, question_id, value, dict_version) VALUES
					(10, 'r1', 3, '人事異動で連携が途切れる。連携を。', 'v1'), (11, 'r2', 3, '担い手', 'v1'), (12, 'r3', 3, 'はい', 'v1'), (13, 'r3', 4, '山田', '')`,
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
				AnswerID   int64
				ResponseID string
				Terms      string
			}
			if err := db.NewRaw("SELECT answer_id, response_id, terms FROM answer_term_lists WHERE question_id = 3 ORDER BY answer_id").Scan(ctx, &lists); err != nil {
				t.Fatal(err)
			}
			if len(lists) != 3 { // one per analysed answer, the one without terms included
				t.Fatalf("%d lists, want 3: %+v", len(lists), lists)
			}
			if lists[0].ResponseID != "r1" || lists[2].ResponseID != "r3" {
				t.Errorf("responses: %+v", lists)
			}
			if lists[2].AnswerID != 12 || lists[2].Terms != "" {
				t.Errorf("answer without terms: %+v", lists[2])
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
