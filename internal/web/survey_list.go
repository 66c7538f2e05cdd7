package web

import (
	"github.com/koe-project/koe/survey"
	"net/http"
)

func (p *Server) showList(w http.ResponseWriter, r *http.Request) error {
	list, err := p.surveys.SurveySummaries(r.Context())
	if err != nil {
		return err
	}
	visible, err := p.surveys.VisibleSlugs(r.Context(), UserEmail(r.Context()), p.isAdmin(r.Context()))
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
	return p.pages.Render(w, r, http.StatusOK, p.list, "アンケート一覧", listView{Surveys: list, Admin: p.isAdmin(r.Context())})
}

type listView struct {
	Surveys []survey.SurveySummary
	Admin   bool // shows the link to staff management
}

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
func (p *Server) showResponses(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	responses, err := p.surveys.ResponsesOf(r.Context(), s, true)
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
	return p.pages.Render(w, r, http.StatusOK, p.responses, s.Title, v)
}

// downloadCSV is the staff download of a survey's answers, personal fields included.
func (p *Server) downloadCSV(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	responses, err := p.surveys.ResponsesOf(r.Context(), s, true)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`-responses.csv"`)
	return survey.WriteCSV(w, s, responses)
}
