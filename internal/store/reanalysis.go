package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
)

// reanalyzeBatch is how many answers one transaction recomputes: small enough
// that an interrupted run loses little and readers are never blocked for long.
const reanalyzeBatch = 1000

// StaleAnswers counts analysed answers whose terms were made with another
// dictionary than the one in use (surveyID 0: every survey).
func (s *Store) StaleAnswers(ctx context.Context, surveyID int64) (int, error) {
	n, err := countRows(ctx, s.staleQuery(surveyID, false))
	if err != nil {
		return 0, fmt.Errorf("store.StaleAnswers: %w", err)
	}
	return n, nil
}

// staleQuery selects the analysed answers to recompute. They are free texts
// (of text and textarea questions), found by question through their index.
func (s *Store) staleQuery(surveyID int64, all bool) *bun.SelectQuery {
	q := s.db.NewSelect().Comment("store.Store.staleQuery").TableExpr("answers AS a").
		Join("JOIN questions AS q ON q.id = a.question_id").
		Where("q.analyze_text AND NOT q.personal AND a.free_text")
	if !all {
		q = q.Where("a.dict_version <> ?", s.Version())
	}
	if surveyID != 0 {
		q = q.Where("q.survey_id = ?", surveyID)
	}
	return q
}

// Reanalyze recomputes the terms of analysed answers made with another
// dictionary (every analysed answer when all is set), a batch per
// transaction, using every core. It reports progress as it goes and returns
// how many answers it recomputed. Interrupted, it resumes where it stopped.
func (s *Store) Reanalyze(ctx context.Context, surveyID int64, all bool, progress func(done, total int)) (int, error) {
	total, err := countRows(ctx, s.staleQuery(surveyID, all))
	if err != nil {
		return 0, fmt.Errorf("store.Reanalyze: %w", err)
	}
	done := 0
	var lastID int64
	for {
		var batch []struct {
			ID         int64
			QuestionID int64
			ResponseID string
			Value      string
		}
		err := s.staleQuery(surveyID, all).ColumnExpr("a.id, a.question_id, a.response_id, a.value").
			Where("a.id > ?", lastID).OrderExpr("a.id").Limit(reanalyzeBatch).Scan(ctx, &batch)
		if err != nil {
			return done, fmt.Errorf("store.Reanalyze: %w", err)
		}
		if len(batch) == 0 {
			return done, nil
		}
		texts := make([]string, len(batch))
		var questions []int64
		for i, a := range batch {
			texts[i] = a.Value
			if !slices.Contains(questions, a.QuestionID) {
				questions = append(questions, a.QuestionID)
			}
		}
		analyzer := s.Analyzer() // one dictionary for the terms and the version stamped on them
		terms := analyzer.TermsBatch(texts)
		fresh := make([]AnswerTerms, len(batch))
		for i, a := range batch {
			fresh[i] = AnswerTerms{AnswerID: a.ID, QuestionID: a.QuestionID, ResponseID: a.ResponseID, Terms: terms[i]}
		}
		if s.tokenized != nil {
			s.tokenized()
		}
		err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return storeReanalysed(ctx, tx, questions, fresh, analyzer.Version())
		})
		if err != nil {
			return done, fmt.Errorf("store.Reanalyze: %w", err)
		}
		done += len(batch)
		lastID = batch[len(batch)-1].ID
		if progress != nil {
			progress(done, total)
		}
	}
}

// storeReanalysed replaces the terms of the answers of fresh still stored
// (of the given questions) and stamps them with the dictionary version, in
// tx. The answers' rows are locked first (see lockAnswers).
func storeReanalysed(ctx context.Context, tx bun.Tx, questions []int64, fresh []AnswerTerms, version string) error {
	ids := make([]int64, len(fresh))
	for i, a := range fresh {
		ids[i] = a.AnswerID
	}
	live, err := lockAnswers(ctx, tx, ids)
	if err != nil {
		return err
	}
	var kept []AnswerTerms
	for _, a := range fresh {
		if live[a.AnswerID] {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	keptIDs := make([]int64, len(kept))
	for i, a := range kept {
		keptIDs[i] = a.AnswerID
	}
	if err := replaceTerms(ctx, tx, questions, keptIDs, kept); err != nil {
		return err
	}
	_, err = tx.NewUpdate().Comment("store.storeReanalysed").TableExpr("answers").Set("dict_version = ?", version).
		Where("id IN (?)", bun.List(keptIDs)).Exec(ctx)
	return err
}

// lockAnswers returns which of the answers ids still exist, their rows
// locked until the end of tx. A response deleted while its answers were
// tokenized is gone, and its answers get no terms; one deleted later waits
// for tx and then removes the terms tx stores. On PostgreSQL the rows are
// locked in id order, before any term total, as survey's DeleteResponse
// locks its answers before it forgets their terms (ForgetTerms): the two
// never deadlock. On SQLite the transaction already holds the write lock.
func lockAnswers(ctx context.Context, tx bun.Tx, ids []int64) (map[int64]bool, error) {
	q := tx.NewSelect().Comment("store.lockAnswers").TableExpr("answers").Column("id").Where("id IN (?)", bun.List(ids)).OrderExpr("id")
	if database.KindOf(tx) == database.Postgres {
		q = q.For("UPDATE")
	}
	var live []int64
	if err := q.Scan(ctx, &live); err != nil {
		return nil, err
	}
	set := make(map[int64]bool, len(live))
	for _, id := range live {
		set[id] = true
	}
	return set, nil
}

// AnalysedSample returns the texts of at most n analysed answers of every
// survey, the newest first, and how many there are in all: what a preview
// of a dictionary change reads, bounded whatever the size of the database.
func (s *Store) AnalysedSample(ctx context.Context, n int) (texts []string, total int, err error) {
	defer wrapErr("store.AnalysedSample", &err)
	if total, err = countRows(ctx, s.staleQuery(0, true)); err != nil {
		return nil, 0, err
	}
	err = s.staleQuery(0, true).Comment("store.Store.AnalysedSample").ColumnExpr("a.value").OrderExpr("a.id DESC").Limit(int64(n)).Scan(ctx, &texts)
	return texts, total, err
}
