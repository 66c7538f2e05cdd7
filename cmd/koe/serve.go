package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/ratelimit"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/web"
	"github.com/koe-project/koe/survey/examples"
)

func serveCmd(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("serve")
	addr := fs.String("addr", ":8080", "address to listen on")
	withDemo := fs.Bool("demo", false, "load the example questionnaires with sample answers and a demo staff account")
	trustProxy := fs.Bool("trust-proxy", e.getenv("KOE_TRUST_PROXY") == "1" || e.getenv("KOE_TRUST_PROXY") == "true",
		"believe X-Forwarded-For/-Proto of the one reverse proxy every request comes through (env KOE_TRUST_PROXY=1)")
	submitRate := fs.Int("submit-rate", 600, "submissions per minute per client address and survey (0: no limit)")
	submitBurst := fs.Int("submit-burst", 300, "submissions at once per client address and survey")
	baseURL := fs.String("base-url", e.getenv("KOE_BASE_URL"), "public address of the respondent pages for links and QR codes, e.g. https://koe.example.jp (env KOE_BASE_URL; default: from each request)")
	pprofAddr := fs.String("pprof", "", "serve Go profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060")
	if err := parse(fs, args); err != nil {
		return err
	}
	if u, err := url.Parse(*baseURL); *baseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return fmt.Errorf("--base-url %q: use the public address with its scheme, such as https://koe.example.jp", *baseURL)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()

	texts, err := openAnalysis(ctx, db)
	if err != nil {
		return err
	}
	analysis.LoadSystemDictionary() // before the first answer, not during it
	// A dictionary applied (koe dictionary apply) while koe serves is used
	// for new answers within dictionaryCheck, by every process.
	go texts.FollowDictionary(ctx, dictionaryCheck, log)
	app := newApp(db, log, texts)
	app.trustProxy = *trustProxy
	app.baseURL = *baseURL
	app.submitLimit = ratelimit.New(*submitRate, *submitBurst)
	app.refreshAfter = refreshDashboardsAfter
	if *pprofAddr != "" {
		if err := startPprof(*pprofAddr, log); err != nil {
			return err
		}
	}
	if *withDemo {
		password, err := examples.Load(ctx, app.surveys, app.users)
		if err != nil {
			return fmt.Errorf("loading demo data: %w", err)
		}
		fmt.Fprintf(e.stdout, "demo data loaded; staff login: %s / %s\n", examples.StaffEmail, password)
	}

	site, err := app.web()
	if err != nil {
		return err
	}
	handler, err := site.Handler()
	if err != nil {
		return err
	}
	// The dashboards of large surveys are built in the background from the
	// start, so that their first reader does not wait for them.
	go func() {
		if err := site.WarmDashboards(ctx, warmDashboardsFrom); err != nil && ctx.Err() == nil {
			log.Warn("building the large dashboards at start failed", "err", err)
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "koe is serving on http://%s (database %s)\n", displayAddr(ln.Addr()), database.Redact(*dbURL))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish, then close the database.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	site.StopBuilds()
	return nil
}

// dictionaryCheck is how often a server looks for a newly applied dictionary:
// one indexed read of one row.
const dictionaryCheck = 2 * time.Second

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}

// app wires koe's parts together for the web server.
type app struct {
	db      *bun.DB
	log     *slog.Logger
	surveys *store.Store
	texts   *store.Store
	users   *auth.Store

	trustProxy  bool               // believe X-Forwarded-For/-Proto (--trust-proxy)
	submitLimit *ratelimit.Limiter // per address and survey (--submit-rate, --submit-burst)
	baseURL     string             // public address for links and QR codes (--base-url)
	stallLimit  time.Duration      // /healthz fails once a submission has waited this long to be written
	// refreshAfter: a dashboard that took this long to build is shown as it
	// was after a change, while built again in the background (0, as in
	// tests: always built while the reader waits)
	refreshAfter time.Duration
}

// healthStallLimit is how long a submission may wait to be written before /healthz
// reports the server unhealthy. A write takes milliseconds, and an import of
// 30,000 responses holds SQLite's writer for about four seconds: past ten,
// answers are stalling (the database is locked or far too slow).
const healthStallLimit = 10 * time.Second

// refreshDashboardsAfter: a dashboard that took two seconds or more to build
// (a survey of thousands of responses) is not built again while a reader
// waits after each new response: its blocks as they were are shown, saying
// so, while the new ones are built in the background.
const refreshDashboardsAfter = 2 * time.Second

// warmDashboardsFrom is how many responses a survey needs for its dashboard
// to be built when koe serve starts (about two seconds of work per 10,000
// responses).
const warmDashboardsFrom = 5000

func newApp(db *bun.DB, log *slog.Logger, texts *store.Store) *app {
	return &app{
		db:      db,
		log:     log,
		surveys: store.New(db, texts.Tokenizer()),
		texts:   texts,
		users:   auth.NewStore(db),

		submitLimit: ratelimit.New(600, 300),
		stallLimit:  healthStallLimit,
	}
}

// web is the web app made of the app's stores and settings.
func (a *app) web() (*web.Server, error) {
	return web.New(web.Config{
		DB: a.db, Surveys: a.surveys, Texts: a.texts, Accounts: a.users, Log: a.log,
		TrustProxy: a.trustProxy, SubmitLimit: a.submitLimit, BaseURL: a.baseURL, StallLimit: a.stallLimit,
		RefreshAfter: a.refreshAfter,
	})
}
