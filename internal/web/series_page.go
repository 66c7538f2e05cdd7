package web

import (
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/koe-project/koe/reports"
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
	se, err := reports.BuildSeriesOf(r.Context(), srv.surveys, srv.texts, visible)
	if err != nil {
		return err
	}
	body, issues, err := reports.SeriesBody(se, "/series/"+url.PathEscape(se.Key)+"/answers")
	if err != nil {
		return err
	}
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
