package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/koe-project/koe/survey"
)

type deleteView struct {
	Survey   *survey.Survey
	Response *survey.StoredResponse
	Items    []deleteItem
}

type deleteItem struct {
	Label, Value string
	Personal     bool
}

func (p *Server) responseFromPath(r *http.Request) (*survey.Survey, *survey.StoredResponse, error) {
	s, err := p.surveys.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, survey.ErrNotFound) {
		return nil, nil, Errorf(http.StatusNotFound, "このアンケートは見つかりません。")
	}
	if err != nil {
		return nil, nil, err
	}
	resp, err := p.surveys.ResponseByID(r.Context(), s, r.PathValue("id"))
	if errors.Is(err, survey.ErrNoResponse) {
		return nil, nil, Errorf(http.StatusNotFound, "この回答は見つかりません（すでに削除されたかもしれません）。")
	}
	return s, resp, err
}

// showDeleteResponse shows what deleting a response removes, and a button.
func (p *Server) showDeleteResponse(w http.ResponseWriter, r *http.Request) error {
	s, resp, err := p.responseFromPath(r)
	if err != nil {
		return err
	}
	v := deleteView{Survey: s, Response: resp}
	d := s.Definition()
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Answerable() {
			v.Items = append(v.Items, deleteItem{Label: q.Label, Value: survey.CellText(q, resp.Answers[q.Key]), Personal: q.Personal})
		}
	}
	return p.pages.Render(w, r, http.StatusOK, p.deletePage, "回答の削除", v)
}

// deleteResponse removes one response, for a respondent who asks.
func (p *Server) deleteResponse(w http.ResponseWriter, r *http.Request) error {
	s, resp, err := p.responseFromPath(r)
	if err != nil {
		return err
	}
	if err := p.surveys.DeleteResponse(r.Context(), s, resp.ID); err != nil {
		if errors.Is(err, survey.ErrNoResponse) {
			return Errorf(http.StatusNotFound, "この回答はすでに削除されています。")
		}
		return err
	}
	p.log.InfoContext(r.Context(), "response deleted", "id", RequestID(r.Context()), "survey", s.Slug, "response", resp.ID, "by", UserEmail(r.Context()))
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/responses?deleted=1", http.StatusSeeOther)
	return nil
}
