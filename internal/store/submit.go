package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/survey"
)

// Submit stores a validated response and all its answers (and their terms) in
// one transaction. replay is true when the submission key was already used;
// id is then the first response's id and nothing new is stored.
//
// Concurrent submissions share a transaction (see groupCommit); one refused
// (full survey, used invitation) leaves the others whole, and none is
// acknowledged before the shared commit.
func (st *Store) Submit(ctx context.Context, s *survey.Survey, answers survey.Answers, sub survey.Submission) (id string, replay bool, err error) {
	defer wrapErr("store.Submit", &err)
	if err := survey.CheckSubmissionKey(sub.Key); err != nil {
		return "", false, err
	}
	r := st.newResponse(s, sub)
	newID := r.ID
	rows := survey.AnswerRows(s, r.ID, answers)
	analysed := st.startAnalysis(ctx, s, rows)
	// Tokenizing ends before the submission joins the commit queue: the
	// shared transaction only writes, so a slow analysis (the longest
	// answers, many at once) holds up no one else's answers.
	if analysed != nil {
		if err := analysed.pending.Wait(ctx); err != nil {
			return "", false, err
		}
	}
	err = st.commits.do(ctx, textSize(answers), func(ctx context.Context, tx bun.Tx, terms *TermWriter) error {
		r.ID, replay = newID, false // a write retried on its own starts afresh
		if s.MaxResponses > 0 {
			if database.KindOf(tx) == database.Postgres { // serialise counting; SQLite's IMMEDIATE tx already does
				if _, err := tx.NewRaw("/* store.Store.Submit */ SELECT id FROM surveys WHERE id = ? FOR UPDATE", s.ID).Exec(ctx); err != nil {
					return err
				}
			}
			n, err := countRows(ctx, tx.NewSelect().Comment("store.Store.Submit").Model((*survey.Response)(nil)).Where("survey_id = ?", s.ID))
			if err != nil {
				return err
			}
			if n >= s.MaxResponses {
				if id, found, err := responseByKey(ctx, tx, s.ID, sub.Key); err != nil || found {
					r.ID, replay = id, found
					return err
				}
				return survey.ErrFull
			}
		}
		res, err := tx.NewInsert().Comment("store.Store.Submit").Model(r).On("CONFLICT (survey_id, submission_key) DO NOTHING").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			id, _, err := responseByKey(ctx, tx, s.ID, sub.Key)
			r.ID, replay = id, true
			return err
		}
		if sub.Invitation != "" {
			if err := claimInvitation(ctx, tx, s, sub.Invitation, r.ID); err != nil {
				return err
			}
		}
		return st.insertAnswers(ctx, tx, rows, analysed, terms)
	})
	return r.ID, replay, err
}

// textSize is the bytes of text in answers: what their rows cost to write.
func textSize(answers survey.Answers) int {
	n := 0
	for _, v := range answers {
		switch v := v.(type) {
		case string:
			n += len(v)
		case []string:
			for _, x := range v {
				n += len(x)
			}
		case map[string]string:
			for row, col := range v {
				n += len(row) + len(col)
			}
		}
	}
	return n
}

// WriteWait returns how long the oldest submission not yet stored has been
// waiting to be written, in the commit queue or in the transaction being
// written; 0 when none is. A normal write takes milliseconds: a long wait
// means submissions are stalling (the database is locked or too slow).
func (st *Store) WriteWait() time.Duration { return st.commits.waiting() }

func (st *Store) newResponse(s *survey.Survey, sub survey.Submission) *survey.Response {
	at := sub.At
	if at.IsZero() {
		at = st.now()
	}
	r := &survey.Response{ID: uuid.Must(uuid.NewV7()).String(), SurveyID: s.ID, SubmittedAt: at.UTC(), Source: sub.Source}
	if sub.Key != "" {
		r.SubmissionKey = &sub.Key
	}
	return r
}

// analysedRows are the analysed answers among a submission's rows, being
// tokenized: the text of rows[index[i]] is the i-th text of pending.
type analysedRows struct {
	index   []int
	pending *analysis.Pending
}

// startAnalysis starts tokenizing the analysed answers among rows (to
// questions marked analyze, not personal) in the background, and marks them
// with the version of the dictionary that makes their terms. It returns nil
// when none is analysed, or without a tokenizer.
func (st *Store) startAnalysis(ctx context.Context, s *survey.Survey, rows []survey.Answer) *analysedRows {
	if st.tokenizer == nil {
		return nil
	}
	var index []int
	var texts []string
	for i := range rows {
		a := &rows[i]
		if q := s.QuestionByID(a.QuestionID); q != nil && q.Analyze && !q.Personal {
			index = append(index, i)
			texts = append(texts, a.Value)
		}
	}
	if len(texts) == 0 {
		return nil
	}
	pending := st.tokenizer.Start(ctx, texts)
	for _, i := range index {
		rows[i].DictVersion = pending.Version()
	}
	return &analysedRows{index: index, pending: pending}
}

