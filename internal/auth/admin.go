package auth

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/ratelimit"
	"github.com/koe-project/koe/internal/web"
)

// Users lists the staff accounts, admins first.
func (st *Store) Users(ctx context.Context) ([]User, error) {
	var list []User
	err := st.db.NewSelect().Model(&list).Column("id", "email", "role", "created_at").OrderExpr("role, email").Scan(ctx)
	return list, err
}

// IsAdmin says whether the account with this e-mail has the admin role.
func (st *Store) IsAdmin(ctx context.Context, email string) bool {
	var role string
	err := st.db.NewSelect().Model((*User)(nil)).Column("role").Where("email = ?", strings.ToLower(email)).Scan(ctx, &role)
	return err == nil && role == RoleAdmin
}

// RemoveUser deletes a staff account and its sessions. It refuses to delete
// the only admin (ErrLastAdmin).
func (st *Store) RemoveUser(ctx context.Context, id int64) error {
	return st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		admins, err := st.lockAdmins(ctx, tx)
		if err != nil {
			return err
		}
		if len(admins) == 1 && admins[0] == id {
			return ErrLastAdmin
		}
		if _, err := tx.NewDelete().Model((*session)(nil)).Where("user_id = ?", id).Exec(ctx); err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*User)(nil)).Where("id = ?", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	})
}

// Admin serves the staff-account pages, for admins only.
type Admin struct {
	h     *Handlers
	users *template.Template
}

// NewAdmin returns the staff-account pages.
func NewAdmin(h *Handlers) *Admin {
	return &Admin{h: h, users: h.web.Parse(templateFiles, "templates/users.html")}
}

// RequireAdmin lets only a signed-in admin through.
func (a *Admin) RequireAdmin(next http.Handler) http.Handler {
	return a.h.RequireStaff(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.h.store.IsAdmin(r.Context(), web.UserEmail(r.Context())) {
			a.h.web.RenderError(w, r, http.StatusForbidden, "スタッフの管理は管理者だけが行えます。")
			return
		}
		next.ServeHTTP(w, r)
	}))
}

// Register adds GET and POST /admin/users and POST /admin/users/{id}/delete.
func (a *Admin) Register(mux *http.ServeMux) {
	handle := func(f web.HandlerFunc) http.Handler { return a.RequireAdmin(web.Handle(a.h.web, a.h.log, f)) }
	mux.Handle("GET /admin/users", handle(a.showUsers))
	mux.Handle("POST /admin/users", handle(a.addUser))
	mux.Handle("POST /admin/users/{id}/delete", handle(a.removeUser))
}

type usersView struct {
	Users              []User
	Me                 string
	Email, Role, Error string
	Done               string
}

func (a *Admin) render(w http.ResponseWriter, r *http.Request, status int, v usersView) error {
	list, err := a.h.store.Users(r.Context())
	if err != nil {
		return err
	}
	v.Users, v.Me = list, web.UserEmail(r.Context())
	return a.h.web.Render(w, r, status, a.users, "スタッフの管理", v)
}

func (a *Admin) showUsers(w http.ResponseWriter, r *http.Request) error {
	v := usersView{Role: RoleStaff}
	if r.URL.Query().Get("saved") != "" {
		v.Done = "保存しました。"
	}
	return a.render(w, r, http.StatusOK, v)
}

// addUser adds an account, or changes the role and password of an existing one.
func (a *Admin) addUser(w http.ResponseWriter, r *http.Request) error {
	v := usersView{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	_, err := a.h.store.AddUser(r.Context(), v.Email, r.PostFormValue("password"), v.Role)
	var bad *InputError
	var busy *BusyError
	switch {
	case errors.As(err, &bad):
		v.Error = bad.Japanese
		return a.render(w, r, http.StatusUnprocessableEntity, v)
	case errors.As(err, &busy):
		w.Header().Set("Retry-After", ratelimit.RetryAfter(busy.RetryAfter))
		v.Error = "ただいまパスワードの処理が混み合っています。数秒待ってから、もう一度保存してください。"
		return a.render(w, r, http.StatusServiceUnavailable, v)
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
	return nil
}

func (a *Admin) removeUser(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	list, err := a.h.store.Users(r.Context())
	if err != nil {
		return err
	}
	for _, u := range list {
		if u.ID == id && strings.EqualFold(u.Email, web.UserEmail(r.Context())) {
			return a.render(w, r, http.StatusUnprocessableEntity, usersView{Role: RoleStaff, Error: "自分のアカウントは削除できません。"})
		}
	}
	if err := a.h.store.RemoveUser(r.Context(), id); errors.Is(err, sql.ErrNoRows) {
		return web.Errorf(http.StatusNotFound, "このアカウントは見つかりません。")
	} else if errors.Is(err, ErrLastAdmin) {
		return a.render(w, r, http.StatusUnprocessableEntity, usersView{Role: RoleStaff, Error: ErrLastAdmin.Japanese})
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?saved=1", http.StatusSeeOther)
	return nil
}
