package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
)

// LoginFailure is a failed sign-in, which auth's throttle counts: stored in
// the database, so several koe processes share the counts.
type LoginFailure struct {
	bun.BaseModel `bun:"table:login_failures"`

	ID      int64     `bun:"id,pk,autoincrement"`
	Account string    `bun:"account"`
	Addr    string    `bun:"addr"`
	At      time.Time `bun:"at"`
}

// FailureTimes returns the times of the latest failed sign-ins after since
// whose column ("account" or "addr") holds value, newest first, at most limit.
type FailureTimes func(column, value string, since time.Time, limit int) ([]time.Time, error)

// Advisory lock classes (the first key of PostgreSQL's two-key advisory
// locks) under which sign-in attempts on one account or from one address
// take turns.
const (
	lockLoginAccount = 0x6b6f6501
	lockLoginAddr    = 0x6b6f6502
)

// ReserveLoginAttempt records a sign-in attempt as a failure unless refuse,
// given the failures stored so far, refuses it (its error, a throttle's, is
// returned as it is and nothing is recorded). Counting and recording are one
// step for each account and address: on PostgreSQL under advisory locks
// (account first, then address, so two attempts never wait on each other
// crosswise); on SQLite the transaction holds the database's single write
// lock from its start.
func (st *Store) ReserveLoginAttempt(ctx context.Context, attempt *LoginFailure, refuse func(FailureTimes) error) error {
	return st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if database.KindOf(st.db) == database.Postgres {
			if _, err := tx.ExecContext(ctx, "/* store.Store.ReserveLoginAttempt */ SELECT pg_advisory_xact_lock(?, hashtext(?)), pg_advisory_xact_lock(?, hashtext(?))",
				lockLoginAccount, attempt.Account, lockLoginAddr, attempt.Addr); err != nil {
				return fmt.Errorf("store.ReserveLoginAttempt: %w", err)
			}
		}
		failures := func(column, value string, since time.Time, limit int) ([]time.Time, error) {
			var times []time.Time
			err := tx.NewSelect().Comment("store.Store.ReserveLoginAttempt").Model((*LoginFailure)(nil)).Column("at").
				Where("? = ? AND at > ?", bun.Ident(column), value, since).
				OrderExpr("at DESC").Limit(int64(limit)).Scan(ctx, &times)
			if err != nil {
				return nil, fmt.Errorf("store.ReserveLoginAttempt: %w", err)
			}
			return times, nil
		}
		if err := refuse(failures); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Comment("store.Store.ReserveLoginAttempt").Model(attempt).Exec(ctx); err != nil {
			return fmt.Errorf("store.ReserveLoginAttempt: %w", err)
		}
		return nil
	})
}

// ForgetLoginFailures deletes the failed sign-ins of an account, those up to
// a time only when upTo is set.
func (st *Store) ForgetLoginFailures(ctx context.Context, account string, upTo *time.Time) error {
	q := st.db.NewDelete().Comment("store.Store.ForgetLoginFailures").Model((*LoginFailure)(nil)).Where("account = ?", account)
	if upTo != nil {
		q = q.Where("at <= ?", *upTo)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("store.ForgetLoginFailures: %w", err)
	}
	return nil
}

// DeleteLoginFailure takes back one recorded attempt.
func (st *Store) DeleteLoginFailure(ctx context.Context, attempt *LoginFailure) error {
	if _, err := st.db.NewDelete().Comment("store.Store.DeleteLoginFailure").Model(attempt).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("store.DeleteLoginFailure: %w", err)
	}
	return nil
}
