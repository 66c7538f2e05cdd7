package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
)

// The rows of internal/auth: staff accounts, their sessions and the failed
// sign-ins its throttle counts. auth keeps the rules (passwords, who may be
// demoted, how many failures a throttle allows); the store reads and writes
// the rows, and leaves the errors of auth's rules as they are.

// User is a staff account (auth.User).
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID           int64     `bun:"id,pk,autoincrement"`
	Email        string    `bun:"email"`
	PasswordHash string    `bun:"password_hash"`
	Role         string    `bun:"role"`
	CreatedAt    time.Time `bun:"created_at"`
}

type session struct {
	bun.BaseModel `bun:"table:sessions"`

	TokenHash string    `bun:"token_hash,pk"`
	UserID    int64     `bun:"user_id"`
	CreatedAt time.Time `bun:"created_at"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// roleAdmin is auth.RoleAdmin, the role whose accounts lockAdmins locks.
const roleAdmin = "admin"

// SaveUser creates the account u (by its e-mail), or sets the password hash
// and role of the existing one and ends its sessions, in one transaction
// that holds the admin accounts' rows. refuse, given the existing account
// (its id and role) and the ids of the admins, may refuse the change: its
// error is returned as it is and nothing changes.
func (st *Store) SaveUser(ctx context.Context, u User, refuse func(old *User, admins []int64) error) (created bool, err error) {
	err = st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		admins, err := st.lockAdmins(ctx, tx)
		if err != nil {
			return fmt.Errorf("store.SaveUser: %w", err)
		}
		var old User
		err = tx.NewSelect().Comment("store.Store.SaveUser").Model(&old).Column("id", "role").Where("email = ?", u.Email).Scan(ctx)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created = true
			// An account created at the same moment by another process is overwritten, as a reset would.
			_, err = tx.NewInsert().Comment("store.Store.SaveUser").Model(&u).
				On("CONFLICT (email) DO UPDATE").Set("password_hash = EXCLUDED.password_hash, role = EXCLUDED.role").
				Exec(ctx)
			if err != nil {
				return fmt.Errorf("store.SaveUser: %w", err)
			}
			return nil
		case err != nil:
			return fmt.Errorf("store.SaveUser: %w", err)
		}
		if err := refuse(&old, admins); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Comment("store.Store.SaveUser").Model((*User)(nil)).
			Set("password_hash = ?, role = ?", u.PasswordHash, u.Role).Where("id = ?", old.ID).Exec(ctx); err != nil {
			return fmt.Errorf("store.SaveUser: %w", err)
		}
		if _, err = tx.NewDelete().Comment("store.Store.SaveUser").Model((*session)(nil)).Where("user_id = ?", old.ID).Exec(ctx); err != nil {
			return fmt.Errorf("store.SaveUser: %w", err)
		}
		return nil
	})
	return created, err
}

// RemoveUser deletes the account id and its sessions, in one transaction
// that holds the admin accounts' rows; refuse, given the ids of the admins,
// may refuse (its error is returned as it is). It returns sql.ErrNoRows
// when no account has the id.
func (st *Store) RemoveUser(ctx context.Context, id int64, refuse func(admins []int64) error) error {
	return st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		admins, err := st.lockAdmins(ctx, tx)
		if err != nil {
			return fmt.Errorf("store.RemoveUser: %w", err)
		}
		if err := refuse(admins); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Comment("store.Store.RemoveUser").Model((*session)(nil)).Where("user_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("store.RemoveUser: %w", err)
		}
		res, err := tx.NewDelete().Comment("store.Store.RemoveUser").Model((*User)(nil)).Where("id = ?", id).Exec(ctx)
		if err != nil {
			return fmt.Errorf("store.RemoveUser: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	})
}

// lockAdmins returns the ids of the admin accounts, locked until tx ends so
// that two admins demoting or deleting each other at once cannot leave none
// (PostgreSQL: row locks, and a row no longer admin when its lock is granted
// drops out; SQLite: tx holds the write lock from its start).
func (st *Store) lockAdmins(ctx context.Context, tx bun.Tx) ([]int64, error) {
	q := tx.NewSelect().Comment("store.Store.lockAdmins").Model((*User)(nil)).Column("id").Where("role = ?", roleAdmin)
	if database.KindOf(st.db) == database.Postgres {
		q = q.For("UPDATE")
	}
	var ids []int64
	err := q.Scan(ctx, &ids)
	return ids, err
}

// UserByEmail returns the account with the e-mail address, or nil.
func (st *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	err := st.db.NewSelect().Comment("store.Store.UserByEmail").Model(u).Where("email = ?", email).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("store.UserByEmail: %w", err)
	}
	return u, nil
}

// Users lists the staff accounts, admins first, without their password hashes.
func (st *Store) Users(ctx context.Context) ([]User, error) {
	var list []User
	err := st.db.NewSelect().Comment("store.Store.Users").Model(&list).Column("id", "email", "role", "created_at").OrderExpr("role, email").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store.Users: %w", err)
	}
	return list, nil
}

// RoleOf returns the role of the account with the e-mail address
// (sql.ErrNoRows when there is none).
func (st *Store) RoleOf(ctx context.Context, email string) (string, error) {
	var role string
	err := st.db.NewSelect().Comment("store.Store.RoleOf").Model((*User)(nil)).Column("role").Where("email = ?", email).Scan(ctx, &role)
	return role, err
}

// AddSession stores a session of the account userID, known by the hash of
// its token, and deletes the expired ones (best effort: one indexed delete).
func (st *Store) AddSession(ctx context.Context, tokenHash string, userID int64, created, expires time.Time) error {
	s := &session{TokenHash: tokenHash, UserID: userID, CreatedAt: created, ExpiresAt: expires}
	if _, err := st.db.NewInsert().Comment("store.Store.AddSession").Model(s).Exec(ctx); err != nil {
		return fmt.Errorf("store.AddSession: %w", err)
	}
	st.db.NewDelete().Comment("store.Store.AddSession").Model((*session)(nil)).Where("expires_at < ?", created).Exec(ctx)
	return nil
}

// UserBySession returns the account of the session whose token has the
// hash, unless it expired by now; nil when there is none.
func (st *Store) UserBySession(ctx context.Context, tokenHash string, now time.Time) (*User, error) {
	u := new(User)
	err := st.db.NewSelect().Comment("store.Store.UserBySession").Model(u).
		Join("JOIN sessions AS s ON s.user_id = ?TableAlias.id").
		Where("s.token_hash = ? AND s.expires_at > ?", tokenHash, now).
		Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return u, fmt.Errorf("store.UserBySession: %w", err)
	}
	return u, nil
}

// DeleteSession ends the session whose token has the hash.
func (st *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := st.db.NewDelete().Comment("store.Store.DeleteSession").Model((*session)(nil)).Where("token_hash = ?", tokenHash).Exec(ctx); err != nil {
		return fmt.Errorf("store.DeleteSession: %w", err)
	}
	return nil
}
