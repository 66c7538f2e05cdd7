package web

import (
	"encoding/csv"
	"errors"
	"github.com/koe-project/koe/survey"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// survey.Invitation pages: staff upload a list of invitees and hand out one link each;
// each link answers once; staff see who has answered.

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

// invitationStatus maps an invitation error to its HTTP status and message (0: not an invitation error).
func invitationStatus(err error) (int, string) {
	switch {
	case errors.Is(err, survey.ErrInvitationRequired):
		return http.StatusForbidden, "このアンケートには、お送りした招待リンクからお答えください。"
	case errors.Is(err, survey.ErrInvitationUnknown):
		return http.StatusNotFound, "この招待リンクは見つかりません。お送りしたリンクをそのままお使いください。"
	case errors.Is(err, survey.ErrInvitationRevoked):
		return http.StatusConflict, "この招待リンクは無効になりました。新しいリンクをお送りしている場合は、そちらからお答えください。"
	case errors.Is(err, survey.ErrInvitationUsed):
		return http.StatusConflict, "この招待リンクからは既に回答をいただいています。ご協力ありがとうございました。"
	}
	return 0, ""
}

func (p *Server) showInvitationProblem(w http.ResponseWriter, r *http.Request, s *survey.Survey, err error) error {
	status, msg := invitationStatus(err)
	if status == 0 {
		return err
	}
	heading := map[int]string{http.StatusForbidden: "招待リンクからお答えください", http.StatusNotFound: "招待リンクが見つかりません"}[status]
	if heading == "" {
		heading = "この招待リンクは使えません"
		if errors.Is(err, survey.ErrInvitationUsed) {
			heading = "回答済みの招待リンクです"
		}
	}
	return p.pages.Render(w, r, status, p.unavailable, heading, unavailableView{Survey: s, Heading: heading, Message: msg})
}

// followInvitation turns a short /i/{code} link into the survey's form with the code.
func (p *Server) followInvitation(w http.ResponseWriter, r *http.Request) error {
	iv, err := p.surveys.InvitationByCode(r.Context(), r.PathValue("code"))
	if errors.Is(err, survey.ErrInvitationUnknown) {
		_, msg := invitationStatus(err)
		return Errorf(http.StatusNotFound, msg)
	}
	if err != nil {
		return err
	}
	var slug string
	if err := p.surveys.DB().NewSelect().Table("surveys").Column("slug").Where("id = ?", iv.SurveyID).Scan(r.Context(), &slug); err != nil {
		return err
	}
	http.Redirect(w, r, "/s/"+url.PathEscape(slug)+"?code="+url.QueryEscape(iv.Code), http.StatusSeeOther)
	return nil
}

// InvitationURL is an invitee's personal link.
func (p *Server) InvitationURL(r *http.Request, iv *survey.Invitation) string {
	base := strings.TrimSuffix(p.PublicURL(r, "x"), "/s/x")
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

func (p *Server) invitationsView(r *http.Request, s *survey.Survey) (*invitationsView, error) {
	list, err := p.surveys.Invitations(r.Context(), s)
	if err != nil {
		return nil, err
	}
	v := &invitationsView{Survey: s}
	for _, iv := range list {
		v.Rows = append(v.Rows, invitationRow{iv, p.InvitationURL(r, iv)})
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

func (p *Server) showInvitations(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	v, err := p.invitationsView(r, s)
	if err != nil {
		return err
	}
	if n := r.URL.Query().Get("added"); n != "" {
		v.Done = n + "件の招待リンクを作りました。"
	}
	return p.pages.Render(w, r, http.StatusOK, p.invitations, "招待リンク: "+s.Title, v)
}

func (p *Server) uploadInvitations(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	if err := r.ParseMultipartForm(survey.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	s, err := p.surveyFromPath(r)
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
		_, err = p.surveys.AddInvitations(r.Context(), s, invitees)
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/invitations?added="+strconv.Itoa(len(invitees)), http.StatusSeeOther)
		return nil
	}
	v, err := p.invitationsView(r, s)
	if err != nil {
		return err
	}
	v.Error = perr.Error()
	return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.invitations, "招待リンク: "+s.Title, v)
}

// downloadInvitations is the list for a mail merge: name, e-mail, link, status.
func (p *Server) downloadInvitations(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	v, err := p.invitationsView(r, s)
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

func (p *Server) invitationAction(w http.ResponseWriter, r *http.Request, reissue bool) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return Errorf(http.StatusNotFound, "この招待は見つかりません。")
	}
	if reissue {
		_, err = p.surveys.ReissueInvitation(r.Context(), s, id)
	} else {
		_, err = p.surveys.RevokeInvitation(r.Context(), s, id)
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

func (p *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	return p.invitationAction(w, r, false)
}

func (p *Server) reissueInvitation(w http.ResponseWriter, r *http.Request) error {
	return p.invitationAction(w, r, true)
}
