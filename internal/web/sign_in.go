package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/ratelimit"
)

type loginView struct {
	Email, Next, Error string
}

func (srv *Server) showLogin(w http.ResponseWriter, r *http.Request) error {
	return srv.pages.Render(w, r, http.StatusOK, srv.loginPage, "ログイン", loginView{Next: safeNext(r.URL.Query().Get("next"))})
}

func (srv *Server) submitLogin(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusBadRequest, "送信内容を読み取れませんでした。")
	}
	v := loginView{Email: r.PostForm.Get("email"), Next: safeNext(r.PostForm.Get("next"))}
	if msg := loginInputProblem(v.Email); msg != "" {
		v.Error = msg
		return srv.pages.Render(w, r, http.StatusUnprocessableEntity, srv.loginPage, "ログイン", v)
	}
	token, err := srv.accounts.SignInFrom(r.Context(), v.Email, r.PostForm.Get("password"), ClientAddr(r))
	var throttled *auth.ThrottledError
	if errors.As(err, &throttled) {
		w.Header().Set("Retry-After", ratelimit.RetryAfter(throttled.RetryAfter))
		v.Error = "ログインの失敗が続いたため、しばらくログインできません。" + waitText(throttled.RetryAfter) + "後にもう一度お試しください。"
		return srv.pages.Render(w, r, http.StatusTooManyRequests, srv.loginPage, "ログイン", v)
	}
	var busy *auth.BusyError
	if errors.As(err, &busy) {
		w.Header().Set("Retry-After", ratelimit.RetryAfter(busy.RetryAfter))
		v.Error = "ただいまログインが混み合っています。数秒待ってから、もう一度ログインしてください。"
		return srv.pages.Render(w, r, http.StatusServiceUnavailable, srv.loginPage, "ログイン", v)
	}
	if errors.Is(err, auth.ErrBadCredentials) {
		v.Error = "メールアドレスかパスワードが違います。"
		return srv.pages.Render(w, r, http.StatusUnauthorized, srv.loginPage, "ログイン", v)
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: auth.CookieName, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: IsHTTPS(r), MaxAge: int(auth.SessionLifetime.Seconds()),
	})
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// loginInputProblem explains why a typed e-mail address cannot be any
// account's, or returns "".
func loginInputProblem(email string) string {
	switch {
	case !database.StorableText(email):
		return "メールアドレスに使えない文字（NUL などの制御文字）が含まれています。入力し直してください。"
	case utf8.RuneCountInString(strings.ToLower(strings.TrimSpace(email))) > auth.MaxEmailLen:
		return "メールアドレスが長すぎます（" + strconv.Itoa(auth.MaxEmailLen) + "文字まで）。"
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
