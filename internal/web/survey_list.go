package web

import (
	"net/http"

	"github.com/koe-project/koe/survey"
)

func (srv *Server) showList(w http.ResponseWriter, r *http.Request) error {
	list, err := srv.surveys.SurveySummaries(r.Context())
	if err != nil {
		return err
	}
	visible, err := srv.surveys.VisibleSlugs(r.Context(), UserEmail(r.Context()), srv.isAdmin(r.Context()))
	if err != nil {
		return err
	}
	if visible != nil { // only the surveys this staff member owns or that are shared
		shown := list[:0]
		for _, s := range list {
			if visible[s.Slug] {
				shown = append(shown, s)
			}
		}
		list = shown
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.list, "アンケート一覧", listView{Surveys: list, Admin: srv.isAdmin(r.Context())})
}

type listView struct {
	Surveys []survey.SurveySummary
	Admin   bool // shows the link to staff management
}
