package reports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/web"
	"github.com/koe-project/koe/survey"
)

// Pages serves the staff's reports: the report downloads, the live survey
// dashboard, the series dashboard and the drill-down lists of answers.
type Pages struct {
	surveys *survey.Store
	texts   *store.Store
	web     *web.Pages
	log     *slog.Logger
	assets  *web.Static

	dashboard, series, answers *template.Template

	mu    sync.Mutex
	cache map[string]cachedBlocks // survey slug -> its rendered blocks
}

// NewPages parses the dashboard templates. texts may be nil (no analysis).
func NewPages(surveys *survey.Store, texts *store.Store, wp *web.Pages, log *slog.Logger) *Pages {
	parse := func(name string) *template.Template { return wp.Parse(templateFS, "templates/"+name) }
	return &Pages{
		surveys: surveys, texts: texts, web: wp, log: log, assets: NewStatic(),
		dashboard: parse("dashboard.html"),
		series:    parse("dashboard_series.html"),
		answers:   parse("dashboard_answers.html"),
		cache:     map[string]cachedBlocks{},
	}
}

// Register adds the routes; staff wraps every route that shows answers.
func (p *Pages) Register(mux *http.ServeMux, staff func(http.Handler) http.Handler) {
	h := func(f web.HandlerFunc) http.Handler { return staff(web.Handle(p.web, p.log, f)) }
	mux.Handle("GET "+StaticPrefix, p.assets)
	mux.Handle("GET /surveys/{slug}", h(p.showSurvey))
	mux.Handle("GET /surveys/{slug}/report.html", h(p.downloadSurvey))
	mux.Handle("GET /surveys/{slug}/answers", h(p.showSurveyAnswers))
	mux.Handle("GET /series/{key}", h(p.showSeries))
	mux.Handle("GET /series/{key}/report.html", h(p.downloadSeries))
	mux.Handle("GET /series/{key}/answers", h(p.showSeriesAnswers))
}

var errNoSurvey = web.Errorf(http.StatusNotFound, "このアンケートは見つかりません。")

func (p *Pages) surveyOf(r *http.Request) (*survey.Survey, error) {
	s, err := p.surveys.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, survey.ErrNotFound) {
		return nil, errNoSurvey
	}
	return s, err
}

