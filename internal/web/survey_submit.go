package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/koe-project/koe/survey"
)

// A respondent sends the form: stored once, or shown again with what to fix.

func (srv *Server) submitForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Errorf(http.StatusRequestEntityTooLarge, "送信内容が大きすぎます。自由記述を短くしてお試しください。")
		}
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。もう一度お試しください。")
	}
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err // no survey to draw the form with: the draft form.js keeps in the tab holds the answers
	}
	token := r.PostForm.Get("_token")
	if token == "" || len(token) > 64 {
		token = newToken()
	}
	err = srv.storeForm(w, r, s, token)
	var failed notStored
	if !errors.As(err, &failed) {
		return err
	}
	// Nothing was stored (or, should a commit have gone through unseen, the
	// same token makes the retry a replay): the form comes back with
	// everything typed, to send again.
	srv.log.ErrorContext(r.Context(), "storing a form submission failed", "survey", s.Slug, "err", failed.err)
	w.Header().Set("Cache-Control", "no-store")
	v := formViewOf(r, s, r.PostForm, nil, token)
	v.Problem = "サーバーで問題が発生し、回答を保存できませんでした。入力内容はこのページに残っています。時間をおいて、もう一度「送信する」を押してください。"
	return srv.pages.Render(w, r, http.StatusInternalServerError, srv.form, s.Title, v)
}

// notStored is an internal failure to store a posted form, before anything
// was written to the respondent.
type notStored struct{ err error }

func (e notStored) Error() string { return "form not stored: " + e.err.Error() }

func (e notStored) Unwrap() error { return e.err }

// storeForm validates and stores a posted form and answers the respondent.
// A failure of the database comes back as notStored.
func (srv *Server) storeForm(w http.ResponseWriter, r *http.Request, s *survey.Survey, token string) error {
	state, err := srv.stateOf(r, s)
	if err != nil {
		return notStored{err}
	}
	if state != survey.Open {
		return srv.showUnavailable(w, r, s, state)
	}
	code := invitationCode(r)
	if err := srv.surveys.CheckInvitation(r.Context(), s, code); err != nil {
		if status, _ := invitationStatus(err); status == 0 {
			return notStored{err}
		}
		if _, replay := srv.surveys.ReplayOf(r.Context(), s, "form:"+token); !errors.Is(err, survey.ErrInvitationUsed) || !replay {
			return srv.showInvitationProblem(w, r, s, err)
		}
		// the same form sent twice (a double tap): thank them again below
	}
	answers, errs := survey.Validate(s.Definition(), survey.DecodeForm(s.Definition(), r.PostForm))
	if errs != nil {
		return srv.renderForm(w, r, s, http.StatusUnprocessableEntity, r.PostForm, errs, token)
	}
	_, _, err = srv.surveys.Submit(r.Context(), s, answers, survey.Submission{Key: "form:" + token, Source: "web", Invitation: code})
	if errors.Is(err, survey.ErrInvitationUsed) {
		return srv.showInvitationProblem(w, r, s, err)
	}
	if errors.Is(err, survey.ErrFull) {
		return srv.showUnavailable(w, r, s, survey.Full)
	}
	if err != nil {
		return notStored{err}
	}
	// Post/Redirect/Get: reloading the thank-you page never posts again, and a
	// resubmitted form carries the same token, which stores nothing new.
	http.Redirect(w, r, "/s/"+url.PathEscape(s.Slug)+"/thanks", http.StatusSeeOther)
	return nil
}
