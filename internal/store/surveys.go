package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/survey"
)

// SurveyBySlug returns a survey with its series and questions, or ErrNotFound.
func (st *Store) SurveyBySlug(ctx context.Context, slug string) (_ *survey.Survey, err error) {
	defer wrapErr("store.SurveyBySlug", &err)
	return st.cachedSurveyBySlug(ctx, slug) // see cache.go
}

func surveyBySlug(ctx context.Context, db bun.IDB, slug string) (*survey.Survey, error) {
	s := new(survey.Survey)
	err := db.NewSelect().Comment("store.surveyBySlug").Model(s).
		Relation("Series").
		Relation("Questions", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Comment("store.surveyBySlug").Order("position") }).
		Where("?TableAlias.slug = ?", slug).
		Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	return s, err
}

// SurveySummaries lists every survey with its response count, newest event first.
func (st *Store) SurveySummaries(ctx context.Context) (_ []survey.SurveySummary, err error) {
	defer wrapErr("store.SurveySummaries", &err)
	var rows []struct {
		Slug, Title, EventTitle, EventDate string
		SeriesKey, SeriesTitle             sql.NullString
		Responses, MaxResponses            int
		LastResponse                       bun.NullTime
		OpensAt, ClosesAt                  bun.NullTime
	}
	err = st.db.NewSelect().Comment("store.Store.SurveySummaries").
		TableExpr("surveys AS s").
		ColumnExpr("s.slug, s.title, s.event_title, s.event_date, s.opens_at, s.closes_at, s.max_responses").
		ColumnExpr("se.key AS series_key, se.title AS series_title").
		ColumnExpr("(SELECT count(*) FROM responses r WHERE r.survey_id = s.id) AS responses").
		ColumnExpr("(SELECT max(r.submitted_at) FROM responses r WHERE r.survey_id = s.id) AS last_response").
		Join("LEFT JOIN series AS se ON se.id = s.series_id").
		OrderExpr("s.event_date DESC, s.created_at DESC, s.id DESC").
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := make([]survey.SurveySummary, len(rows))
	for i, r := range rows {
		out[i] = survey.SurveySummary{
			Slug: r.Slug, Title: r.Title, EventTitle: r.EventTitle, EventDate: r.EventDate,
			SeriesKey: r.SeriesKey.String, SeriesTitle: r.SeriesTitle.String, Responses: r.Responses,
			MaxResponses: r.MaxResponses, LastResponse: nullTime(r.LastResponse), OpensAt: nullTime(r.OpensAt), ClosesAt: nullTime(r.ClosesAt),
		}
	}
	return out, nil
}

func nullTime(t bun.NullTime) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t.Time
}

// ResponseCount returns how many responses a survey has.
func (st *Store) ResponseCount(ctx context.Context, s *survey.Survey) (_ int, err error) {
	defer wrapErr("store.ResponseCount", &err)
	return countRows(ctx, st.db.NewSelect().Comment("store.Store.ResponseCount").Model((*survey.Response)(nil)).Where("survey_id = ?", s.ID))
}

// SurveysInSeries returns the surveys of a series, in event order.
func (st *Store) SurveysInSeries(ctx context.Context, key string) (_ *survey.Series, _ []*survey.Survey, err error) {
	defer wrapErr("store.SurveysInSeries", &err)
	se := new(survey.Series)
	if err := st.db.NewSelect().Comment("store.Store.SurveysInSeries").Model(se).Where("key = ?", key).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, survey.ErrNotFound
		}
		return nil, nil, err
	}
	var surveys []*survey.Survey
	err = st.db.NewSelect().Comment("store.Store.SurveysInSeries").Model(&surveys).
		Relation("Series").
		Relation("Questions", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Comment("store.Store.SurveysInSeries").Order("position")
		}).
		Where("?TableAlias.series_id = ?", se.ID).
		OrderExpr("?TableAlias.event_date, ?TableAlias.id").
		Scan(ctx)
	return se, surveys, err
}
