package web

import (
	"net/http"

	"github.com/koe-project/koe/survey"
)

type responsesView struct {
	Survey    *survey.Survey
	Questions []*survey.Question
	Rows      []responseRow
}

type responseRow struct {
	Response survey.StoredResponse
	Cells    []string
}

// showResponses is the staff table of one survey's responses; personal fields
// are shown here, to signed-in staff only.
func (srv *Server) showResponses(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	responses, err := srv.surveys.ResponsesOf(r.Context(), s, true)
	if err != nil {
		return err
	}
	v := responsesView{Survey: s}
	d := s.Definition()
	for i := range d.Questions {
		if d.Questions[i].Answerable() {
			v.Questions = append(v.Questions, &d.Questions[i])
		}
	}
	for i := len(responses) - 1; i >= 0; i-- { // newest first
		row := responseRow{Response: responses[i]}
		for _, q := range v.Questions {
			row.Cells = append(row.Cells, survey.CellText(q, responses[i].Answers[q.Key]))
		}
		v.Rows = append(v.Rows, row)
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.responses, s.Title, v)
}
