package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/koe-project/koe/survey"
)

type responsesView struct {
	Survey    *survey.Survey
	Questions []*survey.Question
	Rows      []responseRow
}

type responseRow struct {
	Response survey.StoredResponse
	Cells    []responseCell
}

// responseCell is one answer in the table: its text, and for a long one
// the start the row shows (the whole text is one click away).
type responseCell struct {
	Text    string
	Preview string // "" when the text is short enough to show whole
	Prose   bool   // a sentence rather than a name or a choice: given room to read
}

// A long answer would make its row many lines high: the table shows its
// first two lines (the stylesheet clamps the preview, which carries at most
// previewRunes characters) and the whole text on request. Text up to
// clipRunes, about two lines of a prose column, is shown whole. Longer than
// proseRunes, an answer is a sentence and its column is given room to read.
const (
	clipRunes    = 40
	previewRunes = 80
	proseRunes   = 16
)

func cellOf(text string) responseCell {
	c := responseCell{Text: text, Prose: utf8.RuneCountInString(text) > proseRunes}
	if utf8.RuneCountInString(text) <= clipRunes && !strings.Contains(text, "\n") {
		return c
	}
	flat := strings.Join(strings.Fields(text), " ") // line breaks would make the preview tall again
	if r := []rune(flat); len(r) > previewRunes {
		flat = strings.TrimSpace(string(r[:previewRunes]))
	}
	c.Preview = flat + "…"
	return c
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
			row.Cells = append(row.Cells, cellOf(survey.CellText(q, responses[i].Answers[q.Key])))
		}
		v.Rows = append(v.Rows, row)
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.responses, s.Title, v)
}
