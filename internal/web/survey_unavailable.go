package web

import (
	"errors"
	"net/http"

	"github.com/koe-project/koe/survey"
)

// What a respondent sees when a survey takes no answers: not yet open, closed,
// full, or a problem with their invitation link.

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

func (srv *Server) showInvitationProblem(w http.ResponseWriter, r *http.Request, s *survey.Survey, err error) error {
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
	return srv.pages.Render(w, r, status, srv.unavailable, heading, unavailableView{Survey: s, Heading: heading, Message: msg})
}

type unavailableView struct {
	Survey  *survey.Survey
	Heading string
	Message string
}

func (srv *Server) showUnavailable(w http.ResponseWriter, r *http.Request, s *survey.Survey, state survey.State) error {
	v := unavailableView{Survey: s}
	switch state {
	case survey.NotYetOpen:
		v.Heading = "このアンケートはまだ始まっていません"
		v.Message = "回答の受付は " + s.OpensAt.In(tokyo).Format("2006年1月2日 15:04") + " からです。時間になりましたら、もう一度このページを開いてください。"
	case survey.Closed:
		v.Heading = "このアンケートの受付は終了しました"
		v.Message = "回答の受付は " + s.ClosesAt.In(tokyo).Format("2006年1月2日 15:04") + " に終了しました。ご協力ありがとうございました。"
	case survey.Preparing:
		v.Heading = "このアンケートは準備中です"
		v.Message = "まだ回答を受け付けていません。受付が始まりましたら、このリンクからお答えいただけます。"
	case survey.Full:
		v.Heading = "定員に達したため受付を終了しました"
		v.Message = "お申し込み・ご回答が予定の数に達しました。ご関心をお寄せいただき、ありがとうございました。"
	}
	return srv.pages.Render(w, r, http.StatusConflict, srv.unavailable, v.Heading, v)
}
