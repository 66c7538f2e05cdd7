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

func (srv *Server) showShares(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	list, err := srv.surveys.Shares(r.Context(), s)
	if err != nil {
		return err
	}
	return srv.pages.Render(w, r, http.StatusOK, srv.shares, "共有: "+s.Title, sharesView{Survey: s, Shares: list})
}

func (srv *Server) changeShare(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
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
		list, _ := srv.surveys.Shares(r.Context(), s)
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.shares, "共有: "+s.Title,
			sharesView{Survey: s, Shares: list, Email: email, Error: problem})
	}
	if err := srv.surveys.SetShare(r.Context(), s, email, level); err != nil {
		return err
	}
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"/shares", http.StatusSeeOther)
	return nil
}
