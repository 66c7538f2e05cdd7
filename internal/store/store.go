// Package store holds the SQL of koe: every statement reading or writing
// the database goes through it. Phase 1 of issue 12 moved the storage of
// analysis here (term lists, term totals, their queries, reanalysis,
// dictionaries); the SQL of surveys and responses follows.
//
// store does not import survey (survey's write path calls store): it takes
// and returns plain values, question and answer ids, texts, terms.
package store

import (
	"database/sql"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
)

// Store reads and writes koe's data. It analyses with the analyzer in use
// of its tokenizer, which FollowDictionary keeps on the active dictionary.
type Store struct {
	db        *bun.DB
	tokenizer *analysis.Tokenizer
	// tokenized, when set (by tests), is called by Reanalyze between
	// tokenizing a batch outside any transaction and storing its terms.
	tokenized func()
}

// New returns a Store on db that analyses with tokenizer's analyzer.
func New(db *bun.DB, tokenizer *analysis.Tokenizer) *Store {
	return &Store{db: db, tokenizer: tokenizer}
}

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
