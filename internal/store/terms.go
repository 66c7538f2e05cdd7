package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
)

// AnswerTerms is the terms of a stored answer.
type AnswerTerms struct {
	AnswerID   int64
	QuestionID int64
	ResponseID string
	Terms      []analysis.Term
}

// termListChunk is how many answers' term lists TermWriter gathers before
// it writes them: a submission's few lists wait for the end of the
// transaction, to go in one statement with those of the submissions sharing
// it, while an import's are written a chunk at a time as they are tokenized.
const termListChunk = analysis.PendingChunk

// TermWriter writes the terms of the analysed answers of one transaction:
// their term lists and their sums for the per-question totals. The
// submissions that share a transaction (group commit) share one writer:
// their lists go in one statement and each total row is written once, by
// Flush, rows in key order, so transactions of several koe processes never
// deadlock on them. An import stores its rows in many batches in one
// transaction, so neither may grow with the file: the lists are written
// whenever a chunk has gathered, the totals are sums. The zero value is
// ready; use a new one for each transaction (a retried one too).
type TermWriter struct {
	lists  []AnswerTerms
	totals termTotals
}

// Add stores the terms of answers stored in tx: it writes their lists once
// a chunk has gathered and leaves the rest, and the totals, to Flush.
func (w *TermWriter) Add(ctx context.Context, tx bun.Tx, answers []AnswerTerms) error {
	w.totals.add(answers, 1)
	w.lists = append(w.lists, answers...)
	if len(w.lists) < termListChunk {
		return nil
	}
	err := insertTermLists(ctx, tx, w.lists)
	w.lists = w.lists[:0]
	if err != nil {
		return fmt.Errorf("store.TermWriter.Add: %w", err)
	}
	return nil
}

// Flush writes what Add left, before tx commits.
func (w *TermWriter) Flush(ctx context.Context, tx bun.Tx) error {
	if err := insertTermLists(ctx, tx, w.lists); err != nil {
		return fmt.Errorf("store.TermWriter.Flush: %w", err)
	}
	w.lists = w.lists[:0]
	if err := w.totals.write(ctx, tx); err != nil {
		return fmt.Errorf("store.TermWriter.Flush: %w", err)
	}
	w.totals = termTotals{}
	return nil
}

// insertTermLists writes the term lists of analysed answers (an empty list
// for an answer without terms: it still counts as an answer).
func insertTermLists(ctx context.Context, tx bun.Tx, answers []AnswerTerms) error {
	return database.Insert(ctx, tx, database.Rows{
		Table:   "answer_term_lists",
		Columns: []string{"question_id", "answer_id", "response_id", "terms"},
		Len:     len(answers),
		Row: func(i int, v []any) {
			a := &answers[i]
			v[0], v[1], v[2], v[3] = a.QuestionID, a.AnswerID, a.ResponseID, analysis.EncodeTerms(a.Terms)
		},
	})
}

// termListsOf reads the stored terms of some answers of some questions.
func termListsOf(ctx context.Context, db bun.IDB, questions, answers []int64) ([]AnswerTerms, error) {
	rows, err := db.NewSelect().Comment("store.termListsOf").TableExpr("answer_term_lists").Column("question_id", "answer_id", "terms").
		Where("question_id IN (?) AND answer_id IN (?)", bun.List(questions), bun.List(answers)).Rows(ctx)
	if err != nil {
		return nil, err
	}
	var out []AnswerTerms
	err = eachRow(rows, func() error {
		var a AnswerTerms
		var list string
		if err := rows.Scan(&a.QuestionID, &a.AnswerID, &list); err != nil {
			return err
		}
		terms, err := analysis.DecodeTerms(nil, list, nil)
		a.Terms = terms
		out = append(out, a)
		return err
	})
	return out, err
}

// ForgetTerms removes the stored terms of answers about to be deleted (of
// the given questions), and their share of the totals, inside the deleting
// transaction. The caller has locked the answers' rows first (see
// lockAnswers).
func ForgetTerms(ctx context.Context, tx bun.Tx, questions, answers []int64) error {
	if err := replaceTerms(ctx, tx, questions, answers, nil); err != nil {
		return fmt.Errorf("store.ForgetTerms: %w", err)
	}
	return nil
}

// replaceTerms replaces the stored terms of answers (of the given
// questions) by fresh, the new terms of some of them (none: the terms are
// forgotten), lists and totals alike.
func replaceTerms(ctx context.Context, tx bun.Tx, questions, answers []int64, fresh []AnswerTerms) error {
	if len(answers) == 0 {
		return nil
	}
	old, err := termListsOf(ctx, tx, questions, answers)
	if err != nil {
		return err
	}
	_, err = tx.NewDelete().Comment("store.replaceTerms").TableExpr("answer_term_lists").
		Where("question_id IN (?) AND answer_id IN (?)", bun.List(questions), bun.List(answers)).Exec(ctx)
	if err != nil {
		return err
	}
	if err := insertTermLists(ctx, tx, fresh); err != nil {
		return err
	}
	var t termTotals
	t.add(fresh, 1)
	t.add(old, -1)
	return t.write(ctx, tx)
}
