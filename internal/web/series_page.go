package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// The series dashboard: trends across the events of a series.

type seriesDashView struct {
	Assets     assetURLs
	Key, Title string
	Generated  string
	Responses  int
	Hidden     int
	Events     []reports.SeriesEvent
	Body       template.HTML
	Issues     []reports.IssueLink
}

func (srv *Server) showSeries(w http.ResponseWriter, r *http.Request) error {
	visible, err := seriesOf(r)
	if err != nil {
		return err
	}
	c, err := srv.seriesBlocks(r.Context(), visible)
	if err != nil {
		return err
	}
	se, body, issues := c.series, c.blocks, c.links
	v := seriesDashView{Assets: dashboardAssets(srv.reportAssets), Key: se.Key, Title: se.Title, Generated: reports.FormatGenerated(time.Now()), Events: se.Events,
		Hidden: se.Hidden, Body: body, Issues: issues}
	if v.Title == "" {
		v.Title = se.Key
	}
	for _, e := range se.Events {
		v.Responses += e.Responses
	}
	return srv.renderDashboard(w, r, srv.seriesPage, v.Title, v)
}

// seriesBlocks returns the series dashboard's model and body for the surveys
// one reader sees, built once per change of any of them (their issue groups
// are about a CPU-second per 10,000 answers).
func (srv *Server) seriesBlocks(ctx context.Context, visible survey.SeriesView) (cachedBlocks, error) {
	key, stamp, err := srv.seriesStamp(ctx, visible)
	if err != nil {
		return cachedBlocks{}, err
	}
	if c, ok := srv.cachedBlocks(key, stamp); ok {
		return c, nil
	}
	// Past its time to live with the same stamp, the body is rendered again
	// but the answers are not grouped again.
	prev := srv.lastBlocks(key)
	var known *reports.IssueSet
	if prev.answers == stamp {
		set := prev.issues[prev.series.IssueQuestion]
		known = &set
	}
	se, err := reports.BuildSeriesReusing(ctx, srv.surveys, srv.texts, visible, known)
	if err != nil {
		return cachedBlocks{}, err
	}
	var issues map[string]reports.IssueSet
	if se.IssueGroups != nil {
		issues = map[string]reports.IssueSet{se.IssueQuestion: {Issues: se.IssueGroups, Grouped: se.IssueGroupsGrouped, Hidden: se.IssueHidden, Merged: se.IssueMerged}}
	}
	if se.IssueGroups != nil { // the staff's forms on each issue card
		se.IssueEdit = "/series/" + url.PathEscape(se.Key) + "/issues/"
	}
	body, links, err := reports.SeriesBody(se, "/series/"+url.PathEscape(se.Key)+"/answers")
	if err != nil {
		return cachedBlocks{}, err
	}
	c := cachedBlocks{stamp: stamp, answers: stamp, blocks: body, built: time.Now(), series: se, links: links, issues: issues}
	srv.keepBlocks(key, c)
	return c, nil
}

// seriesStamp names the surveys a reader sees of a series (the cache key)
// and their state (the stamp).
func (srv *Server) seriesStamp(ctx context.Context, visible survey.SeriesView) (key, stamp string, err error) {
	var k, st strings.Builder
	k.WriteString("series:" + visible.Series.Key)
	for _, s := range visible.Surveys {
		n, latest, err := srv.surveys.ResponseStamp(ctx, s)
		if err != nil {
			return "", "", err
		}
		fmt.Fprintf(&k, "|%d", s.ID)
		st.WriteString(srv.surveyStamp(s, n, latest) + ";")
	}
	fmt.Fprintf(&k, "|hidden %d", visible.Hidden)
	return k.String(), st.String(), nil
}
