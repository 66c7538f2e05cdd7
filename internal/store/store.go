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
	"database/sql"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
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
	cache     questionCache // see cache.go
	writeMu   sync.Mutex    // see lockWrites
	commits   *groupCommit
}

// New returns a Store on db that analyses with tokenizer's analyzer.
// tokenizer may be nil (no text analysis): the free-text answers of
// questions marked analyze are then stored without terms.
func New(db *bun.DB, tokenizer *analysis.Tokenizer) *Store {
	s := &Store{db: db, tokenizer: tokenizer, now: time.Now}
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
