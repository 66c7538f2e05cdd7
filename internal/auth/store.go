package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/store"
)

// Roles a staff account can have.
const (
	RoleAdmin = "admin"
	RoleStaff = "staff"
)

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 14 * 24 * time.Hour

// User is a staff account; internal/store keeps its row.
type User = store.User

// Store keeps staff accounts and sessions.
type Store struct {
	store     *store.Store // the rows of accounts, sessions and failed sign-ins
	now       func() time.Time
	passwords *passwordGate // bounds the argon2id computations of this process
	// Throttle limits failed sign-ins through SignInFrom.
	Throttle Throttle
}

// NewStore returns a Store on db.
func NewStore(db *bun.DB) *Store {
	return &Store{store: store.New(db, nil), now: time.Now, passwords: newDefaultPasswordGate(), Throttle: DefaultThrottle}
}

// MaxEmailLen is the longest e-mail address accepted, in characters: what
// RFC 5321 allows, and, at 4 bytes a character at most, well within the
// 2,704 bytes PostgreSQL's B-tree indexes hold (users.email, login_failures.account).
const MaxEmailLen = 254

// storableEmail reports whether an e-mail address can be looked up and stored
// at all; no account has one that cannot.
func storableEmail(email string) bool {
	return utf8.RuneCountInString(email) <= MaxEmailLen && database.StorableText(email)
}

// checkPassword is CheckPassword in turn with the other checks of the process.
func (st *Store) checkPassword(ctx context.Context, hash, password string) (ok bool, err error) {
	if gateErr := st.passwords.do(ctx, func() { ok, err = CheckPassword(hash, password) }); gateErr != nil {
		return false, gateErr
	}
	return ok, err
}

// ErrBadCredentials is returned for an unknown e-mail or a wrong password alike.
var ErrBadCredentials = errors.New("wrong e-mail or password")

// InputError is a problem with what was given for an account: Error says it
// for the command line, Japanese for the admin pages.
type InputError struct {
	English, Japanese string
}

func (e *InputError) Error() string { return e.English }

// ErrLastAdmin refuses to demote or delete the only admin: nobody could manage
// staff accounts any more.
var ErrLastAdmin = &InputError{
	English:  "this is the only admin account; make another account admin first",
	Japanese: "管理者はこのアカウントだけです。先に別のアカウントを管理者にしてから変更してください。",
}

// AddUser creates a staff account, or resets the password and role of an
// existing one. A reset ends every session of the account: whoever signed in
// with the old password is signed out. Problems with the input are *InputErrors.
func (st *Store) AddUser(ctx context.Context, email, password, role string) (created bool, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if n := utf8.RuneCountInString(email); n > MaxEmailLen {
		return false, &InputError{fmt.Sprintf("--email has %d characters; use at most %d", n, MaxEmailLen),
			fmt.Sprintf("メールアドレスが長すぎます（%d文字まで）。", MaxEmailLen)}
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !database.StorableText(email) {
		return false, &InputError{fmt.Sprintf("--email %q is not an e-mail address", email),
			"メールアドレスの形ではありません（例: tanaka@example.jp）。"}
	}
	if role != RoleAdmin && role != RoleStaff {
		return false, &InputError{fmt.Sprintf("--role %q: use admin or staff", role), "権限は「管理者」か「スタッフ」を選んでください。"}
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLen {
		return false, &InputError{fmt.Sprintf("password has %d characters; use at least %d", n, MinPasswordLen),
			fmt.Sprintf("パスワードが%d文字です。%d文字以上にしてください。", n, MinPasswordLen)}
	}
	var hash string
	if gateErr := st.passwords.do(ctx, func() { hash, err = HashPassword(password) }); gateErr != nil {
		return false, gateErr
	}
	if err != nil {
		return false, err
	}
	u := User{Email: email, PasswordHash: hash, Role: role, CreatedAt: st.now().UTC()}
	return st.store.SaveUser(ctx, u, func(old *User, admins []int64) error {
		if old.Role == RoleAdmin && role != RoleAdmin && len(admins) == 1 {
			return ErrLastAdmin
		}
		return nil
	})
}

// SignIn checks credentials and opens a session; it returns the cookie token.
// While too many checks are under way it returns a *BusyError, unchecked.
func (st *Store) SignIn(ctx context.Context, email, password string) (token string, err error) {
	email = normalEmail(email)
	if !storableEmail(email) {
		return "", ErrBadCredentials
	}
	u, err := st.store.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	if u == nil {
		// Spend the same time as a real check so response times do not reveal accounts.
		if _, err := st.checkPassword(ctx, dummyHash, password); err != nil {
			return "", err
		}
		return "", ErrBadCredentials
	}
	ok, err := st.checkPassword(ctx, u.PasswordHash, password)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrBadCredentials
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	now := st.now().UTC()
	// The store cleans up expired sessions as it adds one: one indexed delete.
	if err := st.store.AddSession(ctx, hashToken(token), u.ID, now, now.Add(SessionLifetime)); err != nil {
		return "", err
	}
	return token, nil
}

// dummyHash is a hash of a random string, checked against when no account matches.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$SoQQ9Vow8xDkHz4/PjFRtA$jZOIP3/TdSttXl7w/GNSYHyuI1MfmLXYsterjcsO7jo"

// UserBySession returns the signed-in user of a session token, or nil.
func (st *Store) UserBySession(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, nil
	}
	return st.store.UserBySession(ctx, hashToken(token), st.now().UTC())
}

// SignOut ends a session.
func (st *Store) SignOut(ctx context.Context, token string) error {
	return st.store.DeleteSession(ctx, hashToken(token))
}

// Only a hash of the token is stored: a leaked database copy opens no session.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
