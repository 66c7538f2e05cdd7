package auth

import (
	"context"
	"strings"
)

// Users lists the staff accounts, admins first.
func (st *Store) Users(ctx context.Context) ([]User, error) {
	return st.store.Users(ctx)
}

// IsAdmin says whether the account with this e-mail has the admin role.
func (st *Store) IsAdmin(ctx context.Context, email string) bool {
	role, err := st.store.RoleOf(ctx, strings.ToLower(email))
	return err == nil && role == RoleAdmin
}

// RemoveUser deletes a staff account and its sessions. It refuses to delete
// the only admin (ErrLastAdmin), and returns sql.ErrNoRows when no account
// has the id.
func (st *Store) RemoveUser(ctx context.Context, id int64) error {
	return st.store.RemoveUser(ctx, id, func(admins []int64) error {
		if len(admins) == 1 && admins[0] == id {
			return ErrLastAdmin
		}
		return nil
	})
}

// CookieName is the session cookie.
const CookieName = "koe_session"
