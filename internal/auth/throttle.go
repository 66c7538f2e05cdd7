package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
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
func (st *Store) SignInFrom(ctx context.Context, email, password, addr string) (string, error) {
	account := normalEmail(email)
	if wait, err := st.throttled(ctx, account, addr); err != nil || wait > 0 {
		if err != nil {
			return "", err
		}
		return "", &ThrottledError{RetryAfter: wait}
	}
	token, err := st.SignIn(ctx, email, password)
	switch {
	case err == ErrBadCredentials:
		now := st.now().UTC()
		if _, err := st.db.NewInsert().Model(&loginFailure{Account: account, Addr: addr, At: now}).Exec(ctx); err != nil {
			return "", err
		}
		// Forget failures that no longer count; one indexed delete.
		st.db.NewDelete().Model((*loginFailure)(nil)).Where("account = ? AND at <= ?", account, now.Add(-st.Throttle.Window)).Exec(ctx)
		return "", ErrBadCredentials
	case err != nil:
		return "", err
	}
	// A successful sign-in forgets the account's own mistakes (not the address's).
	if _, err := st.db.NewDelete().Model((*loginFailure)(nil)).Where("account = ?", account).Exec(ctx); err != nil {
		return "", err
	}
	return token, nil
}

// throttled returns how long sign-ins for account or addr must wait, or 0.
func (st *Store) throttled(ctx context.Context, account, addr string) (time.Duration, error) {
	t := st.Throttle
	now := st.now().UTC()
	var wait time.Duration
	for _, c := range []struct {
		column, value string
		limit         int
	}{{"account", account, t.PerAccount}, {"addr", addr, t.PerAddress}} {
		if c.limit <= 0 || c.value == "" {
			continue
		}
		var times []time.Time
		err := st.db.NewSelect().Model((*loginFailure)(nil)).Column("at").
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
