package web

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/koe-project/koe/survey"
	"net/http"
	"net/url"
	"strconv"
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

func (p *Server) loadOpenSurvey(w http.ResponseWriter, r *http.Request) (*survey.Survey, bool, error) {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return nil, false, err
	}
	state, err := p.stateOf(r, s)
	if err != nil {
		return nil, false, err
	}
	if state != survey.Open {
		return s, false, p.showUnavailable(w, r, s, state)
	}
	return s, true, nil
}

// stateOf says whether survey s takes answers now.
func (p *Server) stateOf(r *http.Request, s *survey.Survey) (survey.State, error) {
	n := 0
	if s.MaxResponses > 0 {
		var err error
		if n, err = p.surveys.ResponseCount(r.Context(), s); err != nil {
			return 0, err
		}
	}
	return s.StateAt(p.now(), n), nil
}

func (p *Server) showForm(w http.ResponseWriter, r *http.Request) error {
	s, open, err := p.loadOpenSurvey(w, r)
	if err != nil || !open {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // each view carries its own one-time token
	if err := p.surveys.CheckInvitation(r.Context(), s, invitationCode(r)); err != nil {
		return p.showInvitationProblem(w, r, s, err)
	}
	return p.renderForm(w, r, s, http.StatusOK, url.Values{}, nil, newToken())
}

func (p *Server) submitForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Errorf(http.StatusRequestEntityTooLarge, "送信内容が大きすぎます。自由記述を短くしてお試しください。")
		}
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。もう一度お試しください。")
	}
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err // no survey to draw the form with: the draft form.js keeps in the tab holds the answers
	}
	token := r.PostForm.Get("_token")
	if token == "" || len(token) > 64 {
		token = newToken()
	}
	err = p.storeForm(w, r, s, token)
	var failed notStored
	if !errors.As(err, &failed) {
		return err
	}
	// Nothing was stored (or, should a commit have gone through unseen, the
	// same token makes the retry a replay): the form comes back with
	// everything typed, to send again.
	p.log.ErrorContext(r.Context(), "storing a form submission failed", "survey", s.Slug, "err", failed.err)
	w.Header().Set("Cache-Control", "no-store")
	v := formViewOf(r, s, r.PostForm, nil, token)
	v.Problem = "サーバーで問題が発生し、回答を保存できませんでした。入力内容はこのページに残っています。時間をおいて、もう一度「送信する」を押してください。"
	return p.pages.Render(w, r, http.StatusInternalServerError, p.form, s.Title, v)
}

// notStored is an internal failure to store a posted form, before anything
// was written to the respondent.
type notStored struct{ err error }

func (e notStored) Error() string { return "form not stored: " + e.err.Error() }
func (e notStored) Unwrap() error { return e.err }

// storeForm validates and stores a posted form and answers the respondent.
// A failure of the database comes back as notStored.
func (p *Server) storeForm(w http.ResponseWriter, r *http.Request, s *survey.Survey, token string) error {
	state, err := p.stateOf(r, s)
	if err != nil {
		return notStored{err}
	}
	if state != survey.Open {
		return p.showUnavailable(w, r, s, state)
	}
	code := invitationCode(r)
	if err := p.surveys.CheckInvitation(r.Context(), s, code); err != nil {
		if status, _ := invitationStatus(err); status == 0 {
			return notStored{err}
		}
		if _, replay := p.surveys.ReplayOf(r.Context(), s, "form:"+token); !errors.Is(err, survey.ErrInvitationUsed) || !replay {
			return p.showInvitationProblem(w, r, s, err)
		}
		// the same form sent twice (a double tap): thank them again below
	}
	answers, errs := survey.Validate(s.Definition(), survey.DecodeForm(s.Definition(), r.PostForm))
	if errs != nil {
		return p.renderForm(w, r, s, http.StatusUnprocessableEntity, r.PostForm, errs, token)
	}
	_, _, err = p.surveys.Submit(r.Context(), s, answers, survey.Submission{Key: "form:" + token, Source: "web", Invitation: code})
	if errors.Is(err, survey.ErrInvitationUsed) {
		return p.showInvitationProblem(w, r, s, err)
	}
	if errors.Is(err, survey.ErrFull) {
		return p.showUnavailable(w, r, s, survey.Full)
	}
	if err != nil {
		return notStored{err}
	}
	// Post/Redirect/Get: reloading the thank-you page never posts again, and a
	// resubmitted form carries the same token, which stores nothing new.
	http.Redirect(w, r, "/s/"+url.PathEscape(s.Slug)+"/thanks", http.StatusSeeOther)
	return nil
}

func (p *Server) renderForm(w http.ResponseWriter, r *http.Request, s *survey.Survey, status int, posted url.Values, errs survey.FieldErrors, token string) error {
	return p.pages.Render(w, r, status, p.form, s.Title, formViewOf(r, s, posted, errs, token))
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
		switch q.Type {
		case survey.Matrix:
			for j, row := range q.Rows {
				f.Rows = append(f.Rows, matrixRow{Label: row, Name: survey.RowFieldName(q.Key, j), Value: posted.Get(survey.RowFieldName(q.Key, j)), Index: j})
			}
		case survey.Scale, survey.NPS:
			lo, hi, _, _ := q.Bounds()
			for x := int(lo); x <= int(hi); x++ {
				f.Points = append(f.Points, strconv.Itoa(x))
			}
		}
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

func (p *Server) showThanks(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, p.thanks, "ご回答ありがとうございました", s)
}

type unavailableView struct {
	Survey  *survey.Survey
	Heading string
	Message string
}

func (p *Server) showUnavailable(w http.ResponseWriter, r *http.Request, s *survey.Survey, state survey.State) error {
	v := unavailableView{Survey: s}
	switch state {
	case survey.NotYetOpen:
		v.Heading = "このアンケートはまだ始まっていません"
		v.Message = "回答の受付は " + s.OpensAt.In(tokyo).Format("2006年1月2日 15:04") + " からです。時間になりましたら、もう一度このページを開いてください。"
	case survey.Closed:
		v.Heading = "このアンケートの受付は終了しました"
		v.Message = "回答の受付は " + s.ClosesAt.In(tokyo).Format("2006年1月2日 15:04") + " に終了しました。ご協力ありがとうございました。"
	case survey.Full:
		v.Heading = "定員に達したため受付を終了しました"
		v.Message = "お申し込み・ご回答が予定の数に達しました。ご関心をお寄せいただき、ありがとうございました。"
	}
	return p.pages.Render(w, r, http.StatusConflict, p.unavailable, v.Heading, v)
}
