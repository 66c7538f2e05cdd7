package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
)

// Throttle limits password guessing. Failed sign-ins are stored in the
// database (table login_failures), so several koe processes share the counts.
// Once an account or an address has Per… failures within Window, further
// sign-ins for it are refused, even with the right password, until the oldest
// of those failures is Window old.
type Throttle struct {
	Window     time.Duration
	PerAccount int // failures per account (e-mail) in Window; 0: no limit
	PerAddress int // failures per client address in Window; 0: no limit
}

// DefaultThrottle allows 5 wrong passwords per account and 50 per address
// (a municipal office shares one address) in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 50}

// ThrottledError refuses a sign-in without checking the password.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %s", e.RetryAfter.Round(time.Second))
}

type loginFailure struct {
	bun.BaseModel `bun:"table:login_failures"`

	ID      int64     `bun:"id,pk,autoincrement"`
	Account string    `bun:"account"`
	Addr    string    `bun:"addr"`
	At      time.Time `bun:"at"`
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// SignInFrom is SignIn for a client at addr, throttled: it returns a
// *ThrottledError while the account or the address has too many recent
// failures, and records each failure.
//
// The attempt is recorded as a failure before its password is checked, in a
// transaction that takes its turn after other attempts on the same account
// and address (in every process sharing the database), and is taken back
// when the password was right or was never checked. So simultaneous guesses
// get exactly as many checks as the limits allow.
func (st *Store) SignInFrom(ctx context.Context, email, password, addr string) (string, error) {
	account := normalEmail(email)
	if !storableEmail(account) {
		return "", ErrBadCredentials // no account has it; nothing to check or count
	}
	attempt, err := st.reserveAttempt(ctx, account, addr)
	if err != nil {
		return "", err
	}
	token, err := st.SignIn(ctx, email, password)
	switch {
	case errors.Is(err, ErrBadCredentials):
		// The recorded attempt stays as the failure. Forget failures that no
		// longer count; one indexed delete.
		st.db.NewDelete().Model((*loginFailure)(nil)).Where("account = ? AND at <= ?", account, attempt.At.Add(-st.Throttle.Window)).Exec(ctx)
		return "", ErrBadCredentials
	case err != nil:
		// Not checked (busy, given up) or not finished: the attempt does not count.
		st.db.NewDelete().Model(attempt).WherePK().Exec(context.WithoutCancel(ctx))
		return "", err
	}
	// A successful sign-in forgets the account's own mistakes, this attempt
	// among them (not the address's).
	if _, err := st.db.NewDelete().Model((*loginFailure)(nil)).Where("account = ?", account).Exec(ctx); err != nil {
		return "", err
	}
	return token, nil
}

// Advisory lock classes (the first key of PostgreSQL's two-key advisory
// locks) under which sign-in attempts on one account or from one address
// take turns.
const (
	lockLoginAccount = 0x6b6f6501
	lockLoginAddr    = 0x6b6f6502
)

// reserveAttempt records a sign-in attempt as a failure, or returns a
// *ThrottledError without recording it when the account or address is at
// its limit. Counting and recording are one step for each account and
// address: on PostgreSQL under advisory locks (account first, then address,
// so two attempts never wait on each other crosswise); on SQLite the
// transaction holds the database's single write lock from its start.
func (st *Store) reserveAttempt(ctx context.Context, account, addr string) (*loginFailure, error) {
	attempt := &loginFailure{Account: account, Addr: addr, At: st.now().UTC()}
	err := st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if database.KindOf(st.db) == database.Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(?)), pg_advisory_xact_lock(?, hashtext(?))",
				lockLoginAccount, account, lockLoginAddr, addr); err != nil {
				return err
			}
		}
		wait, err := st.throttled(ctx, tx, account, addr, attempt.At)
		if err != nil {
			return err
		}
		if wait > 0 {
			return &ThrottledError{RetryAfter: wait}
		}
		_, err = tx.NewInsert().Model(attempt).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return attempt, nil
}

// throttled returns how long sign-ins for account or addr must wait, or 0.
func (st *Store) throttled(ctx context.Context, db bun.IDB, account, addr string, now time.Time) (time.Duration, error) {
	t := st.Throttle
	var wait time.Duration
	for _, c := range []struct {
		column, value string
		limit         int
	}{{"account", account, t.PerAccount}, {"addr", addr, t.PerAddress}} {
		if c.limit <= 0 || c.value == "" {
			continue
		}
		var times []time.Time
		err := db.NewSelect().Model((*loginFailure)(nil)).Column("at").
			Where("? = ? AND at > ?", bun.Ident(c.column), c.value, now.Add(-t.Window)).
			OrderExpr("at DESC").Limit(int64(c.limit)).Scan(ctx, &times)
		if err != nil {
			return 0, err
		}
		if len(times) >= c.limit {
			wait = max(wait, times[len(times)-1].Add(t.Window).Sub(now))
		}
	}
	if wait > 0 && wait < time.Second {
		wait = time.Second
	}
	return wait, nil
}
