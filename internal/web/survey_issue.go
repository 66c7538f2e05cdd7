package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
)

// maxIssueLabel bounds a staff name of an issue group, in characters: it
// heads a card, a line of the summary and a label on the answer map.
const maxIssueLabel = 80

// changeIssue renames (op=rename, label=…; an empty label gives the
// computed one back), hides (op=hide) or shows again (op=show) one issue
// group of an analysed question (question=key) of the survey, then returns
// to its dashboard; or makes a code of it (op=code, see addIssueCode). The choice is stored with the group, which keeps it
// while most of its answers stay (reports.KeepIssues).
func (srv *Server) changeIssue(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.surveyFromPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusBadRequest, "送信された内容を読み取れませんでした。")
	}
	key := r.PostForm.Get("question")
	qm := questionModel(s, key)
	if qm == nil || qm.Personal || !qm.Analyze || srv.texts == nil {
		return Errorf(http.StatusNotFound, "この質問には論点がありません。")
	}
	scope, id := store.IssueScope(s.ID, key), r.PathValue("id")
	if r.PostForm.Get("op") == "code" {
		sc := store.Scope{Questions: []store.ScopeQuestion{{ID: qm.ID}}, CodeBooks: s.CodeBookNames(), OwnCodes: s.Codes, Label: qm.Label}
		return srv.addIssueCode(w, r, s, key, sc, scope, id)
	}
	if err := srv.changeIssueGroup(r, scope, id); err != nil {
		return err
	}
	srv.expireBlocks(s.Slug)
	srv.forgetSnapshots(r.Context(), s)
	http.Redirect(w, r, "/surveys/"+url.PathEscape(s.Slug)+"#issue-"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

// changeSeriesIssue is changeIssue for the groups of a series (繰り返し出てくる
// 論点), which only staff who may edit every event of the series change; a
// code made of one goes to the own code book of its latest event, which a
// duplicated next meeting copies.
func (srv *Server) changeSeriesIssue(w http.ResponseWriter, r *http.Request) error {
	v, _ := seriesViewOf(r.Context())
	if v.Series == nil || v.Hidden > 0 || len(v.Surveys) == 0 {
		return Errorf(http.StatusForbidden, "シリーズの論点を変えられるのは、シリーズのすべての回のアンケートを編集できる人だけです。")
	}
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusBadRequest, "送信された内容を読み取れませんでした。")
	}
	sc, key := reports.SeriesScope(v.Surveys, "")
	if key == "" || key != r.PostForm.Get("question") || srv.texts == nil {
		return Errorf(http.StatusNotFound, "このシリーズのこの質問には論点がありません。")
	}
	scope, id := store.SeriesIssueScope(v.Series.Key, key), r.PathValue("id")
	if r.PostForm.Get("op") == "code" {
		return srv.addIssueCode(w, r, v.Surveys[len(v.Surveys)-1], key, sc, scope, id)
	}
	if err := srv.changeIssueGroup(r, scope, id); err != nil {
		return err
	}
	if cacheKey, _, err := srv.seriesStamp(r.Context(), v); err == nil {
		srv.expireBlocks(cacheKey)
	}
	http.Redirect(w, r, "/series/"+url.PathEscape(v.Series.Key)+"#issue-"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

// changeIssueGroup renames, hides, shows or merges the group id of scope as
// the posted form says.
func (srv *Server) changeIssueGroup(r *http.Request, scope, id string) error {
	ctx := r.Context()
	op := r.PostForm.Get("op")
	var err error
	switch op {
	case "rename":
		label := strings.TrimSpace(r.PostForm.Get("label"))
		if !utf8.ValidString(label) || strings.ContainsFunc(label, unicode.IsControl) {
			return Errorf(http.StatusUnprocessableEntity, "論点の名前に使えない文字（NUL などの制御文字）が含まれています。入力し直してください。")
		}
		if utf8.RuneCountInString(label) > maxIssueLabel {
			return Errorf(http.StatusUnprocessableEntity, "論点の名前が長すぎます。80文字以内にしてください。")
		}
		err = srv.texts.SetIssueLabel(ctx, scope, id, label)
	case "hide", "show":
		err = srv.texts.SetIssueHidden(ctx, scope, id, op == "hide")
	case "merge": // into="": on its own again
		into := r.PostForm.Get("into")
		if into != "" {
			if err := srv.checkIssueMerge(r, scope, id, into); err != nil {
				return err
			}
		}
		err = srv.texts.SetIssueMerge(ctx, scope, id, into)
	default:
		return Errorf(http.StatusUnprocessableEntity, "論点の操作は名前を付ける・非表示にする・再表示する・まとめる・コードにするのいずれかです。")
	}
	if errors.Is(err, store.ErrNoIssueGroup) {
		return Errorf(http.StatusNotFound, "この論点は見つかりません。回答が増えて論点がまとめ直された可能性があります。ダッシュボードを開き直してください。")
	}
	if err != nil {
		return err
	}
	srv.log.InfoContext(ctx, "issue group changed", "id", RequestID(ctx), "scope", scope, "issue", id, "op", op, "by", UserEmail(ctx))
	return nil
}

// checkIssueMerge refuses to merge the group id into itself, into a group
// the scope does not hold, or into one merged (however indirectly) into id.
func (srv *Server) checkIssueMerge(r *http.Request, scope, id, into string) error {
	states, err := srv.texts.IssueGroupStates(r.Context(), scope)
	if err != nil {
		return err
	}
	mergedInto := map[string]string{}
	for _, st := range states {
		mergedInto[st.ID] = st.MergedInto
	}
	if _, ok := mergedInto[into]; !ok {
		return Errorf(http.StatusNotFound, "まとめる先の論点が見つかりません。ダッシュボードを開き直してください。")
	}
	for at, steps := into, 0; at != "" && steps <= len(states); at, steps = mergedInto[at], steps+1 {
		if at == id {
			return Errorf(http.StatusUnprocessableEntity, "論点をそれ自身、またはそれにまとめた論点にはまとめられません。")
		}
	}
	return nil
}
