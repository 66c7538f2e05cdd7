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

func (srv *Server) responseFromPath(r *http.Request) (*survey.Survey, *survey.StoredResponse, error) {
	s, err := srv.surveys.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, survey.ErrNotFound) {
		return nil, nil, Errorf(http.StatusNotFound, "このアンケートは見つかりません。")
	}
	if err != nil {
		return nil, nil, err
	}
	resp, err := srv.surveys.ResponseByID(r.Context(), s, r.PathValue("id"))
	if errors.Is(err, survey.ErrNoResponse) {
		return nil, nil, Errorf(http.StatusNotFound, "この回答は見つかりません（すでに削除されたかもしれません）。")
	}
	return s, resp, err
}

// showDeleteResponse shows what deleting a response removes, and a button.
func (srv *Server) showDeleteResponse(w http.ResponseWriter, r *http.Request) error {
	s, resp, err := srv.responseFromPath(r)
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
	return srv.pages.Render(w, r, http.StatusOK, srv.deletePage, "回答の削除", v)
}

// deleteResponse removes one response, for a respondent who asks.
func (srv *Server) deleteResponse(w http.ResponseWriter, r *http.Request) error {
	s, resp, err := srv.responseFromPath(r)
	if err != nil {
		return err
	}
	if err := srv.surveys.DeleteResponse(r.Context(), s, resp.ID); err != nil {
		if errors.Is(err, survey.ErrNoResponse) {
			return Errorf(http.StatusNotFound, "この回答はすでに削除されています。")
		}
		return err
	}
	srv.log.InfoContext(r.Context(), "response deleted", "id", RequestID(r.Context()), "survey", s.Slug, "response", resp.ID, "by", UserEmail(r.Context()))
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/responses?deleted=1", http.StatusSeeOther)
	return nil
}
