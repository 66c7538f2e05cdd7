package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/survey"
)

type sharesView struct {
	Survey *survey.Survey
	Shares []survey.Share
	Error  string
	Email  string
}

func (p *Server) showShares(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	list, err := p.surveys.Shares(r.Context(), s)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, p.shares, "共有: "+s.Title, sharesView{Survey: s, Shares: list})
}

func (p *Server) changeShare(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyFromPath(r)
	if err != nil {
		return err
	}
	email, level := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("level")
	if level != "" && level != "view" && level != "edit" {
		level = "view"
	}
	problem := ""
	switch {
	case !database.StorableText(email):
		problem = "メールアドレスに" + survey.UnstorableText + "。"
	case utf8.RuneCountInString(email) > survey.MaxEmailLen:
		problem = fmt.Sprintf("メールアドレスが長すぎます（%d文字まで）。", survey.MaxEmailLen)
	case !strings.Contains(email, "@"):
		problem = "共有する相手のメールアドレス（koe のログインに使うもの）を入力してください。"
	}
	if problem != "" {
		list, _ := p.surveys.Shares(r.Context(), s)
		return p.pages.Render(w, r, http.StatusUnprocessableEntity, p.shares, "共有: "+s.Title,
			sharesView{Survey: s, Shares: list, Email: email, Error: problem})
	}
	if err := p.surveys.SetShare(r.Context(), s, email, level); err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/shares", http.StatusSeeOther)
	return nil
}
