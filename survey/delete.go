package survey

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/web"
)

// ErrNoResponse is returned when a survey has no response with the given id.
var ErrNoResponse = errors.New("no such response")

// DeleteResponse removes one response for a respondent who asks: the terms
// analysis made of its answers and their share of the term totals
// (term lists have no foreign key, so they go first), its answers, and the
// response itself, in one transaction. Nothing of
// it stays behind; reports and analysis computed afterwards no longer count it.
func (st *Store) DeleteResponse(ctx context.Context, s *Survey, id string) error {
	return st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		exists, err := tx.NewSelect().Model((*Response)(nil)).Where("id = ? AND survey_id = ?", id, s.ID).Exists(ctx)
		if err != nil {
			return err
		}
		if !exists {
			return ErrNoResponse
		}
		// The answers' rows are locked first, in id order, then their terms'
		// totals: reanalysis takes its locks in the same order (see
		// store.lockAnswers), so the two never deadlock on PostgreSQL, and
		// a reanalysis that stored terms for these answers has committed
		// before they are read below. SQLite's transaction holds the write lock.
		var rows []Answer
		q := tx.NewSelect().Model(&rows).Column("id", "question_id").Where("response_id = ?", id).Order("id")
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
		if err := store.ForgetTerms(ctx, tx, questions, answers); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Answer)(nil)).Where("response_id = ?", id).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewDelete().Model((*Response)(nil)).Where("id = ? AND survey_id = ?", id, s.ID).Exec(ctx)
		return err
	})
}

// ResponseByID returns one stored response of a survey, personal fields included.
func (st *Store) ResponseByID(ctx context.Context, s *Survey, id string) (*StoredResponse, error) {
	r := new(Response)
	err := st.db.NewSelect().Model(r).Where("id = ? AND survey_id = ?", id, s.ID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoResponse
	}
	if err != nil {
		return nil, err
	}
	var rows []Answer
	if err := st.db.NewSelect().Model(&rows).Where("response_id = ?", id).Order("question_id", "position").Scan(ctx); err != nil {
		return nil, err
	}
	return &StoredResponse{ID: r.ID, SubmittedAt: r.SubmittedAt.UTC(), Answers: s.answersFromRows(rows, true)}, nil
}

type deletePages struct {
	*Pages
	confirm *template.Template
}

type deleteView struct {
	Survey   *Survey
	Response *StoredResponse
	Items    []deleteItem
}

type deleteItem struct {
	Label, Value string
	Personal     bool
}

// registerDelete adds, for staff, GET /surveys/{slug}/responses/{id}/delete
// (what will be deleted, and a button) and POST to the same address (delete).
func (p *Pages) registerDelete(mux *http.ServeMux, staff func(http.Handler) http.Handler) {
	dp := &deletePages{Pages: p, confirm: p.web.Parse(templateFiles, "templates/delete.html")}
	h := func(f web.HandlerFunc) http.Handler { return staff(web.Handle(p.web, p.log, f)) }
	mux.Handle("GET /surveys/{slug}/responses/{id}/delete", h(dp.show))
	mux.Handle("POST /surveys/{slug}/responses/{id}/delete", h(dp.delete))
}

func (dp *deletePages) response(r *http.Request) (*Survey, *StoredResponse, error) {
	s, err := dp.store.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, ErrNotFound) {
		return nil, nil, web.Errorf(http.StatusNotFound, "このアンケートは見つかりません。")
	}
	if err != nil {
		return nil, nil, err
	}
	resp, err := dp.store.ResponseByID(r.Context(), s, r.PathValue("id"))
	if errors.Is(err, ErrNoResponse) {
		return nil, nil, web.Errorf(http.StatusNotFound, "この回答は見つかりません（すでに削除されたかもしれません）。")
	}
	return s, resp, err
}

func (dp *deletePages) show(w http.ResponseWriter, r *http.Request) error {
	s, resp, err := dp.response(r)
	if err != nil {
		return err
	}
	v := deleteView{Survey: s, Response: resp}
	d := s.Definition()
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Answerable() {
			v.Items = append(v.Items, deleteItem{Label: q.Label, Value: CellText(q, resp.Answers[q.Key]), Personal: q.Personal})
		}
	}
	return dp.web.Render(w, r, http.StatusOK, dp.confirm, "回答の削除", v)
}

func (dp *deletePages) delete(w http.ResponseWriter, r *http.Request) error {
	s, resp, err := dp.response(r)
	if err != nil {
		return err
	}
	if err := dp.store.DeleteResponse(r.Context(), s, resp.ID); err != nil {
		if errors.Is(err, ErrNoResponse) {
			return web.Errorf(http.StatusNotFound, "この回答はすでに削除されています。")
		}
		return err
	}
	dp.log.InfoContext(r.Context(), "response deleted", "id", web.RequestID(r.Context()), "survey", s.Slug, "response", resp.ID, "by", web.UserEmail(r.Context()))
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/responses?deleted=1", http.StatusSeeOther)
	return nil
}
