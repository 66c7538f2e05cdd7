package web

import (
	"net/http"
)

// The thank-you page after a submission.

func (p *Server) showThanks(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, p.thanks, "ご回答ありがとうございました", s)
}
