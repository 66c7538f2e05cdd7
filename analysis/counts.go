package analysis

import (
	"context"
	"sort"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
)

// termShards spreads each total over this many rows, so concurrent
// submissions adding the same term seldom wait on one row lock. A call adds
// to the shard of its first answer's id (mod termShards): a submission to
// its own, a whole import to one. Shards are therefore partial sums that may
// go negative (a deleted answer is subtracted from its own shard); readers
// sum them, and only rows that reach exactly zero are deleted.
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

// addTermCounts removes the terms of some answers from the per-question
// totals and adds those of others, in one statement: rows are written in key
// order, so concurrent transactions, each writing the totals once, lock them
// in the same order and never deadlock.
func addTermCounts(ctx context.Context, tx bun.Tx, removed, added []analysedAnswer) error {
	var t termTotals
	t.add(added, 1)
	t.add(removed, -1)
	return t.write(ctx, tx)
}

// termTotals sums analysed answers' terms per question and term: the rows
// addTermCounts writes. An import folds in each batch of answers as it is
// stored, so it holds a sum per distinct term, not every answer's terms,
// and still writes the totals once, in key order.
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
func (t *termTotals) add(answers []analysedAnswer, sign int) {
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

// write upserts the sums; after a removal it deletes the rows that reached
// zero.
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
	_, err = tx.NewDelete().Model((*termCount)(nil)).Where("question_id IN (?) AND docs = 0 AND count = 0", bun.In(questions)).Exec(ctx)
	return err
}

// termListsOf reads the stored terms of some answers of some questions.
func termListsOf(ctx context.Context, db bun.IDB, questions, answers []int64) ([]analysedAnswer, error) {
	rows, err := db.NewSelect().TableExpr("answer_term_lists").Column("question_id", "answer_id", "terms").
		Where("question_id IN (?) AND answer_id IN (?)", bun.In(questions), bun.In(answers)).Rows(ctx)
	if err != nil {
		return nil, err
	}
	var out []analysedAnswer
	err = eachRow(rows, func() error {
		var a analysedAnswer
		var list string
		if err := rows.Scan(&a.QuestionID, &a.AnswerID, &list); err != nil {
			return err
		}
		terms, err := decodeTerms(nil, list, nil)
		a.Terms = terms
		out = append(out, a)
		return err
	})
	return out, err
}

// ForgetAnswers removes the stored terms of answers about to be deleted, and
// their share of the totals, inside the deleting transaction. It implements
// survey.TextAnalyzer; the caller has locked the answers' rows (see
// Reanalyze).
func (s *Store) ForgetAnswers(ctx context.Context, tx bun.Tx, questions, answers []int64) error {
	return replaceTerms(ctx, tx, questions, answers, nil)
}

// replaceTerms replaces the stored terms of answers (of the given
// questions) by analysed, the new terms of some of them (none: the terms
// are forgotten), lists and totals alike.
func replaceTerms(ctx context.Context, tx bun.Tx, questions, answers []int64, analysed []analysedAnswer) error {
	if len(answers) == 0 {
		return nil
	}
	old, err := termListsOf(ctx, tx, questions, answers)
	if err != nil {
		return err
	}
	_, err = tx.NewDelete().TableExpr("answer_term_lists").
		Where("question_id IN (?) AND answer_id IN (?)", bun.In(questions), bun.In(answers)).Exec(ctx)
	if err != nil {
		return err
	}
	if err := insertTermLists(ctx, tx, analysed); err != nil {
		return err
	}
	return addTermCounts(ctx, tx, old, analysed)
}
