package survey

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
)

// ErrNotFound is returned when no survey has the requested slug.
var ErrNotFound = errors.New("survey not found")

// Store reads and writes surveys and their responses.
type Store struct {
	db        *bun.DB
	tokenizer *analysis.Tokenizer // of analysed answers (nil: no text analysis)
	now       func() time.Time
	cache     questionCache
	writeMu   sync.Mutex // see lockWrites
	commits   *groupCommit
}

// NewStore returns a Store. tokenizer may be nil (no text analysis): the
// free-text answers of questions marked analyze are then stored without
// terms.
func NewStore(db *bun.DB, tokenizer *analysis.Tokenizer) *Store {
	st := &Store{db: db, tokenizer: tokenizer, now: time.Now}
	st.commits = &groupCommit{db: db, lockWrites: st.lockWrites}
	return st
}

// DB returns the underlying database, for packages that aggregate stored answers.
func (st *Store) DB() *bun.DB { return st.db }

// SurveyBySlug returns a survey with its series and questions, or ErrNotFound.
func (st *Store) SurveyBySlug(ctx context.Context, slug string) (*Survey, error) {
	return st.cachedSurveyBySlug(ctx, slug) // see cache.go
}

func surveyBySlug(ctx context.Context, db bun.IDB, slug string) (*Survey, error) {
	s := new(Survey)
	err := db.NewSelect().Model(s).
		Relation("Series").
		Relation("Questions", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Order("position") }).
		Where("?TableAlias.slug = ?", slug).
		Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return s, err
}

// SurveySummary is a line of the survey list.
type SurveySummary struct {
	Slug, Title, EventTitle, EventDate string
	SeriesKey, SeriesTitle             string
	Responses                          int
	LastResponse                       *time.Time
	OpensAt, ClosesAt                  *time.Time
}

// SurveySummaries lists every survey with its response count, newest event first.
func (st *Store) SurveySummaries(ctx context.Context) ([]SurveySummary, error) {
	var rows []struct {
		Slug, Title, EventTitle, EventDate string
		SeriesKey, SeriesTitle             sql.NullString
		Responses                          int
		LastResponse                       bun.NullTime
		OpensAt, ClosesAt                  bun.NullTime
	}
	err := st.db.NewSelect().
		TableExpr("surveys AS s").
		ColumnExpr("s.slug, s.title, s.event_title, s.event_date, s.opens_at, s.closes_at").
		ColumnExpr("se.key AS series_key, se.title AS series_title").
		ColumnExpr("(SELECT count(*) FROM responses r WHERE r.survey_id = s.id) AS responses").
		ColumnExpr("(SELECT max(r.submitted_at) FROM responses r WHERE r.survey_id = s.id) AS last_response").
		Join("LEFT JOIN series AS se ON se.id = s.series_id").
		OrderExpr("s.event_date DESC, s.created_at DESC, s.id DESC").
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := make([]SurveySummary, len(rows))
	for i, r := range rows {
		out[i] = SurveySummary{
			Slug: r.Slug, Title: r.Title, EventTitle: r.EventTitle, EventDate: r.EventDate,
			SeriesKey: r.SeriesKey.String, SeriesTitle: r.SeriesTitle.String, Responses: r.Responses,
			LastResponse: nullTime(r.LastResponse), OpensAt: nullTime(r.OpensAt), ClosesAt: nullTime(r.ClosesAt),
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
func (st *Store) ResponseCount(ctx context.Context, s *Survey) (int, error) {
	n, err := st.db.NewSelect().Model((*Response)(nil)).Where("survey_id = ?", s.ID).Count(ctx)
	return int(n), err
}

// SurveysInSeries returns the surveys of a series, in event order.
func (st *Store) SurveysInSeries(ctx context.Context, key string) (*Series, []*Survey, error) {
	se := new(Series)
	if err := st.db.NewSelect().Model(se).Where("key = ?", key).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, ErrNotFound
		}
		return nil, nil, err
	}
	var surveys []*Survey
	err := st.db.NewSelect().Model(&surveys).
		Relation("Series").
		Relation("Questions", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Order("position") }).
		Where("?TableAlias.series_id = ?", se.ID).
		OrderExpr("?TableAlias.event_date, ?TableAlias.id").
		Scan(ctx)
	return se, surveys, err
}
