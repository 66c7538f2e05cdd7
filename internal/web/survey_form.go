package web

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/koe-project/koe/survey"
)

// formField is one question as the form template draws it, with what the
// respondent typed so far and its error.
type formField struct {
	Q         *survey.Question
	ID        string
	Error     string
	Value     string
	Selected  map[string]bool
	OtherText string
	Rows      []matrixRow
	Points    []string
	ShowIf    string // JSON for the enhancing script
	Condition string // the same condition in words, for readers without script
}

type matrixRow struct {
	Label, Name, Value string
	Index              int
}

type formView struct {
	Survey  *survey.Survey
	Fields  []formField
	Errors  []formError
	Token   string
	Code    string // the invitee's code, carried to the submission
	Problem string // why what was sent was not stored (a server failure)
}

type formError struct{ ID, Label, Message string }

func (srv *Server) loadOpenSurvey(w http.ResponseWriter, r *http.Request) (*survey.Survey, bool, error) {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return nil, false, err
	}
	state, err := srv.stateOf(r, s)
	if err != nil {
		return nil, false, err
	}
	if state != survey.Open {
		return s, false, srv.showUnavailable(w, r, s, state)
	}
	return s, true, nil
}

// stateOf says whether survey s takes answers now.
func (srv *Server) stateOf(r *http.Request, s *survey.Survey) (survey.State, error) {
	n := 0
	// The count tells a full survey, and a draft (closed, never opened, no
	// answers) from one that has ended.
	if s.MaxResponses > 0 || (s.ClosesAt != nil && s.OpensAt == nil) {
		var err error
		if n, err = srv.surveys.ResponseCount(r.Context(), s); err != nil {
			return 0, err
		}
	}
	return s.StateAt(srv.now(), n), nil
}

func (srv *Server) showForm(w http.ResponseWriter, r *http.Request) error {
	s, open, err := srv.loadOpenSurvey(w, r)
	if err != nil || !open {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // each view carries its own one-time token
	if err := srv.surveys.CheckInvitation(r.Context(), s, invitationCode(r)); err != nil {
		return srv.showInvitationProblem(w, r, s, err)
	}
	return srv.renderForm(w, r, s, http.StatusOK, url.Values{}, nil, newToken())
}

func (srv *Server) renderForm(w http.ResponseWriter, r *http.Request, s *survey.Survey, status int, posted url.Values, errs survey.FieldErrors, token string) error {
	return srv.pages.Render(w, r, status, srv.form, s.Title, formViewOf(r, s, posted, errs, token))
}

// formViewOf is the form with what was posted and the errors of its fields.
func formViewOf(r *http.Request, s *survey.Survey, posted url.Values, errs survey.FieldErrors, token string) formView {
	d := s.Definition()
	v := formView{Survey: s, Token: token, Code: invitationCode(r)}
	for i := range d.Questions {
		q := &d.Questions[i]
		f := formField{Q: q, ID: "q-" + q.Key, Error: errs[q.Key], Value: posted.Get(survey.FieldName(q.Key)),
			Selected: map[string]bool{}, OtherText: posted.Get(survey.OtherFieldName(q.Key))}
		for _, x := range posted[survey.FieldName(q.Key)] {
			f.Selected[x] = true
		}
		if q.Kind().Grid() {
			for j, row := range q.Rows {
				f.Rows = append(f.Rows, matrixRow{Label: row, Name: survey.RowFieldName(q.Key, j), Value: posted.Get(survey.RowFieldName(q.Key, j)), Index: j})
			}
		}
		f.Points = q.Points()
		if c := q.ShowIf; c != nil {
			values := c.In
			if c.Equals != nil {
				values = []string{*c.Equals}
			}
			b, _ := json.Marshal(map[string]any{"question": c.Question, "values": values})
			f.ShowIf = string(b)
			if t := d.Question(c.Question); t != nil {
				f.Condition = "「" + t.Label + "」で「" + joinJa(values) + "」と答えた方のみ"
			}
		}
		v.Fields = append(v.Fields, f)
	}
	for _, k := range errs.Keys(d) {
		label := k
		if q := d.Question(k); q != nil {
			label = q.Label
		}
		v.Errors = append(v.Errors, formError{ID: "q-" + k, Label: label, Message: errs[k]})
	}
	return v
}

func joinJa(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += "」または「"
		}
		out += s
	}
	return out
}

func newToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
