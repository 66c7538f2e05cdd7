package auth

import (
	"context"
	"database/sql"
	"strings"

	"github.com/uptrace/bun"
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

// CookieName is the session cookie.
const CookieName = "koe_session"
