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

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/demo"
	"github.com/koe-project/koe/internal/ratelimit"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/web"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
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
	// A dictionary applied (koe dictionary apply) while koe serves is used
	// for new answers within dictionaryCheck, by every process.
	go texts.FollowDictionary(ctx, dictionaryCheck, log)
	app := newApp(db, log, texts)
	app.trustProxy = *trustProxy
	app.baseURL = *baseURL
	app.submitLimit = ratelimit.New(*submitRate, *submitBurst)
	if *pprofAddr != "" {
		if err := startPprof(*pprofAddr, log); err != nil {
			return err
		}
	}
	if *withDemo {
		password, err := demo.Load(ctx, app.surveys, app.users)
		if err != nil {
			return fmt.Errorf("loading demo data: %w", err)
		}
		fmt.Fprintf(e.stdout, "demo data loaded; staff login: %s / %s\n", demo.StaffEmail, password)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app.handler(),
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
	pages   *web.Pages
	surveys *survey.Store
	texts   *store.Store
	users   *auth.Store

	trustProxy  bool               // believe X-Forwarded-For/-Proto (--trust-proxy)
	submitLimit *ratelimit.Limiter // per address and survey (--submit-rate, --submit-burst)
	baseURL     string             // public address for links and QR codes (--base-url)
	stallLimit  time.Duration      // /healthz fails once a submission has waited this long to be written
}

// healthStallLimit is how long a submission may wait to be written before /healthz
// reports the server unhealthy. A write takes milliseconds, and an import of
// 30,000 responses holds SQLite's writer for about four seconds: past ten,
// answers are stalling (the database is locked or far too slow).
const healthStallLimit = 10 * time.Second

func newApp(db *bun.DB, log *slog.Logger, texts *store.Store) *app {
	return &app{
		db:      db,
		log:     log,
		pages:   web.NewPages(web.NewStatic(), log),
		surveys: survey.NewStore(db, texts.Tokenizer()),
		texts:   texts,
		users:   auth.NewStore(db),

		submitLimit: ratelimit.New(600, 300),
		stallLimit:  healthStallLimit,
	}
}

func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", a.pages.Static())
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/surveys", http.StatusSeeOther)
	})
	login := auth.NewHandlers(a.users, a.pages, a.log)
	login.Register(mux)
	auth.NewAdmin(login).Register(mux) // /admin/users: staff accounts, for admins
	sp := survey.NewPages(a.surveys, a.pages, a.log)
	sp.SubmitLimit = a.submitLimit
	sp.BaseURL = a.baseURL
	sp.IsAdmin = a.users.IsAdmin
	// Every staff route: signed in, then allowed for the survey or series it touches.
	staff := func(h http.Handler) http.Handler { return login.RequireStaff(sp.Access(h)) }
	sp.Register(mux, staff)
	reports.NewPages(a.surveys, a.texts, a.pages, a.log).Register(mux, staff)
	// Refuse cross-origin form posts (CSRF) using the browser's Sec-Fetch-Site
	// and Origin headers; non-browser clients such as curl send neither.
	// Proxy headers are believed only with --trust-proxy (client address, HTTPS).
	return web.TrustProxy(a.trustProxy, web.LogRequests(a.log, web.SecurityHeaders(http.NewCrossOriginProtection().Handler(mux))))
}

func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.db.PingContext(ctx); err != nil {
		a.log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	if wait := a.surveys.WriteWait(); wait > a.stallLimit {
		a.log.Error("health check failed: submissions are not being written", "oldest_waiting", wait)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "submissions stalled: the oldest has waited %d s to be stored\n", int(wait.Seconds()))
		return
	}
	fmt.Fprintln(w, "ok")
}
