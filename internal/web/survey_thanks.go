package web

import (
	"net/http"
)

// The thank-you page after a submission.

func (srv *Server) showThanks(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.thanks, "ご回答ありがとうございました", s)
}
