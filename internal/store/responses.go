package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/survey"
)

// DeleteResponse removes one response for a respondent who asks: the terms
// analysis made of its answers and their share of the term totals
// (term lists have no foreign key, so they go first), its answers, and the
// response itself, in one transaction. Nothing of
// it stays behind; reports and analysis computed afterwards no longer count it.
func (st *Store) DeleteResponse(ctx context.Context, s *survey.Survey, id string) (err error) {
	defer wrapErr("store.DeleteResponse", &err)
	return st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		found, err := exists(ctx, tx, "store.Store.DeleteResponse", tx.NewSelect().Model((*survey.Response)(nil)).Where("id = ? AND survey_id = ?", id, s.ID))
		if err != nil {
			return err
		}
		if !found {
			return survey.ErrNoResponse
		}
		// The answers' rows are locked first, in id order, then their terms'
		// totals: reanalysis takes its locks in the same order (see
		// store.lockAnswers), so the two never deadlock on PostgreSQL, and
		// a reanalysis that stored terms for these answers has committed
		// before they are read below. SQLite's transaction holds the write lock.
		var rows []survey.Answer
		q := tx.NewSelect().Comment("store.Store.DeleteResponse").Model(&rows).Column("id", "question_id").Where("response_id = ?", id).Order("id")
		if database.KindOf(tx) == database.Postgres {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return err
		}
		var questions, answers []int64
		for _, a := range rows {
			if !slices.Contains(questions, a.QuestionID) {
				questions = append(questions, a.QuestionID)
			}
			answers = append(answers, a.ID)
		}
		// The terms analysis made of the answers, and their share of the totals.
		if err := ForgetTerms(ctx, tx, questions, answers); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Comment("store.Store.DeleteResponse").Model((*survey.Answer)(nil)).Where("response_id = ?", id).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewDelete().Comment("store.Store.DeleteResponse").Model((*survey.Response)(nil)).Where("id = ? AND survey_id = ?", id, s.ID).Exec(ctx)
		return err
	})
}

// ResponseByID returns one stored response of a survey, personal fields included.
func (st *Store) ResponseByID(ctx context.Context, s *survey.Survey, id string) (_ *survey.StoredResponse, err error) {
	defer wrapErr("store.ResponseByID", &err)
	r := new(survey.Response)
	err = st.db.NewSelect().Comment("store.Store.ResponseByID").Model(r).Where("id = ? AND survey_id = ?", id, s.ID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNoResponse
	}
	if err != nil {
		return nil, err
	}
	var rows []survey.Answer
	if err := st.db.NewSelect().Comment("store.Store.ResponseByID").Model(&rows).Where("response_id = ?", id).Order("question_id", "position").Scan(ctx); err != nil {
		return nil, err
	}
	return &survey.StoredResponse{ID: r.ID, SubmittedAt: r.SubmittedAt.UTC(), Answers: s.AnswersFromRows(rows, true)}, nil
}

// ResponsesOf returns every response of a survey, oldest first. Personal
// fields are included only when withPersonal is set (staff exports).
func (st *Store) ResponsesOf(ctx context.Context, s *survey.Survey, withPersonal bool) (_ []survey.StoredResponse, err error) {
	defer wrapErr("store.ResponsesOf", &err)
	var responses []survey.Response
	if err := st.db.NewSelect().Comment("store.Store.ResponsesOf").Model(&responses).Where("survey_id = ?", s.ID).Order("submitted_at", "id").Scan(ctx); err != nil {
		return nil, err
	}
	var rows []survey.Answer
	err = st.db.NewSelect().Comment("store.Store.ResponsesOf").Model(&rows).
		Where("response_id IN (SELECT id FROM responses WHERE survey_id = ?)", s.ID).
		Order("response_id", "question_id", "position").
		Scan(ctx)
	if err != nil {
		return nil, err
	}
	byResponse := map[string][]survey.Answer{}
	for _, a := range rows {
		byResponse[a.ResponseID] = append(byResponse[a.ResponseID], a)
	}
	out := make([]survey.StoredResponse, len(responses))
	for i, r := range responses {
		out[i] = survey.StoredResponse{ID: r.ID, SubmittedAt: r.SubmittedAt.UTC(), Answers: s.AnswersFromRows(byResponse[r.ID], withPersonal)}
	}
	return out, nil
}
