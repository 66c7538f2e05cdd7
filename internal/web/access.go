package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/survey"
)

// requireStaff lets signed-in staff through and sends everyone else to the
// sign-in page (browsers) or answers 401 (scripts).
func (srv *Server) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u *auth.User
		if c, err := r.Cookie(auth.CookieName); err == nil {
			var lookupErr error
			u, lookupErr = srv.accounts.UserBySession(r.Context(), c.Value)
			if lookupErr != nil {
				srv.log.ErrorContext(r.Context(), "session lookup failed", "err", lookupErr)
				srv.pages.RenderError(w, r, http.StatusInternalServerError, "サーバーで問題が発生しました。")
				return
			}
		}
		if u == nil {
			w.Header().Set("Cache-Control", "no-store")
			if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			srv.pages.RenderError(w, r, http.StatusUnauthorized, "ログインが必要です。")
			return
		}
		w.Header().Set("Cache-Control", "private, no-store")
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u.Email)))
	})
}

// requireAdmin lets only an admin through; it runs inside requireStaff.
func (srv *Server) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !srv.isAdmin(r.Context()) {
			srv.pages.RenderError(w, r, http.StatusForbidden, "スタッフの管理は管理者だけが行えます。")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireAccess checks the signed-in member's access to the survey ({slug})
// or series ({key}) of the route against the route's level (View or Edit),
// inside requireStaff, so no handler checks on its own. A series route gets
// the part of the series the member may see (seriesViewOf), which its
// handler shows and nothing more.
func (srv *Server) requireAccess(need Level, next http.Handler) http.Handler {
	want := survey.View
	if need == Edit {
		want = survey.Edit
	}
	return srv.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		by := srv.staff(ctx)
		if slug := r.PathValue("slug"); slug != "" {
			s, err := srv.surveyFromPath(r)
			if err != nil {
				return err
			}
			level, err := srv.surveys.LevelOf(ctx, s, by.Email, by.Admin)
			if err != nil {
				return err
			}
			if level < want {
				if level == survey.NoAccess {
					return Errorf(http.StatusForbidden, "このアンケートを見る権限がありません。作成者に共有を依頼してください。")
				}
				return Errorf(http.StatusForbidden, "このアンケートは閲覧のみ共有されています。編集するには作成者に編集の共有を依頼してください。")
			}
		} else if key := r.PathValue("key"); key != "" {
			v, err := srv.surveys.SeriesViewFor(ctx, key, by, want)
			if errors.Is(err, survey.ErrNotFound) {
				return Errorf(http.StatusNotFound, "このシリーズは見つかりません。")
			}
			if err != nil {
				return err
			}
			owner := by.Admin || v.Series.Owner != "" && strings.EqualFold(v.Series.Owner, by.Email)
			if len(v.Surveys) == 0 && !owner {
				return Errorf(http.StatusForbidden, "このシリーズを見る権限がありません。シリーズのアンケートの作成者に共有を依頼してください。")
			}
			r = r.WithContext(context.WithValue(ctx, seriesViewKey{}, v))
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

type seriesViewKey struct{}

// seriesViewOf returns what requireAccess let the signed-in member see of
// the series of the route; ok is false outside a series route.
func seriesViewOf(ctx context.Context) (v survey.SeriesView, ok bool) {
	v, ok = ctx.Value(seriesViewKey{}).(survey.SeriesView)
	return v, ok
}
