package auth

import "time"

// What the sign-in tests of package auth_test, which drive koe's web pages,
// need to reach inside a Store.

// SetClock makes a store's throttle read the time from now.
func SetClock(st *Store, now func() time.Time) { st.now = now }

// SetPasswordGate gives a store a gate of running checks at once and waiting
// requests, each waiting at most maxWait.
func SetPasswordGate(st *Store, running, waiting int, maxWait time.Duration) {
	st.passwords = newPasswordGate(running, waiting, maxWait)
}

// HoldPasswordTurn takes a turn of the store's gate, as a long check would;
// ReleasePasswordTurn gives it back.
func HoldPasswordTurn(st *Store)    { st.passwords.running <- struct{}{} }
func ReleasePasswordTurn(st *Store) { <-st.passwords.running }

// PasswordChecksAtOnce is how many password checks run at once.
func PasswordChecksAtOnce() int { return passwordChecksAtOnce() }

// ArgonMemory is the memory of one password check, in KiB.
const ArgonMemory = argonMemory

// LoginFailure is a stored failed sign-in.
type LoginFailure = loginFailure
