package web

import (
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/koe-project/koe/survey"
)

// Invitation pages: staff upload a list of invitees and hand out one link each;
// each link answers once; staff see who has answered.

// invitationURL is an invitee's personal link.
func (srv *Server) invitationURL(r *http.Request, iv *survey.Invitation) string {
	base := strings.TrimSuffix(srv.publicURL(r, "x"), "/s/x")
	return base + "/i/" + iv.Code
}

type invitationRow struct {
	*survey.Invitation
	URL string
}

type invitationsView struct {
	Survey           *survey.Survey
	Rows             []invitationRow
	Answered, Active int
	Pending          int // active codes not answered yet
	Error, Done      string
}

func (srv *Server) invitationsView(r *http.Request, s *survey.Survey) (*invitationsView, error) {
	list, err := srv.surveys.Invitations(r.Context(), s)
	if err != nil {
		return nil, err
	}
	v := &invitationsView{Survey: s}
	for _, iv := range list {
		v.Rows = append(v.Rows, invitationRow{iv, srv.invitationURL(r, iv)})
		if iv.RevokedAt == nil || iv.Answered {
			v.Active++
			if iv.Answered {
				v.Answered++
			}
		}
	}
	v.Pending = v.Active - v.Answered
	return v, nil
}

func (srv *Server) showInvitations(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	v, err := srv.invitationsView(r, s)
	if err != nil {
		return err
	}
	if n := r.URL.Query().Get("added"); n != "" {
		v.Done = n + "件の招待リンクを作りました。"
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.invitations, "招待リンク: "+s.Title, v)
}

func (srv *Server) uploadInvitations(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseMultipartForm(survey.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	var data []byte
	if file, _, err := r.FormFile("file"); err == nil {
		data, _ = io.ReadAll(file)
		file.Close()
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		data = []byte(r.FormValue("list"))
	}
	invitees, perr := survey.ParseInvitees(data)
	if perr == nil {
		_, err = srv.surveys.AddInvitations(r.Context(), s, invitees)
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/invitations?added="+strconv.Itoa(len(invitees)), http.StatusSeeOther)
		return nil
	}
	v, err := srv.invitationsView(r, s)
	if err != nil {
		return err
	}
	v.Error = perr.Error()
	return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.invitations, "招待リンク: "+s.Title, v)
}

// downloadInvitations is the list for a mail merge: name, e-mail, link, status.
func (srv *Server) downloadInvitations(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	v, err := srv.invitationsView(r, s)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`-invitations.csv"`)
	io.WriteString(w, "\uFEFF") // the BOM Excel needs to read UTF-8
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "email", "url", "status"})
	for _, row := range v.Rows {
		status := "未回答"
		switch {
		case row.Answered:
			status = "回答済み"
		case row.RevokedAt != nil:
			status = "無効"
		}
		cw.Write(survey.Defuse([]string{row.Name, row.Email, row.URL, status}))
	}
	cw.Flush()
	return cw.Error()
}

func (srv *Server) invitationAction(w http.ResponseWriter, r *http.Request, reissue bool) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return Errorf(http.StatusNotFound, "この招待は見つかりません。")
	}
	if reissue {
		_, err = srv.surveys.ReissueInvitation(r.Context(), s, id)
	} else {
		_, err = srv.surveys.RevokeInvitation(r.Context(), s, id)
	}
	if errors.Is(err, survey.ErrNotFound) {
		return Errorf(http.StatusNotFound, "この招待は見つかりません。")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/invitations", http.StatusSeeOther)
	return nil
}

func (srv *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	return srv.invitationAction(w, r, false)
}

func (srv *Server) reissueInvitation(w http.ResponseWriter, r *http.Request) error {
	return srv.invitationAction(w, r, true)
}
