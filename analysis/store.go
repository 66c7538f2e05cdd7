package analysis

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
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

// analysedAnswer is an answer's terms as analysed, before they are stored.
type analysedAnswer struct {
	AnswerID   int64
	QuestionID int64
	ResponseID string
	Terms      []Term
}

// analysisChunk is how many answers' term lists are written at a time, while
// the answers after them are still being tokenized.
const analysisChunk = 2000

// AnalyzeAnswers starts tokenizing new answers in the background (on every
// core when there are many) and returns the function that stores their terms
// inside the transaction that stores the answers. Tokenizing touches no
// database, so it runs while the caller writes the answers; an import's term
// lists are written a chunk at a time as they become ready, so both cores
// stay busy. It implements survey.TextAnalyzer.
func (s *Store) AnalyzeAnswers(answers []survey.TextAnswer) survey.StoreTerms {
	analysed := make([]analysedAnswer, len(answers))
	chunks := make([]chan struct{}, (len(answers)+analysisChunk-1)/analysisChunk)
	for c := range chunks {
		chunks[c] = make(chan struct{})
	}
	go func() {
		for c := range chunks {
			part := answers[c*analysisChunk : min((c+1)*analysisChunk, len(answers))]
			texts := make([]string, len(part))
			for i, a := range part {
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
			for i, a := range part {
				analysed[c*analysisChunk+i] = analysedAnswer{QuestionID: a.QuestionID, ResponseID: a.ResponseID, Terms: terms[i]}
			}
			close(chunks[c])
		}
	}()
	return func(ctx context.Context, tx bun.Tx, ids []int64, batch survey.TermBatch) error {
		t, _ := batch.(*termBatch)
		// A submission's few lists wait for the end of the transaction, to go
		// in one statement with those of the submissions sharing it; an
		// import's are written as they are tokenized, while the rest still is.
		later := t != nil && len(analysed) < analysisChunk
		for c, ready := range chunks {
			<-ready
			lo, hi := c*analysisChunk, min((c+1)*analysisChunk, len(analysed))
			for i := lo; i < hi; i++ {
				analysed[i].AnswerID = ids[i]
			}
			if later {
				if err := t.addLists(ctx, tx, analysed[lo:hi]); err != nil {
					return err
				}
			} else if err := insertTermLists(ctx, tx, analysed[lo:hi]); err != nil {
				return err
			}
		}
		if t == nil {
			return addTermCounts(ctx, tx, analysed, 1)
		}
		t.totals.add(analysed, 1)
		return nil
	}
}

// termBatch gathers what the analysed answers of one transaction leave to
// its end: term lists not written yet, and the sums of their terms for the
// per-question totals. Write writes the lists in one statement and the
// totals in one upsert, rows in key order. An import stores its rows in
// many batches in one transaction, so neither may grow with the file: the
// lists are written whenever a chunk has gathered, the totals are sums.
type termBatch struct {
	lists  []analysedAnswer
	totals termTotals
}

// NewTermBatch implements survey.TextAnalyzer.
func (s *Store) NewTermBatch() survey.TermBatch { return &termBatch{} }

// addLists keeps term lists for the end of the transaction, or writes them
// now once a chunk has gathered.
func (t *termBatch) addLists(ctx context.Context, tx bun.Tx, analysed []analysedAnswer) error {
	t.lists = append(t.lists, analysed...)
	if len(t.lists) < analysisChunk {
		return nil
	}
	err := insertTermLists(ctx, tx, t.lists)
	t.lists = t.lists[:0]
	return err
}

// Write implements survey.TermBatch.
func (t *termBatch) Write(ctx context.Context, tx bun.Tx) error {
	if err := insertTermLists(ctx, tx, t.lists); err != nil {
		return err
	}
	return t.totals.write(ctx, tx, 1)
}

// storeTerms writes the term lists of analysed answers and adds them to the
// per-question totals.
func storeTerms(ctx context.Context, tx bun.Tx, analysed []analysedAnswer) error {
	if err := insertTermLists(ctx, tx, analysed); err != nil {
		return err
	}
	return addTermCounts(ctx, tx, analysed, 1)
}

// insertTermLists writes the term lists of analysed answers (an empty list
// for an answer without terms: it still counts as an answer).
func insertTermLists(ctx context.Context, tx bun.Tx, analysed []analysedAnswer) error {
	return database.Insert(ctx, tx, database.Rows{
		Table:   "answer_term_lists",
		Columns: []string{"question_id", "answer_id", "response_id", "terms"},
		Len:     len(analysed),
		Row: func(i int, v []any) {
			a := &analysed[i]
			v[0], v[1], v[2], v[3] = a.QuestionID, a.AnswerID, a.ResponseID, encodeTerms(a.Terms)
		},
	})
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