// seriesOf returns the part of the route's series the signed-in member may
// see, as survey.Pages.Access found it: series pages show nothing else.
func seriesOf(r *http.Request) (survey.SeriesView, error) {
	v, ok := survey.SeriesViewOf(r.Context())
	if !ok {
		return v, errors.New("reports: series route not wrapped by survey.Pages.Access")
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

func (p *Pages) downloadSurvey(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyOf(r)
	if err != nil {
		return err
	}
	rep, err := BuildReport(r.Context(), p.surveys, p.texts, s)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, rep); err != nil {
		return err
	}
	return attachment(w, fileName(s.Slug, "-report.html"), buf.Bytes())
}

func (p *Pages) downloadSeries(w http.ResponseWriter, r *http.Request) error {
	v, err := seriesOf(r)
	if err != nil {
		return err
	}
	se, err := BuildSeriesOf(r.Context(), p.surveys, p.texts, v)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteSeries(&buf, se); err != nil {
		return err
	}
	return attachment(w, fileName(se.Key, "-series-report.html"), buf.Bytes())
}

// dashboardCSP lets a dashboard run only koe's own script files: no inline
// script, no event handler attribute, nothing from elsewhere.
const dashboardCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func (p *Pages) render(w http.ResponseWriter, r *http.Request, t *template.Template, title string, data any) error {
	w.Header().Set("Content-Security-Policy", dashboardCSP)
	w.Header().Set("Cache-Control", "private, no-cache")
	return p.web.Render(w, r, http.StatusOK, t, title, data)
}

// Survey dashboard.

type dashboardView struct {
	Assets                 assetURLs
	Slug, Title            string
	SeriesKey, SeriesTitle string
	EventTitle, Date, Rate string
	Responses              int
	Latest, Generated      string
	Blocks                 template.HTML
	Drillable              bool
}

// cachedBlocks are a survey's rendered question blocks, valid while nothing
// they depend on has changed.
type cachedBlocks struct {
	stamp     string
	blocks    template.HTML
	drillable bool
	built     time.Time
}

// blocksTTL bounds how long rendered blocks are reused even when the
// responses did not change (a dictionary applied by another process).
const blocksTTL = 5 * time.Minute

func (p *Pages) showSurvey(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, err := p.surveyOf(r)
	if err != nil {
		return err
	}
	n, latest, err := p.surveys.ResponseStamp(ctx, s)
	if err != nil {
		return err
	}
	v := dashboardView{
		Assets: dashboardAssets(p.assets), Slug: s.Slug, Title: s.Title, EventTitle: s.EventTitle, Date: formatDate(s.EventDate),
		Responses: n, Rate: rateText(n, s.Attendees), Generated: formatGenerated(time.Now()),
	}
	if s.Series != nil {
		v.SeriesKey, v.SeriesTitle = s.Series.Key, s.Series.Title
	}
	if n > 0 {
		v.Latest = formatGenerated(latest)
	}
	version := ""
	if p.texts != nil {
		version = p.texts.Version()
	}
	stamp := fmt.Sprintf("%d|%d|%s|%s|%s", s.ID, n, latest.UTC().Format(time.RFC3339Nano), s.UpdatedAt.UTC().Format(time.RFC3339Nano), version)
	if c, ok := p.cached(s.Slug, stamp); ok {
		v.Blocks, v.Drillable = c.blocks, c.drillable
		return p.render(w, r, p.dashboard, s.Title, v)
	}
	rep, err := BuildReport(ctx, p.surveys, p.texts, s)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for i, q := range rep.Questions {
		if qm := questionModel(s, q.Key); q.Text != nil && qm != nil && qm.Analyze && p.texts != nil {
			q.Drill = "/surveys/" + url.PathEscape(s.Slug) + "/answers?question=" + url.QueryEscape(q.Key)
			v.Drillable = true
		}
		if err := WriteQuestion(&buf, q, i+1); err != nil {
			return err
		}
	}
	// The blocks come from this package's html/template files: every text
	// in them is escaped.
	v.Blocks = template.HTML(buf.String())
	p.store(s.Slug, cachedBlocks{stamp: stamp, blocks: v.Blocks, drillable: v.Drillable, built: time.Now()})
	return p.render(w, r, p.dashboard, s.Title, v)
}

func (p *Pages) cached(slug, stamp string) (cachedBlocks, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.cache[slug]
	return c, ok && c.stamp == stamp && time.Since(c.built) < blocksTTL
}

func (p *Pages) store(slug string, c cachedBlocks) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.cache) > 200 { // bounded: drop everything rather than grow
		clear(p.cache)
	}
	p.cache[slug] = c
}

func questionModel(s *survey.Survey, key string) *survey.QuestionModel {
	for _, qm := range s.Questions {
		if qm.Key == key {
			return qm
		}
	}
	return nil
}

// Series dashboard.

type seriesDashView struct {
	Assets     assetURLs
	Key, Title string
	Generated  string
	Responses  int
	Hidden     int
	Events     []SeriesEvent
	Body       template.HTML
	Issues     []issueLink
}

type issueLink struct {
	Term, Href string
}

func (p *Pages) showSeries(w http.ResponseWriter, r *http.Request) error {
	visible, err := seriesOf(r)
	if err != nil {
		return err
	}
	se, err := BuildSeriesOf(r.Context(), p.surveys, p.texts, visible)
	if err != nil {
		return err
	}
	sv, err := buildSeries(se)
	if err != nil {
		return err
	}
	var body bytes.Buffer
	if err := execute(&body, "series-body", sv.Series); err != nil {
		return err
	}
	v := seriesDashView{Assets: dashboardAssets(p.assets), Key: se.Key, Title: se.Title, Generated: formatGenerated(time.Now()), Events: se.Events,
		Hidden: se.Hidden, Body: template.HTML(body.String())} // rendered by html/template
	if v.Title == "" {
		v.Title = se.Key
	}
	for _, e := range se.Events {
		v.Responses += e.Responses
	}
	// The links name the issues as shown: masked with everything else by buildSeries.
	base := "/series/" + url.PathEscape(se.Key) + "/answers"
	for _, is := range sv.Series.Issues {
		param := "term"
		if is.Code {
			param = "code"
		}
		v.Issues = append(v.Issues, issueLink{Term: is.Term, Href: drillURL(base, param, is.Term)})
	}
	return p.render(w, r, p.series, v.Title, v)
}

// Drill-down: the answers behind a word, a category or a cross-tab cell.

// maxDrillAnswers bounds a drill-down list.
const maxDrillAnswers = 500

type drillView struct {
	Assets   assetURLs
	Back     string
	What     string
	Question string
	N        int
	Lines    []drillLine
	Answers  []drillAnswer
	ByEvent  bool
}

