// Package store holds the SQL of koe: every statement reading or writing
// the database goes through it, one file per entity: surveys and their
// questions, series, responses and answers (the submission path and its
// group commit, imports), invitations, shares, aggregates, term lists and
// totals, their queries, reanalysis, dictionaries, issue groups.
//
// store imports survey, never the reverse: survey decides what the rows of
// an answer are and how to read a file, store writes and reads them.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/survey"
)

// Store reads and writes koe's data. It analyses with the analyzer in use
// of its tokenizer, which FollowDictionary keeps on the active dictionary.
type Store struct {
	db *bun.DB
	// tokenizer analyses new answers (nil: the free-text answers of
	// questions marked analyze are stored without terms).
	tokenizer *analysis.Tokenizer
	// tokenized, when set (by tests), is called by Reanalyze between
	// tokenizing a batch outside any transaction and storing its terms.
	tokenized func()
	now       func() time.Time
	cache     questionCache           // see cache.go
	copies    memo[Copies]            // see copies.go
	groups    memo[map[string]string] // see groupsOf
	writeMu   sync.Mutex              // see lockWrites
	commits   *groupCommit
}

// New returns a Store on db that analyses with tokenizer's analyzer.
// tokenizer may be nil (no text analysis): the free-text answers of
// questions marked analyze are then stored without terms.
func New(db *bun.DB, tokenizer *analysis.Tokenizer) *Store {
	s := &Store{db: db, tokenizer: tokenizer, now: time.Now}
	s.copies.limit, s.groups.limit = maxCachedCopies, maxCachedGroups
	s.commits = &groupCommit{db: db, lockWrites: s.lockWrites}
	return s
}

// DB returns the underlying database.
func (s *Store) DB() *bun.DB { return s.db }

// Tokenizer returns the tokenizer of new answers, for the write path.
func (s *Store) Tokenizer() *analysis.Tokenizer { return s.tokenizer }

// Analyzer returns the analyzer in use.
func (s *Store) Analyzer() *analysis.Analyzer { return s.tokenizer.Analyzer() }

// Version names the dictionary in use.
func (s *Store) Version() string { return s.Analyzer().Version() }

// eachRow calls scan for every row and closes the rows.
func eachRow(rows *sql.Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// countRows returns how many rows q selects. bun's Count writes a query of
// its own without q's comment, so the store counts with count(*) itself and
// the statement keeps the name of its method.
func countRows(ctx context.Context, q *bun.SelectQuery) (int, error) {
	var n int
	err := q.ColumnExpr("count(*)").Scan(ctx, &n)
	return n, err
}

// exists reports whether q selects a row, in a statement tagged with the
// method's name (bun's Exists, like its Count, drops q's comment).
func exists(ctx context.Context, db bun.IDB, method string, q *bun.SelectQuery) (bool, error) {
	var found bool
	err := db.NewSelect().Comment(method).ColumnExpr("EXISTS (?)", q).Scan(ctx, &found)
	return found, err
}

// wrapErr names the method a failure came from: *err becomes "store.Method:
// …". The errors survey defines as answers (no such survey, a full survey, a
// used invitation, a refused definition or file…) stay as they are: callers
// tell them apart and show their text to people.
func wrapErr(method string, err *error) {
	if *err == nil || isAnswer(*err) {
		return
	}
	*err = fmt.Errorf("%s: %w", method, *err)
}

func isAnswer(err error) bool {
	for _, answer := range []error{survey.ErrNotFound, survey.ErrNoResponse, survey.ErrFull, survey.ErrSlugTaken,
		survey.ErrInvitationRequired, survey.ErrInvitationUnknown, survey.ErrInvitationRevoked, survey.ErrInvitationUsed} {
		if errors.Is(err, answer) {
			return true
		}
	}
	var orphan *survey.OrphanError
	var series *survey.SeriesError
	var imp *survey.ImportError
	return errors.As(err, &orphan) || errors.As(err, &series) || errors.As(err, &imp)
}
