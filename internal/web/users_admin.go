package web

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/ratelimit"
)

type usersView struct {
	Users              []auth.User
	Me                 string
	Email, Role, Error string
	Done               string
}

func (srv *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v usersView) error {
	list, err := srv.accounts.Users(r.Context())
	if err != nil {
		return err
	}
	v.Users, v.Me = list, UserEmail(r.Context())
	return srv.pages.Render(w, r, status, srv.usersPage, "スタッフの管理", v)
}

func (srv *Server) showUsers(w http.ResponseWriter, r *http.Request) error {
	v := usersView{Role: auth.RoleStaff}
	if r.URL.Query().Get("saved") != "" {
		v.Done = "保存しました。"
	}
	return srv.renderUsers(w, r, http.StatusOK, v)
}

// addUser adds an account, or changes the role and password of an existing one.
func (srv *Server) addUser(w http.ResponseWriter, r *http.Request) error {
	v := usersView{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	_, err := srv.accounts.AddUser(r.Context(), v.Email, r.PostFormValue("password"), v.Role)
	var bad *auth.InputError
	var busy *auth.BusyError
	switch {
	case errors.As(err, &bad):
		v.Error = bad.Japanese
		return srv.renderUsers(w, r, http.StatusUnprocessableEntity, v)
	case errors.As(err, &busy):
		w.Header().Set("Retry-After", ratelimit.RetryAfter(busy.RetryAfter))
		v.Error = "ただいまパスワードの処理が混み合っています。数秒待ってから、もう一度保存してください。"
		return srv.renderUsers(w, r, http.StatusServiceUnavailable, v)
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
	return nil
}

func (srv *Server) removeUser(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	list, err := srv.accounts.Users(r.Context())
	if err != nil {
		return err
	}
	for _, u := range list {
		if u.ID == id && strings.EqualFold(u.Email, UserEmail(r.Context())) {
			return srv.renderUsers(w, r, http.StatusUnprocessableEntity, usersView{Role: auth.RoleStaff, Error: "自分のアカウントは削除できません。"})
		}
	}
	if err := srv.accounts.RemoveUser(r.Context(), id); errors.Is(err, sql.ErrNoRows) {
		return Errorf(http.StatusNotFound, "このアカウントは見つかりません。")
	} else if errors.Is(err, auth.ErrLastAdmin) {
		return srv.renderUsers(w, r, http.StatusUnprocessableEntity, usersView{Role: auth.RoleStaff, Error: auth.ErrLastAdmin.Japanese})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
	return nil
}
