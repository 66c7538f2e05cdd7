package survey

import (
	"github.com/koe-project/koe/internal/web"
	"net/http"
	"strings"
)

func (p *Pages) showList(w http.ResponseWriter, r *http.Request) error {
	list, err := p.store.SurveySummaries(r.Context())
	if err != nil {
		return err
	}
	visible, err := p.store.visibleSlugs(r.Context(), web.UserEmail(r.Context()), p.isAdmin(r.Context()))
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
	return p.web.Render(w, r, http.StatusOK, p.list, "アンケート一覧", listView{Surveys: list, Admin: p.isAdmin(r.Context())})
}

type listView struct {
	Surveys []SurveySummary
	Admin   bool // shows the link to staff management
}

type responsesView struct {
	Survey    *Survey
	Questions []*Question
	Rows      []responseRow
}

type responseRow struct {
	Response StoredResponse
	Cells    []string
}

// showResponses is the staff table of one survey's responses; personal fields
// are shown here, to signed-in staff only.
func (p *Pages) showResponses(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	responses, err := p.store.ResponsesOf(r.Context(), s, true)
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
			row.Cells = append(row.Cells, CellText(q, responses[i].Answers[q.Key]))
		}
		v.Rows = append(v.Rows, row)
	}
	return p.web.Render(w, r, http.StatusOK, p.responses, s.Title, v)
}

// CellText writes one answer as a spreadsheet cell would show it: multi-selects
// joined with ";" as Google Forms does, matrix rows as "row: column".
func CellText(q *Question, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []string:
		return strings.Join(v, ";")
	case float64:
		return formatNumber(v)
	case bool:
		if v {
			return "同意"
		}
		return ""
	case map[string]string:
		var parts []string
		for _, row := range q.Rows {
			if c, ok := v[row]; ok {
				parts = append(parts, row+": "+c)
			}
		}
		return strings.Join(parts, " / ")
	}
	return ""
}

// downloadCSV is the staff download of a survey's answers, personal fields included.
func (p *Pages) downloadCSV(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	responses, err := p.store.ResponsesOf(r.Context(), s, true)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`-responses.csv"`)
	return WriteCSV(w, s, responses)
}
