package auth

import (
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/ratelimit"
	"github.com/koe-project/koe/internal/web"
)

//go:embed templates
var templateFiles embed.FS

// CookieName is the session cookie.
const CookieName = "koe_session"

// Handlers serves /login and /logout and guards staff routes.
type Handlers struct {
	store *Store
	web   *web.Pages
	log   *slog.Logger
	login *template.Template
}

// NewHandlers returns the sign-in handlers.
func NewHandlers(store *Store, wp *web.Pages, log *slog.Logger) *Handlers {
	return &Handlers{store: store, web: wp, log: log, login: wp.Parse(templateFiles, "templates/login.html")}
}

// Register adds /login and /logout.
func (h *Handlers) Register(mux *http.ServeMux) {
	handle := func(f web.HandlerFunc) http.Handler { return web.Handle(h.web, h.log, f) }
	mux.Handle("GET /login", handle(h.showLogin))
	mux.Handle("POST /login", handle(h.submitLogin))
	mux.Handle("POST /logout", handle(h.logout))
}

type loginView struct {
	Email, Next, Error string
}

func (h *Handlers) showLogin(w http.ResponseWriter, r *http.Request) error {
	return h.web.Render(w, r, http.StatusOK, h.login, "ログイン", loginView{Next: safeNext(r.URL.Query().Get("next"))})
}

func (h *Handlers) submitLogin(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	v := loginView{Email: r.PostForm.Get("email"), Next: safeNext(r.PostForm.Get("next"))}
	if msg := loginInputProblem(v.Email); msg != "" {
		v.Error = msg
		return h.web.Render(w, r, http.StatusUnprocessableEntity, h.login, "ログイン", v)
	}
	token, err := h.store.SignInFrom(r.Context(), v.Email, r.PostForm.Get("password"), web.ClientAddr(r))
	var throttled *ThrottledError
	if errors.As(err, &throttled) {
		w.Header().Set("Retry-After", ratelimit.RetryAfter(throttled.RetryAfter))
		v.Error = "ログインの失敗が続いたため、しばらくログインできません。" + waitText(throttled.RetryAfter) + "後にもう一度お試しください。"
		return h.web.Render(w, r, http.StatusTooManyRequests, h.login, "ログイン", v)
	}
	var busy *BusyError
	if errors.As(err, &busy) {
		w.Header().Set("Retry-After", ratelimit.RetryAfter(busy.RetryAfter))
		v.Error = "ただいまログインが混み合っています。数秒待ってから、もう一度ログインしてください。"
		return h.web.Render(w, r, http.StatusServiceUnavailable, h.login, "ログイン", v)
	}
	if errors.Is(err, ErrBadCredentials) {
		v.Error = "メールアドレスかパスワードが違います。"
		return h.web.Render(w, r, http.StatusUnauthorized, h.login, "ログイン", v)
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: web.IsHTTPS(r), MaxAge: int(SessionLifetime.Seconds()),
	})
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(CookieName); err == nil {
		if err := h.store.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: web.IsHTTPS(r), MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// RequireStaff lets signed-in staff through and sends everyone else to the
// sign-in page (browsers) or answers 401 (scripts).
func (h *Handlers) RequireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u *User
		if c, err := r.Cookie(CookieName); err == nil {
			var lookupErr error
			u, lookupErr = h.store.UserBySession(r.Context(), c.Value)
			if lookupErr != nil {
				h.log.ErrorContext(r.Context(), "session lookup failed", "err", lookupErr)
				h.web.RenderError(w, r, http.StatusInternalServerError, "サーバーで問題が発生しました。")
				return
			}
		}
		if u == nil {
			w.Header().Set("Cache-Control", "no-store")
			if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.web.RenderError(w, r, http.StatusUnauthorized, "ログインが必要です。")
			return
		}
		w.Header().Set("Cache-Control", "private, no-store")
		next.ServeHTTP(w, r.WithContext(web.WithUser(r.Context(), u.Email)))
	})
}

// loginInputProblem explains why a typed e-mail address cannot be any
// account's, or returns "".
func loginInputProblem(email string) string {
	switch {
	case !database.StorableText(email):
		return "メールアドレスに使えない文字（NUL などの制御文字）が含まれています。入力し直してください。"
	case utf8.RuneCountInString(normalEmail(email)) > MaxEmailLen:
		return "メールアドレスが長すぎます（" + strconv.Itoa(MaxEmailLen) + "文字まで）。"
	}
	return ""
}

// safeNext keeps a post-login redirect on this site: it returns next only
// when it is a clean local path (with a query), and /surveys otherwise.
// Browsers drop tabs and newlines from URLs and read a backslash as a slash,
// so "/%09/evil.example" or "/\evil.example" would leave the site; encoded
// slashes and backslashes are refused for the same reason.
func safeNext(next string) string {
	const home = "/surveys"
	if strings.ContainsFunc(next, controlOrBackslash) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" || u.RawPath != "" {
		return home // RawPath is set when the path escapes what it needs not, such as %2F
	}
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.ContainsFunc(u.Path, controlOrBackslash) {
		return home
	}
	return u.RequestURI()
}

func controlOrBackslash(c rune) bool { return c < 0x20 || c == 0x7f || c == '\\' }

// waitText says a wait in Japanese minutes (at least 1).
func waitText(d time.Duration) string {
	return strconv.Itoa(max(1, int((d+time.Minute-1)/time.Minute))) + "分"
}
