package survey

import (
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/web"
)

// Invitation pages: staff upload a list of invitees and hand out one link each;
// each link answers once; staff see who has answered.

func (p *Pages) registerInvitations(mux *http.ServeMux, staff func(http.Handler) http.Handler, h func(web.HandlerFunc) http.Handler) {
	mux.Handle("GET /i/{code}", h(p.followInvitation))
	mux.Handle("GET /surveys/{slug}/invitations", staff(h(p.showInvitations)))
	mux.Handle("POST /surveys/{slug}/invitations", staff(h(p.uploadInvitations)))
	mux.Handle("GET /surveys/{slug}/invitations.csv", staff(h(p.downloadInvitations)))
	mux.Handle("POST /surveys/{slug}/invitations/{id}/revoke", staff(h(p.revokeInvitation)))
	mux.Handle("POST /surveys/{slug}/invitations/{id}/reissue", staff(h(p.reissueInvitation)))
}

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
	case errors.Is(err, ErrInvitationRequired):
		return http.StatusForbidden, "このアンケートには、お送りした招待リンクからお答えください。"
	case errors.Is(err, ErrInvitationUnknown):
		return http.StatusNotFound, "この招待リンクは見つかりません。お送りしたリンクをそのままお使いください。"
	case errors.Is(err, ErrInvitationRevoked):
		return http.StatusConflict, "この招待リンクは無効になりました。新しいリンクをお送りしている場合は、そちらからお答えください。"
	case errors.Is(err, ErrInvitationUsed):
		return http.StatusConflict, "この招待リンクからは既に回答をいただいています。ご協力ありがとうございました。"
	}
	return 0, ""
}

func (p *Pages) showInvitationProblem(w http.ResponseWriter, r *http.Request, s *Survey, err error) error {
	status, msg := invitationStatus(err)
	if status == 0 {
		return err
	}
	heading := map[int]string{http.StatusForbidden: "招待リンクからお答えください", http.StatusNotFound: "招待リンクが見つかりません"}[status]
	if heading == "" {
		heading = "この招待リンクは使えません"
		if errors.Is(err, ErrInvitationUsed) {
			heading = "回答済みの招待リンクです"
		}
	}
	return p.web.Render(w, r, status, p.unavailable, heading, unavailableView{Survey: s, Heading: heading, Message: msg})
}

// followInvitation turns a short /i/{code} link into the survey's form with the code.
func (p *Pages) followInvitation(w http.ResponseWriter, r *http.Request) error {
	iv, err := p.store.InvitationByCode(r.Context(), r.PathValue("code"))
	if errors.Is(err, ErrInvitationUnknown) {
		_, msg := invitationStatus(err)
		return web.Errorf(http.StatusNotFound, msg)
	}
	if err != nil {
		return err
	}
	var slug string
	if err := p.store.DB().NewSelect().Table("surveys").Column("slug").Where("id = ?", iv.SurveyID).Scan(r.Context(), &slug); err != nil {
		return err
	}
	http.Redirect(w, r, "/s/"+url.PathEscape(slug)+"?code="+url.QueryEscape(iv.Code), http.StatusSeeOther)
	return nil
}

// InvitationURL is an invitee's personal link.
func (p *Pages) InvitationURL(r *http.Request, iv *Invitation) string {
	base := strings.TrimSuffix(p.PublicURL(r, "x"), "/s/x")
	return base + "/i/" + iv.Code
}

type invitationRow struct {
	*Invitation
	URL string
}

type invitationsView struct {
	Survey           *Survey
	Rows             []invitationRow
	Answered, Active int
	Pending          int // active codes not answered yet
	Error, Done      string
}

func (p *Pages) invitationsView(r *http.Request, s *Survey) (*invitationsView, error) {
	list, err := p.store.Invitations(r.Context(), s)
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

func (p *Pages) showInvitations(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
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
	return p.web.Render(w, r, http.StatusOK, p.invitations, "招待リンク: "+s.Title, v)
}

// parseInvitees reads a CSV of invitees: a name (or organisation) and an
// optional e-mail address per row, with or without a header row.
func parseInvitees(data []byte) ([]Invitee, error) {
	t, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	nameCol, mailCol := 0, 1
	rows := t.rows
	headerIsData := true
	for i, h := range t.header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "name", "名前", "氏名", "団体名", "組織", "所属", "organisation", "organization", "自治体", "市町村", "宛先":
			nameCol, headerIsData = i, false
		case "email", "e-mail", "mail", "メール", "メールアドレス":
			mailCol, headerIsData = i, false
		}
	}
	if headerIsData {
		rows = append([]tableRow{{num: 1, cells: t.header}}, rows...)
	}
	var out []Invitee
	for _, row := range rows {
		// A list downloaded from koe comes back as it was written: its defused cells are taken back.
		name, email := undefuse(strings.TrimSpace(row.cell(nameCol))), undefuse(strings.TrimSpace(row.cell(mailCol)))
		if name == "" && email == "" {
			continue
		}
		if name == "" {
			return nil, errors.New(strconv.Itoa(row.num) + "行目: 名前（団体名）がありません。")
		}
		if !database.StorableText(name) || !database.StorableText(email) {
			return nil, errors.New(strconv.Itoa(row.num) + "行目: " + unstorableText + "。")
		}
		if email != "" {
			if _, err := mail.ParseAddress(email); err != nil {
				return nil, errors.New(strconv.Itoa(row.num) + "行目: メールアドレス「" + email + "」を読み取れません。")
			}
		}
		out = append(out, Invitee{Name: name, Email: email})
	}
	if len(out) == 0 {
		return nil, errors.New("招待する方が1件もありません。1列目に名前（団体名）、2列目にメールアドレス（任意）を書いてください。")
	}
	return out, nil
}

func (p *Pages) uploadInvitations(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseMultipartForm(MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return web.Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした（大きすぎる可能性があります）。")
	}
	s, err := surveyFromPath(p.store, r)
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
	invitees, perr := parseInvitees(data)
	if perr == nil {
		_, err = p.store.AddInvitations(r.Context(), s, invitees)
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
	return p.web.Render(w, r, http.StatusUnprocessableEntity, p.invitations, "招待リンク: "+s.Title, v)
}

// downloadInvitations is the list for a mail merge: name, e-mail, link, status.
func (p *Pages) downloadInvitations(w http.ResponseWriter, r *http.Request) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	v, err := p.invitationsView(r, s)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.Slug+`-invitations.csv"`)
	w.Write(utf8BOM)
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
		cw.Write(defuse([]string{row.Name, row.Email, row.URL, status}))
	}
	cw.Flush()
	return cw.Error()
}

func (p *Pages) invitationAction(w http.ResponseWriter, r *http.Request, reissue bool) error {
	s, err := surveyFromPath(p.store, r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return web.Errorf(http.StatusNotFound, "この招待は見つかりません。")
	}
	if reissue {
		_, err = p.store.ReissueInvitation(r.Context(), s, id)
	} else {
		_, err = p.store.RevokeInvitation(r.Context(), s, id)
	}
	if errors.Is(err, ErrNotFound) {
		return web.Errorf(http.StatusNotFound, "この招待は見つかりません。")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/invitations", http.StatusSeeOther)
	return nil
}

func (p *Pages) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	return p.invitationAction(w, r, false)
}

func (p *Pages) reissueInvitation(w http.ResponseWriter, r *http.Request) error {
	return p.invitationAction(w, r, true)
}