// insertAnswers writes answer rows, then hands the terms of the analysed
// ones (analysed, from startAnalysis, may be nil) to terms, a chunk at a
// time as they are tokenized. Tokenizing needs only the texts, so it has
// been running since startAnalysis: for an import, while the rows are
// written, both cores stay busy.
func (st *Store) insertAnswers(ctx context.Context, tx bun.Tx, rows []survey.Answer, analysed *analysedRows, terms *TermWriter) error {
	ids, err := database.InsertWithIDs(ctx, tx, database.Rows{
		Table:   "answers",
		Columns: []string{"response_id", "question_id", "item", "value", "number", "other", "free_text", "position", "dict_version"},
		Len:     len(rows),
		Row: func(i int, v []any) {
			a := &rows[i]
			v[0], v[1], v[2], v[3] = a.ResponseID, a.QuestionID, a.Item, a.Value
			v[4], v[5], v[6], v[7], v[8] = a.Number, a.Other, a.FreeText, a.Position, a.DictVersion
		},
	})
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].ID = ids[i]
	}
	if analysed == nil {
		return nil
	}
	for c := range analysed.pending.Chunks() {
		first, chunk, err := analysed.pending.Chunk(c)
		if err != nil {
			return err
		}
		answers := make([]AnswerTerms, len(chunk))
		for k, t := range chunk {
			a := &rows[analysed.index[first+k]]
			answers[k] = AnswerTerms{AnswerID: a.ID, QuestionID: a.QuestionID, ResponseID: a.ResponseID, Terms: t}
		}
		if err := terms.Add(ctx, tx, answers); err != nil {
			return err
		}
	}
	return nil
}

// SubmitAll stores many responses in one transaction: every one or none.
// Responses whose submission key is already stored (or repeated in the batch)
// are skipped, so importing the same file twice stores nothing twice.
// max_responses does not apply: it limits respondents, not staff imports.
func (st *Store) SubmitAll(ctx context.Context, s *survey.Survey, batch []survey.Pending) (stored, skipped int, err error) {
	defer wrapErr("store.SubmitAll", &err)
	for _, p := range batch {
		if err := survey.CheckSubmissionKey(p.Sub.Key); err != nil {
			return 0, 0, err
		}
	}
	defer st.lockWrites()()
	err = st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var existing []string
		if err := tx.NewSelect().Comment("store.Store.SubmitAll").Model((*survey.Response)(nil)).Column("submission_key").
			Where("survey_id = ? AND submission_key IS NOT NULL", s.ID).Scan(ctx, &existing); err != nil {
			return err
		}
		seen := make(map[string]bool, len(existing)+len(batch))
		for _, k := range existing {
			seen[k] = true
		}
		var fresh []survey.Pending
		for _, p := range batch {
			if p.Sub.Key != "" && seen[p.Sub.Key] {
				skipped++
				continue
			}
			seen[p.Sub.Key] = true
			fresh = append(fresh, p)
		}
		stored = len(fresh)
		terms := new(TermWriter)
		if err := st.insertResponses(ctx, tx, s, fresh, terms); err != nil {
			return err
		}
		return terms.Flush(ctx, tx)
	})
	if err != nil {
		return 0, 0, err
	}
	return stored, skipped, nil
}

// insertResponses writes new responses with their answers, and leaves the
// terms of their analysed answers to terms, in tx.
func (st *Store) insertResponses(ctx context.Context, tx bun.Tx, s *survey.Survey, batch []survey.Pending, terms *TermWriter) error {
	responses := make([]survey.Response, len(batch))
	var rows []survey.Answer
	for i, p := range batch {
		responses[i] = *st.newResponse(s, p.Sub)
		rows = append(rows, survey.AnswerRows(s, responses[i].ID, p.Answers)...)
	}
	err := database.Insert(ctx, tx, database.Rows{
		Table:   "responses",
		Columns: []string{"id", "survey_id", "submitted_at", "submission_key", "source"},
		Len:     len(responses),
		Row: func(i int, v []any) {
			r := &responses[i]
			v[0], v[1], v[2], v[3], v[4] = r.ID, r.SurveyID, r.SubmittedAt, r.SubmissionKey, r.Source
		},
	})
	if err != nil {
		return err
	}
	analysed := st.startAnalysis(ctx, s, rows)
	return st.insertAnswers(ctx, tx, rows, analysed, terms)
}

func responseByKey(ctx context.Context, tx bun.Tx, surveyID int64, key string) (string, bool, error) {
	if key == "" {
		return "", false, nil
	}
	var ids []string
	err := tx.NewSelect().Comment("store.responseByKey").Model((*survey.Response)(nil)).Column("id").
		Where("survey_id = ? AND submission_key = ?", surveyID, key).Scan(ctx, &ids)
	if err != nil || len(ids) == 0 {
		return "", false, err
	}
	return ids[0], true, nil
}
