package analysis

import (
	"context"
	"sort"

	"github.com/uptrace/bun"
)

// termCounts spreads each total over this many rows (by answer id), so
// concurrent transactions adding the same term seldom wait on one row lock.
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

// addTermCounts adds (sign 1) or removes (sign -1) answers' terms to the
// per-question totals. Rows are written in key order, so concurrent
// transactions lock them in the same order and never deadlock.
func addTermCounts(ctx context.Context, db bun.IDB, rows []answerTerm, sign int) error {
	type key struct {
		q     int64
		term  string
		shard int64
	}
	sums := map[key]*termCount{}
	for _, r := range rows {
		k := key{r.QuestionID, r.Term, r.AnswerID % termShards}
		c := sums[k]
		if c == nil {
			c = &termCount{QuestionID: r.QuestionID, Term: r.Term, Shard: k.shard}
			sums[k] = c
		}
		c.Count += sign * r.Count
		c.Docs += sign
	}
	if len(sums) == 0 {
		return nil
	}
	counts := make([]termCount, 0, len(sums))
	for _, c := range sums {
		counts = append(counts, *c)
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
	for i := 0; i < len(counts); i += insertBatch {
		chunk := counts[i:min(i+insertBatch, len(counts))]
		_, err := db.NewInsert().Model(&chunk).
			On("CONFLICT (question_id, term, shard) DO UPDATE").
			Set("count = ?TableAlias.count + EXCLUDED.count").
			Set("docs = ?TableAlias.docs + EXCLUDED.docs").
			Exec(ctx)
		if err != nil {
			return err
		}
	}
	if sign < 0 {
		var questions []int64
		for _, c := range counts {
			if len(questions) == 0 || questions[len(questions)-1] != c.QuestionID {
				questions = append(questions, c.QuestionID)
			}
		}
		_, err := db.NewDelete().Model((*termCount)(nil)).Where("question_id IN (?) AND docs <= 0", bun.In(questions)).Exec(ctx)
		return err
	}
	return nil
}

// termsOf reads the stored terms of some answers of some questions.
func termsOf(ctx context.Context, db bun.IDB, questions, answers []int64) ([]answerTerm, error) {
	var rows []answerTerm
	err := db.NewSelect().Model(&rows).
		Where("question_id IN (?) AND answer_id IN (?)", bun.In(questions), bun.In(answers)).Scan(ctx)
	return rows, err
}

// ForgetAnswers removes the stored terms of answers about to be deleted, and
// their share of the totals, inside the deleting transaction.
func (s *Store) ForgetAnswers(ctx context.Context, tx bun.Tx, questions, answers []int64) error {
	if len(answers) == 0 {
		return nil
	}
	old, err := termsOf(ctx, tx, questions, answers)
	if err != nil {
		return err
	}
	if err := addTermCounts(ctx, tx, old, -1); err != nil {
		return err
	}
	_, err = tx.NewDelete().TableExpr("answer_terms").
		Where("question_id IN (?) AND answer_id IN (?)", bun.In(questions), bun.In(answers)).Exec(ctx)
	return err
}
