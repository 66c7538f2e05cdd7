package web

import (
	"net/http"

	"github.com/koe-project/koe/survey"
)

// downloadCSV is the staff download of a survey's answers, personal fields included.
func (srv *Server) downloadCSV(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	responses, err := srv.surveys.ResponsesOf(r.Context(), s, true)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`-responses.csv"`)
	return survey.WriteCSV(w, s, responses)
}
