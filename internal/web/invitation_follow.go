package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/koe-project/koe/survey"
)

// An invitee's short link /i/{code}, and the code carried to the form.

// invitationCode is the code a respondent came with (?code= or the form's hidden field).
func invitationCode(r *http.Request) string {
	code := r.URL.Query().Get("code")
	if code == "" && r.PostForm != nil {
		code = r.PostForm.Get("code")
	}
	code = strings.TrimSpace(code)
	if len(code) > 64 {
		return "-" // too long to be a code: unknown, not "none given"
	}
	return code
}

// followInvitation turns a short /i/{code} link into the survey's form with the code.
func (srv *Server) followInvitation(w http.ResponseWriter, r *http.Request) error {
	iv, err := srv.surveys.InvitationByCode(r.Context(), r.PathValue("code"))
	if errors.Is(err, survey.ErrInvitationUnknown) {
		_, msg := invitationStatus(err)
		return Errorf(http.StatusNotFound, msg)
	}
	if err != nil {
		return err
	}
	slug, err := srv.surveys.SlugOfInvitation(r.Context(), iv)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/s/"+url.PathEscape(slug)+"?code="+url.QueryEscape(iv.Code), http.StatusSeeOther)
	return nil
}
