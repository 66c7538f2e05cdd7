package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// The self-contained report downloads of a survey and of a series.

var errNoSurvey = Errorf(http.StatusNotFound, "このアンケートは見つかりません。")

// reportSurvey loads the survey of a dashboard or report route.
func (srv *Server) reportSurvey(r *http.Request) (*survey.Survey, error) {
	s, err := srv.surveys.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, survey.ErrNotFound) {
		return nil, errNoSurvey
	}
	return s, err
}

// seriesOf returns the part of the route's series the signed-in member may
// see, as requireAccess found it: series pages show nothing else.
func seriesOf(r *http.Request) (survey.SeriesView, error) {
	v, ok := seriesViewOf(r.Context())
	if !ok {
		return v, errors.New("web.seriesOf: series route without its access check")
	}
	return v, nil
}

// attachment writes a downloaded report.
func attachment(w http.ResponseWriter, name string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(body)
	return err
}

// fileName keeps a slug or key safe inside a quoted header value.
func fileName(s, suffix string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (r == '-' || r == '_' || r == '.' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String() + suffix
}

func (srv *Server) downloadSurveyReport(w http.ResponseWriter, r *http.Request) error {
	s, err := srv.reportSurvey(r)
	if err != nil {
		return err
	}
	rep, err := srv.surveyReport(r.Context(), s)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.WriteReport(&buf, rep); err != nil {
		return err
	}
	return attachment(w, fileName(s.Slug, "-report.html"), buf.Bytes())
}

// surveyReport is the report of s as the signed-in member may see it (the
// earlier event compared is one they may view). It is the dashboard's own
// when the dashboard cached for the survey shows the same answers and the
// same earlier event, which it is built alike from (staff read the
// dashboard, then download its report: at 64,000 responses that saves the
// whole build); else it is built, taking the issue groups the dashboard
// cached for the same answers.
func (srv *Server) surveyReport(ctx context.Context, s *survey.Survey) (reports.Report, error) {
	before, err := srv.previousEvent(ctx, s)
	if err != nil {
		return reports.Report{}, err
	}
	n, latest, err := srv.surveys.ResponseStamp(ctx, s)
	if err != nil {
		return reports.Report{}, err
	}
	answers, stamp, _ := srv.blockStamps(s, n, latest, false, before)
	if c, ok := srv.cachedBlocks(s.Slug, stamp); ok && c.report != nil {
		rep := *c.report
		rep.GeneratedAt = time.Now()
		return rep, nil
	}
	rep, err := reports.BuildReportReusing(ctx, srv.surveys, srv.texts, s, srv.lastBlocks(s.Slug).issuesFor(answers))
	if err == nil && before != nil {
		err = reports.AddPrevious(ctx, srv.surveys, &rep, s, before)
	}
	return rep, err
}

func (srv *Server) downloadSeriesReport(w http.ResponseWriter, r *http.Request) error {
	v, err := seriesOf(r)
	if err != nil {
		return err
	}
	se, err := reports.BuildSeriesOf(r.Context(), srv.surveys, srv.texts, v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.WriteSeries(&buf, se); err != nil {
		return err
	}
	return attachment(w, fileName(se.Key, "-series-report.html"), buf.Bytes())
}
