package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/survey"
)

// Apply creates the survey of a definition or updates the one with its slug.
// Questions are matched by key and keep their identity. A change that would
// orphan stored answers (a removed question, a changed type, a removed option,
// row or column, or a narrower range that answers fall outside) is refused with
// an *OrphanError and nothing is changed. Apply is the command line's: it may
// use any series, and a series it creates belongs to no one.
func (st *Store) Apply(ctx context.Context, d *survey.Definition, source string) (created bool, err error) {
	defer wrapErr("store.Apply", &err)
	return st.apply(ctx, d, source, nil, false)
}

// ApplyBy is Apply for a change a signed-in staff member makes: a series the
// definition creates is theirs, and putting the survey into a series or
// retitling one they may not edit (Series.EditableBy) is refused with a
// *SeriesError, changing nothing.
func (st *Store) ApplyBy(ctx context.Context, d *survey.Definition, source string, by survey.Staff) (created bool, err error) {
	defer wrapErr("store.ApplyBy", &err)
	return st.apply(ctx, d, source, &by, false)
}

// Create stores the survey of a definition as a new one, owned by the staff
// member by, under the series rules of ApplyBy. If another survey has its
// slug, even one created by someone else at the same moment, nothing changes
// and it returns ErrSlugTaken: only Apply and ApplyBy change an existing survey.
func (st *Store) Create(ctx context.Context, d *survey.Definition, source string, by survey.Staff) (err error) {
	defer wrapErr("store.Create", &err)
	_, err = st.apply(ctx, d, source, &by, true)
	return err
}

func (st *Store) apply(ctx context.Context, d *survey.Definition, source string, by *survey.Staff, createOnly bool) (created bool, err error) {
	owner := ""
	if createOnly && by != nil {
		owner = by.Email
	}
	err = st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := st.now().UTC()
		s, err := surveyBySlug(ctx, tx, d.Slug)
		switch {
		case errors.Is(err, survey.ErrNotFound):
			created = true
			s = &survey.Survey{Slug: d.Slug, Owner: strings.ToLower(owner), CreatedAt: now}
		case err != nil:
			return err
		case createOnly:
			return survey.ErrSlugTaken
		}
		var seriesID *int64
		if d.Event != nil && d.Event.Series != "" {
			id, err := joinSeries(ctx, tx, d.Event, s.SeriesID, by)
			if err != nil {
				return err
			}
			seriesID = &id
		}
		s.Title, s.Description, s.Anonymous = d.Title, d.Description, d.Anonymous
		s.SeriesID, s.EventTitle, s.EventDate, s.Attendees = seriesID, "", "", 0
		if d.Event != nil {
			s.EventTitle, s.EventDate, s.Attendees = d.Event.Title, d.Event.Date, d.Event.Attendees
		}
		s.OpensAt, s.ClosesAt, s.MaxResponses = d.OpensAt, d.ClosesAt, d.MaxResponses
		s.CodeBooks, s.Codes = "", d.Codes
		if len(d.CodeBooks) > 0 {
			names, err := json.Marshal(d.CodeBooks)
			if err != nil {
				return err
			}
			s.CodeBooks = string(names)
		}
		s.Source, s.UpdatedAt = source, now
		if created {
			// Of two transactions creating one slug at once (PostgreSQL: both
			// found none), the second waits on the slug's unique index for the
			// first, then inserts nothing.
			res, err := tx.NewInsert().Comment("store.Store.apply").Model(s).On("CONFLICT (slug) DO NOTHING").Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return survey.ErrSlugTaken
			}
		} else {
			if err := refuseOrphans(ctx, tx, s, d); err != nil {
				return err
			}
			if _, err := tx.NewUpdate().Comment("store.Store.apply").Model(s).Column("title", "description", "anonymous", "series_id", "event_title", "event_date",
				"attendees", "opens_at", "closes_at", "max_responses", "code_books", "codes", "source", "updated_at").WherePK().Exec(ctx); err != nil {
				return err
			}
		}
		return syncQuestions(ctx, tx, s, d)
	})
	return created, err
}

// syncQuestions makes the stored questions match the definition, keeping ids by key.
func syncQuestions(ctx context.Context, tx bun.Tx, s *survey.Survey, d *survey.Definition) error {
	existing := map[string]*survey.QuestionModel{}
	for _, qm := range s.Questions {
		existing[qm.Key] = qm
	}
	for i := range d.Questions {
		q := &d.Questions[i]
		spec, err := json.Marshal(q)
		if err != nil {
			return err
		}
		qm := existing[q.Key]
		if qm == nil {
			qm = &survey.QuestionModel{SurveyID: s.ID}
		}
		delete(existing, q.Key)
		qm.Position, qm.Question, qm.Spec = i, *q, string(spec)
		if qm.ID == 0 {
			_, err = tx.NewInsert().Comment("store.syncQuestions").Model(qm).Exec(ctx)
		} else {
			_, err = tx.NewUpdate().Comment("store.syncQuestions").Model(qm).WherePK().Exec(ctx)
		}
		if err != nil {
			return err
		}
	}
	for _, qm := range existing { // unanswered questions removed from the definition
		if _, err := tx.NewDelete().Comment("store.syncQuestions").Model(qm).WherePK().Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// refuseOrphans checks every stored answer value against the new definition.
func refuseOrphans(ctx context.Context, tx bun.Tx, s *survey.Survey, d *survey.Definition) error {
	for _, qm := range s.Questions {
		type storedValue struct {
			Item, Value string
			Number      *float64
			Other       bool
			N           int
		}
		var values, texts []storedValue
		err := tx.NewSelect().Comment("store.refuseOrphans").Model((*survey.Answer)(nil)).
			ColumnExpr("item, value, number, other, count(*) AS n").
			Where("question_id = ? AND NOT free_text", qm.ID).
			GroupExpr("item, value, number, other").
			Scan(ctx, &values)
		if err != nil {
			return err
		}
		// A free text stays valid but for its question's type or その他:
		// one example of each kind is enough.
		err = tx.NewSelect().Comment("store.refuseOrphans").Model((*survey.Answer)(nil)).
			ColumnExpr("'' AS item, min(value) AS value, NULL AS number, other, count(*) AS n").
			Where("question_id = ? AND free_text", qm.ID).
			GroupExpr("other").
			Scan(ctx, &texts)
		if err != nil {
			return err
		}
		values = append(values, texts...)
		if len(values) == 0 {
			continue
		}
		total := 0
		for _, v := range values {
			total += v.N
		}
		q := d.Question(qm.Key)
		if q == nil {
			return &survey.OrphanError{Question: qm.Key, Reason: fmt.Sprintf("the question was removed but has %d stored answers", total)}
		}
		if q.Type != qm.Type {
			return &survey.OrphanError{Question: qm.Key, Reason: fmt.Sprintf("the type would change from %s to %s but it has %d stored answers", qm.Type, q.Type, total)}
		}
		var bad []string
		for _, v := range values {
			if msg := q.Orphan(v.Item, v.Value, v.Number, v.Other); msg != "" && !slices.Contains(bad, msg) {
				bad = append(bad, msg)
			}
		}
		if len(bad) > 0 {
			return &survey.OrphanError{Question: qm.Key, Reason: strings.Join(bad, "; ")}
		}
	}
	return nil
}
