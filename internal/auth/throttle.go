package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/koe-project/koe/internal/store"
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

// loginFailure is a stored failed sign-in.
type loginFailure = store.LoginFailure

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
		upTo := attempt.At.Add(-st.Throttle.Window)
		st.store.ForgetLoginFailures(ctx, account, &upTo)
		return "", ErrBadCredentials
	case err != nil:
		// Not checked (busy, given up) or not finished: the attempt does not count.
		st.store.DeleteLoginFailure(context.WithoutCancel(ctx), attempt)
		return "", err
	}
	// A successful sign-in forgets the account's own mistakes, this attempt
	// among them (not the address's).
	if err := st.store.ForgetLoginFailures(ctx, account, nil); err != nil {
		return "", err
	}
	return token, nil
}

// reserveAttempt records a sign-in attempt as a failure, or returns a
// *ThrottledError without recording it when the account or address is at
// its limit. Counting and recording are one step for each account and
// address: on PostgreSQL under advisory locks (account first, then address,
// so two attempts never wait on each other crosswise); on SQLite the
// transaction holds the database's single write lock from its start.
func (st *Store) reserveAttempt(ctx context.Context, account, addr string) (*loginFailure, error) {
	attempt := &loginFailure{Account: account, Addr: addr, At: st.now().UTC()}
	err := st.store.ReserveLoginAttempt(ctx, attempt, func(failures store.FailureTimes) error {
		wait, err := st.throttled(failures, account, addr, attempt.At)
		if err != nil {
			return err
		}
		if wait > 0 {
			return &ThrottledError{RetryAfter: wait}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return attempt, nil
}

// throttled returns how long sign-ins for account or addr must wait, or 0.
func (st *Store) throttled(failures store.FailureTimes, account, addr string, now time.Time) (time.Duration, error) {
	t := st.Throttle
	var wait time.Duration
	for _, c := range []struct {
		column, value string
		limit         int
	}{{"account", account, t.PerAccount}, {"addr", addr, t.PerAddress}} {
		if c.limit <= 0 || c.value == "" {
			continue
		}
		times, err := failures(c.column, c.value, now.Add(-t.Window), c.limit)
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
