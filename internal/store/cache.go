package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/koe-project/koe/survey"
)

// questionCache keeps the questions of surveys, so a submission loads its
// survey with one query (the survey row and its series) instead of two. The
// survey row itself is always read fresh; its questions are reused while the
// row's id and updated_at are unchanged. Questions change only through Apply,
// which sets updated_at in the same transaction, so several koe processes on
// one database never use stale questions: an apply through any of them (or the
// CLI) changes updated_at, and every process reloads on its next request.
type questionCache struct {
	mu sync.Mutex
	m  map[string]cachedQuestions
}

type cachedQuestions struct {
	surveyID  int64
	updatedAt time.Time
	questions []*survey.QuestionModel // shared: never modified
}

// maxCachedSurveys bounds the cache; past it, it starts over.
const maxCachedSurveys = 1000

// cachedSurveyBySlug is surveyBySlug with the questions from the cache.
func (st *Store) cachedSurveyBySlug(ctx context.Context, slug string) (*survey.Survey, error) {
	s := new(survey.Survey)
	err := st.db.NewSelect().Comment("store.Store.cachedSurveyBySlug").Model(s).Relation("Series").Where("?TableAlias.slug = ?", slug).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	st.cache.mu.Lock()
	c, ok := st.cache.m[slug]
	st.cache.mu.Unlock()
	if ok && c.surveyID == s.ID && c.updatedAt.Equal(s.UpdatedAt) {
		s.Questions = c.questions
		return s, nil
	}
	if err := st.db.NewSelect().Comment("store.Store.cachedSurveyBySlug").Model(&s.Questions).Where("survey_id = ?", s.ID).Order("position").Scan(ctx); err != nil {
		return nil, err
	}
	// Should an apply commit between the two reads, these questions are newer
	// than the row and are filed under its old updated_at, which no request
	// will see again.
	st.cache.mu.Lock()
	if st.cache.m == nil || len(st.cache.m) >= maxCachedSurveys {
		st.cache.m = map[string]cachedQuestions{}
	}
	st.cache.m[slug] = cachedQuestions{surveyID: s.ID, updatedAt: s.UpdatedAt, questions: s.Questions}
	st.cache.mu.Unlock()
	return s, nil
}
