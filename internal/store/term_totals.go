package store

import (
	"context"
	"sort"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
)

// termShards spreads each total over this many rows, so concurrent
// submissions adding the same term seldom wait on one row lock. A
// termTotals adds to the shard of its first answer's id (mod termShards): a
// submission to its own, a whole import to one. Shards are therefore
// partial sums that may go negative (a deleted answer is subtracted from its
// own shard); readers sum them, and only rows that reach exactly zero are
// deleted.
const termShards = 16

// termCount is a share of a question's total for one term: occurrences and answers.
type termCount struct {
	bun.BaseModel `bun:"table:term_counts"`

	QuestionID int64  `bun:"question_id,pk"`
	Term       string `bun:"term,pk"`
	Shard      int64  `bun:"shard,pk"`
	Count      int    `bun:"count"`
	Docs       int    `bun:"docs"`
}

// termTotals sums answers' terms per question and term: the rows of the
// per-question totals one transaction adds to. An import folds in each
// batch of answers as it is stored, so it holds a sum per distinct term,
// not every answer's terms, and still writes the totals once, in key order:
// concurrent transactions, each writing the totals once, lock the rows in
// the same order and never deadlock.
type termTotals struct {
	shard   int64 // of the first answer added: one call, or one import, adds to one shard
	sums    map[termKey]*termCount
	removed bool // some answers were taken out: rows may reach zero
}

type termKey struct {
	q    int64
	term string
}

// add adds (sign 1) or removes (sign -1) answers' terms.
func (t *termTotals) add(answers []AnswerTerms, sign int) {
	if len(answers) == 0 {
		return
	}
	if t.sums == nil {
		t.sums = map[termKey]*termCount{}
		t.shard = answers[0].AnswerID % termShards
	}
	t.removed = t.removed || sign < 0
	for _, a := range answers {
		for _, term := range a.Terms {
			k := termKey{a.QuestionID, term.Text}
			c := t.sums[k]
			if c == nil {
				c = &termCount{QuestionID: k.q, Term: k.term, Shard: t.shard}
				t.sums[k] = c
			}
			c.Count += sign * term.Count
			c.Docs += sign
		}
	}
}

// write upserts the sums, rows in key order; after a removal it deletes the
// rows that reached zero.
func (t *termTotals) write(ctx context.Context, tx bun.Tx) error {
	if len(t.sums) == 0 {
		return nil
	}
	counts := make([]*termCount, 0, len(t.sums))
	for _, c := range t.sums {
		counts = append(counts, c)
	}
	sort.Slice(counts, func(i, j int) bool {
		a, b := counts[i], counts[j]
		if a.QuestionID != b.QuestionID {
			return a.QuestionID < b.QuestionID
		}
		if a.Term != b.Term {
			return a.Term < b.Term
		}
		return a.Shard < b.Shard
	})
	err := database.Insert(ctx, tx, database.Rows{
		Table:   "term_counts",
		Columns: []string{"question_id", "term", "shard", "count", "docs"},
		Len:     len(counts),
		Row: func(i int, v []any) {
			c := counts[i]
			v[0], v[1], v[2], v[3], v[4] = c.QuestionID, c.Term, c.Shard, c.Count, c.Docs
		},
		OnConflict: "ON CONFLICT (question_id, term, shard) DO UPDATE SET " +
			"count = term_counts.count + excluded.count, docs = term_counts.docs + excluded.docs",
	})
	if err != nil || !t.removed {
		return err
	}
	var questions []int64
	for _, c := range counts {
		if len(questions) == 0 || questions[len(questions)-1] != c.QuestionID {
			questions = append(questions, c.QuestionID)
		}
	}
	_, err = tx.NewDelete().Comment("store.termTotals.write").Model((*termCount)(nil)).Where("question_id IN (?) AND docs = 0 AND count = 0", bun.List(questions)).Exec(ctx)
	return err
}