type drillLine struct {
	Left, Match, Right, Event string
}

type drillAnswer struct {
	Text, Note string
}

func (p *Pages) showSurveyAnswers(w http.ResponseWriter, r *http.Request) error {
	s, err := p.surveyOf(r)
	if err != nil {
		return err
	}
	key := r.URL.Query().Get("question")
	qm := questionModel(s, key)
	if qm == nil || qm.Personal || !qm.Analyze || p.texts == nil {
		return web.Errorf(http.StatusNotFound, "この質問の回答は一覧できません。")
	}
	sc := store.Scope{Questions: []store.ScopeQuestion{{ID: qm.ID}}}
	for _, a := range s.Questions {
		if a.Attribute && !a.Personal && (a.Type == survey.Single || a.Type == survey.Multi) {
			sc.GroupBy = []int64{a.ID}
			break
		}
	}
	f := filterOf(r)
	v, err := p.drill(r.Context(), sc, f, false)
	if err != nil {
		return err
	}
	v.Back = "/surveys/" + url.PathEscape(s.Slug)
	v.Question = qm.Label
	return p.writeDrill(w, r, v, s.Title)
}

func (p *Pages) showSeriesAnswers(w http.ResponseWriter, r *http.Request) error {
	sv, err := seriesOf(r)
	if err != nil {
		return err
	}
	list := sv.Surveys
	sc, key := SeriesScope(list, r.URL.Query().Get("question"))
	if len(sc.Questions) == 0 || p.texts == nil {
		return web.Errorf(http.StatusNotFound, "このシリーズには一覧できる自由記述がありません。")
	}
	v, err := p.drill(r.Context(), sc, filterOf(r), true)
	if err != nil {
		return err
	}
	v.Back = "/series/" + url.PathEscape(r.PathValue("key"))
	for _, qm := range list[0].Questions {
		if qm.Key == key {
			v.Question = qm.Label
		}
	}
	return p.writeDrill(w, r, v, "回答の一覧")
}

func filterOf(r *http.Request) analysis.Filter {
	q := r.URL.Query()
	return analysis.Filter{Term: q.Get("term"), Code: q.Get("code"), Group: q.Get("group"), Event: q.Get("event")}
}

// drill lists the answers a filter selects, with the term in context.
func (p *Pages) drill(ctx context.Context, sc store.Scope, f analysis.Filter, byEvent bool) (drillView, error) {
	docs, lines, err := p.texts.Matching(ctx, sc, f, 30)
	if err != nil {
		return drillView{}, err
	}
	v := drillView{Assets: dashboardAssets(p.assets), N: len(docs), ByEvent: byEvent}
	var what []string
	if f.Term != "" {
		what = append(what, "「"+f.Term+"」")
	}
	if f.Code != "" {
		what = append(what, "課題カテゴリ「"+f.Code+"」")
	}
	if f.Group != "" {
		what = append(what, "「"+f.Group+"」")
	}
	if f.Event != "" {
		what = append(what, f.Event)
	}
	v.What = strings.Join(what, "・")
	if v.What == "" {
		v.What = "すべて"
	}
	event := make(map[int64]string, len(docs))
	for _, d := range docs {
		event[d.ID] = d.Event
	}
	for _, l := range lines[:min(len(lines), maxDrillAnswers)] {
		v.Lines = append(v.Lines, drillLine{Left: l.Left, Match: l.Match, Right: l.Right, Event: event[l.DocID]})
	}
	for _, d := range docs[:min(len(docs), maxDrillAnswers)] {
		a := drillAnswer{Text: d.Text}
		var notes []string
		if byEvent && d.Event != "" {
			notes = append(notes, d.Event)
		}
		if d.Group != "" && f.Group == "" {
			notes = append(notes, d.Group)
		}
		a.Note = strings.Join(notes, "・")
		v.Answers = append(v.Answers, a)
	}
	return v.masked(), nil
}

// writeDrill writes the full page, or only the list when the dashboard's
// script asks for a fragment (?fragment=1).
func (p *Pages) writeDrill(w http.ResponseWriter, r *http.Request, v drillView, title string) error {
	if r.URL.Query().Get("fragment") != "1" {
		return p.render(w, r, p.answers, title, v)
	}
	var buf bytes.Buffer
	if err := p.answers.ExecuteTemplate(&buf, "drill", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", dashboardCSP)
	w.Header().Set("Cache-Control", "private, no-cache")
	_, err := buf.WriteTo(w)
	return err
}
