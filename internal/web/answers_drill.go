package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// Drill-down: the answers behind a word, a category or a cross-tab cell, of
// a survey or across a series.

type drillView struct {
	Filter   *drillFilter // the full page's form narrowing the answers; nil: none
	Open     string       // in the dashboard's panel: its full page, where Filter is
	Assets   assetURLs
	Back     string
	Question string
	reports.DrillList
}

func (srv *Server) showSurveyAnswers(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.reportSurvey(r)
	if err != nil {
		return err
	}
	key := r.URL.Query().Get("question")
	qm := questionModel(s, key)
	if qm == nil || qm.Personal || !qm.Analyze || srv.texts == nil {
		return Errorf(http.StatusNotFound, "この質問の回答は一覧できません。")
	}
	sc := store.Scope{Questions: []store.ScopeQuestion{{ID: qm.ID}}, CodeBooks: s.CodeBookNames(), OwnCodes: s.Codes, Label: qm.Label,
		AllCopies: r.URL.Query().Get("copies") == "all"}
	var by *survey.Question
	for _, a := range s.Questions {
		if a.Attribute && !a.Personal && (a.Type == survey.Single || a.Type == survey.Multi) {
			sc.GroupBy = []int64{a.ID}
			by = s.Definition().Question(a.Key)
			break
		}
	}
	var v drillView
	if issue := r.URL.Query().Get("issue"); issue != "" {
		n, latest, err := srv.surveys.ResponseStamp(r.Context(), s)
		if err != nil {
			return err
		}
		v, err = srv.drillIssue(r.Context(), sc, key, store.IssueScope(s.ID, key), s.Slug, srv.surveyStamp(s, n, latest), issue, answerOf(r), filterOf(r), false)
		if err != nil {
			return err
		}
	} else if v, err = srv.drill(r.Context(), sc, filterOf(r), false); err != nil {
		return err
	}
	v.Back = "/surveys/" + url.PathEscape(s.Slug)
	v.Question = qm.Label
	if by != nil {
		v.Filter = newDrillFilter(r, "group", by.Label, attributeValues(by))
	}
	return srv.writeDrill(w, r, v, s.Title)
}

func (srv *Server) showSeriesAnswers(w http.ResponseWriter, r *http.Request) error {
	sv, err := seriesOf(r)
	if err != nil {
		return err
	}
	list := sv.Surveys
	sc, key := reports.SeriesScope(list, r.URL.Query().Get("question"))
	if len(sc.Questions) == 0 || srv.texts == nil {
		return Errorf(http.StatusNotFound, "このシリーズには一覧できる自由記述がありません。")
	}
	var v drillView
	if issue := r.URL.Query().Get("issue"); issue != "" {
		cacheKey, stamp, err := srv.seriesStamp(r.Context(), sv)
		if err != nil {
			return err
		}
		v, err = srv.drillIssue(r.Context(), sc, key, store.SeriesIssueScope(sv.Series.Key, key), cacheKey, stamp, issue, answerOf(r), filterOf(r), true)
		if err != nil {
			return err
		}
	} else if v, err = srv.drill(r.Context(), sc, filterOf(r), true); err != nil {
		return err
	}
	v.Back = "/series/" + url.PathEscape(r.PathValue("key"))
	v.Filter = newDrillFilter(r, "event", "回", sc.Events())
	for _, qm := range list[0].Questions {
		if qm.Key == key {
			v.Question = qm.Label
		}
	}
	return srv.writeDrill(w, r, v, "回答の一覧")
}

func filterOf(r *http.Request) analysis.Filter {
	q := r.URL.Query()
	return analysis.Filter{Term: q.Get("term"), Code: q.Get("code"), Group: q.Get("group"), Event: q.Get("event")}
}

// answerOf is the answer asked to come first (?answer=ID), 0 for none.
func answerOf(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.URL.Query().Get("answer"), 10, 64)
	return id
}

// drill lists the answers a filter selects, with the term in context.
func (srv *Server) drill(ctx context.Context, sc store.Scope, f analysis.Filter, byEvent bool) (drillView, error) {
	m, err := srv.texts.Matching(ctx, sc, f, 30, reports.MaxDrillAnswers)
	if err != nil {
		return drillView{}, err
	}
	return drillView{Assets: dashboardAssets(srv.reportAssets), DrillList: reports.NewDrillList(m.N, m.Docs, m.Lines, f, byEvent)}, nil
}

// drillIssue lists the answers of one issue group (id, or "unassigned" for
// 未分類) of the question key, narrowed by the filter's group and event. The
// groups are those the dashboard shows, from its cache (cacheKey) while
// the answers have not changed (stamp); else they are grouped again here
// (the same answers give the same groups), taking over the IDs and names
// of the groups stored under kept, as the dashboard does, without storing
// them: a listing changes nothing. The answer first (a point of the answer
// map), when it is in the list, is listed first.
func (srv *Server) drillIssue(ctx context.Context, sc store.Scope, key, kept, cacheKey, stamp, id string, first int64, f analysis.Filter, byEvent bool) (drillView, error) {
	prev := srv.lastBlocks(cacheKey)
	is := prev.issues[key].Issues
	if prev.answers != stamp || is == nil {
		set, err := reports.ComputeIssues(ctx, srv.texts, sc, -1)
		if err == nil {
			set, err = reports.KeepIssues(ctx, srv.texts, kept, set, false)
		}
		if err != nil {
			return drillView{}, err
		}
		is = set.Issues
	}
	ids, label, ok := reports.IssueAnswers(is, id)
	if !ok {
		return drillView{}, Errorf(http.StatusNotFound, "この論点は見つかりません。回答が増えて論点がまとめ直された可能性があります。ダッシュボードを開き直してください。")
	}
	docs, err := srv.texts.DocsAmong(ctx, sc, ids)
	if err != nil {
		return drillView{}, err
	}
	in := docs[:0]
	for _, d := range docs {
		if (f.Group == "" || d.Group == f.Group) && (f.Event == "" || d.Event == f.Event) {
			in = append(in, d)
		}
	}
	return drillView{Assets: dashboardAssets(srv.reportAssets), DrillList: reports.NewIssueDrillList(in, label, f, byEvent, first)}, nil
}

// writeDrill writes the full page, or only the list when the dashboard's
// script asks for a fragment (?fragment=1).
func (srv *Server) writeDrill(w http.ResponseWriter, r *http.Request, v drillView, title string) error {
	if r.URL.Query().Get("fragment") != "1" {
		return srv.renderDashboard(w, r, srv.drillPage, title, v)
	}
	if v.Filter != nil { // the panel has no room for the form: its page has
		q := r.URL.Query()
		q.Del("fragment")
		v.Open = r.URL.Path + "?" + q.Encode()
	}
	var buf bytes.Buffer
	if err := srv.drillPage.ExecuteTemplate(&buf, "drill", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", dashboardCSP)
	w.Header().Set("Cache-Control", "private, no-cache")
	_, err := buf.WriteTo(w)
	return err
}
