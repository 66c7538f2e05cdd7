package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/sync/singleflight"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/ratelimit"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// Config is what the web app is made of: its stores and its settings.
type Config struct {
	DB       *bun.DB      // pinged by /healthz
	Surveys  *store.Store // surveys, responses, invitations, shares
	Texts    *store.Store // analysed answers (nil: no analysis)
	Accounts *auth.Store  // staff accounts and sessions
	Log      *slog.Logger

	TrustProxy  bool               // believe X-Forwarded-For/-Proto (--trust-proxy)
	SubmitLimit *ratelimit.Limiter // per address and survey (nil: no limit)
	BaseURL     string             // public address for links and QR codes ("": from each request)
	StallLimit  time.Duration      // /healthz fails once a submission has waited this long to be written
	// RefreshAfter: a dashboard whose blocks took this long to build is,
	// after a change, shown as it was while built again in the background
	// (0: always built while the reader waits).
	RefreshAfter time.Duration
}

// Server holds what the handlers share. Every handler is a method of it,
// declared in the file named after its page or action, and reached only
// through the route table (routes.go).
type Server struct {
	db       *bun.DB
	surveys  *store.Store
	texts    *store.Store
	accounts *auth.Store
	log      *slog.Logger
	pages    *Pages
	now      func() time.Time

	trustProxy   bool
	submitLimit  *ratelimit.Limiter
	baseURL      string
	stallLimit   time.Duration
	reportAssets *Static

	// Page templates, each with the base layout.
	form, thanks, unavailable, list, responses      *template.Template
	editor, editorNew, link, invitations, shares    *template.Template
	deletePage, importPage, loginPage, usersPage    *template.Template
	dashboardPage, seriesPage, drillPage, codesPage *template.Template
	dictionaryPage                                  *template.Template

	reanalysis reanalysisJob // started by saving the dictionary (dictionary_job.go)

	blocksMu     sync.Mutex
	blocks       map[string]cachedBlocks // survey slug -> its rendered dashboard blocks
	refreshAfter time.Duration
	refresh      refreshes // dashboard_refresh.go
	buildAside   buildAside
	binary       binaryStamp        // names the blocks kept in the database (dashboard_snapshot.go)
	restoring    singleflight.Group // reads of kept blocks under way, by survey and variant
}

// New parses every page template: a broken template stops koe at start,
// not at the first visit of its page.
func New(c Config) (*Server, error) {
	if c.Log == nil {
		return nil, errors.New("web.New: no logger")
	}
	srv := &Server{
		db: c.DB, surveys: c.Surveys, texts: c.Texts, accounts: c.Accounts, log: c.Log,
		pages: NewPages(NewStatic(), c.Log), now: time.Now,
		trustProxy: c.TrustProxy, submitLimit: c.SubmitLimit, baseURL: c.BaseURL, stallLimit: c.StallLimit,
		reportAssets: NewStaticFS(reports.AssetsFS(), reportAssetsPrefix),
		blocks:       map[string]cachedBlocks{}, refreshAfter: c.RefreshAfter, buildAside: buildAside{from: buildAsideFrom, wait: buildAsideWait},
	}
	for dst, name := range map[**template.Template]string{
		&srv.form: "form.html", &srv.thanks: "thanks.html", &srv.unavailable: "unavailable.html", &srv.list: "list.html",
		&srv.responses: "responses.html", &srv.editor: "editor.html", &srv.editorNew: "editor_new.html", &srv.link: "link.html",
		&srv.invitations: "invitations.html", &srv.shares: "shares.html", &srv.deletePage: "delete.html",
		&srv.importPage: "import.html", &srv.loginPage: "login.html", &srv.usersPage: "users.html",
		&srv.dashboardPage: "dashboard.html", &srv.seriesPage: "dashboard_series.html", &srv.drillPage: "dashboard_answers.html",
		&srv.codesPage: "codes.html", &srv.dictionaryPage: "dictionary.html",
	} {
		t, err := srv.pages.Parse(baseFiles, "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("web.New: %w", err)
		}
		*dst = t
	}
	return srv, nil
}

// Handler is the whole web app: the route table's mux inside the middleware
// every request goes through.
func (srv *Server) Handler() (http.Handler, error) { return srv.HandlerOf(srv.routes()) }

// HandlerOf is Handler for another route table, such as Routes with a
// test's own page added. It fails on a route the table does not guard.
func (srv *Server) HandlerOf(table []Route) (http.Handler, error) {
	mux, err := srv.mux(table)
	if err != nil {
		return nil, err
	}
	// Refuse cross-origin form posts (CSRF) using the browser's Sec-Fetch-Site
	// and Origin headers; non-browser clients such as curl send neither.
	// Proxy headers are believed only with --trust-proxy (client address, HTTPS).
	// Text responses go out compressed (Compress): the chart library alone is
	// a megabyte before gzip.
	compressed, err := Compress(http.NewCrossOriginProtection().Handler(mux))
	if err != nil {
		return nil, err
	}
	return TrustProxy(srv.trustProxy, LogRequests(srv.log, SecurityHeaders(compressed))), nil
}

// handle adapts a handler that returns its failure to the one error renderer.
func (srv *Server) handle(f HandlerFunc) http.Handler { return Handle(srv.pages, srv.log, f) }

// surveyFromPath loads the survey named by the {slug} of a staff or
// respondent route, or returns the 404 the person should see.
func (srv *Server) surveyFromPath(r *http.Request) (*survey.Survey, error) {
	s, err := srv.surveys.SurveyBySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, survey.ErrNotFound) {
		return nil, Errorf(http.StatusNotFound, "このアンケートは見つかりません。URLをご確認ください。")
	}
	return s, err
}

// isAdmin says whether the signed-in staff member is an admin.
func (srv *Server) isAdmin(ctx context.Context) bool {
	return srv.accounts.IsAdmin(ctx, UserEmail(ctx))
}

// staff is the signed-in staff member, for ApplyBy and Create.
func (srv *Server) staff(ctx context.Context) survey.Staff {
	return survey.Staff{Email: UserEmail(ctx), Admin: srv.isAdmin(ctx)}
}
