package analysis

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/survey"
)

// Store keeps the results of analysis in the database: the dictionary in use
// and the terms of every analysed answer, so dashboards and reports aggregate
// stored terms instead of tokenizing again.
type Store struct {
	db       *bun.DB
	analyzer *Analyzer
}

// NewStore returns a Store that analyses with a.
func NewStore(db *bun.DB, a *Analyzer) *Store { return &Store{db: db, analyzer: a} }

// Analyzer returns the analyzer in use.
func (s *Store) Analyzer() *Analyzer { return s.analyzer }

// Version names the dictionary in use; it implements survey.TextAnalyzer.
func (s *Store) Version() string { return s.analyzer.Version() }

// answerTerm is one term of one answer.
type answerTerm struct {
	bun.BaseModel `bun:"table:answer_terms"`

	AnswerID   int64  `bun:"answer_id,pk"`
	QuestionID int64  `bun:"question_id"`
	Term       string `bun:"term,pk"`
	Kind       string `bun:"kind"`
	Count      int    `bun:"count"`
}

// insertBatch bounds the rows of one INSERT, under SQLite's limit of bound variables.
const insertBatch = 2000

// AnalyzeAnswers stores the terms of new answers inside the transaction that
// stores the answers; it implements survey.TextAnalyzer.
func (s *Store) AnalyzeAnswers(ctx context.Context, tx bun.Tx, answers []survey.TextAnswer) error {
	texts := make([]string, len(answers))
	for i, a := range answers {
		texts[i] = a.Text
	}
	var terms [][]Term
	if len(texts) < 8 { // not worth the workers
		for _, t := range texts {
			terms = append(terms, s.analyzer.Terms(t))
		}
	} else {
		terms = s.analyzer.TermsBatch(texts)
	}
	var rows []answerTerm
	for i, a := range answers {
		for _, t := range terms[i] {
			rows = append(rows, answerTerm{AnswerID: a.AnswerID, QuestionID: a.QuestionID, Term: t.Text, Kind: t.Kind, Count: t.Count})
		}
	}
	if err := insertTerms(ctx, tx, rows); err != nil {
		return err
	}
	return addTermCounts(ctx, tx, rows, 1)
}

func insertTerms(ctx context.Context, db bun.IDB, rows []answerTerm) error {
	for i := 0; i < len(rows); i += insertBatch {
		chunk := rows[i:min(i+insertBatch, len(rows))]
		if _, err := db.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// storedDictionary is a dictionary applied with `koe dictionary apply`.
type storedDictionary struct {
	bun.BaseModel `bun:"table:dictionaries"`

	ID        int64     `bun:"id,pk,autoincrement"`
	Version   string    `bun:"version"`
	Source    string    `bun:"source"`
	CreatedAt time.Time `bun:"created_at"`
}

// ActiveDictionary returns the dictionary applied last, or the shipped default
// when none was applied, with its YAML source.
func ActiveDictionary(ctx context.Context, db bun.IDB) (Dictionary, []byte, error) {
	var d storedDictionary
	err := db.NewSelect().Model(&d).OrderExpr("id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultDictionary(), DefaultDictionaryYAML(), nil
	}
	if err != nil {
		return Dictionary{}, nil, err
	}
	dict, err := ParseDictionary([]byte(d.Source))
	return dict, []byte(d.Source), err
}

// SaveDictionary validates a dictionary (YAML) and makes it the active one.
// Stored answers keep their terms until `koe reanalyze` recomputes them.
func SaveDictionary(ctx context.Context, db bun.IDB, source []byte) (Dictionary, error) {
	d, err := ParseDictionary(source)
	if err != nil {
		return Dictionary{}, err
	}
	if _, err := New(d); err != nil { // a dictionary the analyzer cannot load is refused now, not at the next start
		return Dictionary{}, err
	}
	row := &storedDictionary{Version: d.Version(), Source: string(source), CreatedAt: time.Now().UTC()}
	_, err = db.NewInsert().Model(row).Exec(ctx)
	return d, err
}
