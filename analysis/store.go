package analysis

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"runtime"
	"sync/atomic"
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
	analyzer atomic.Pointer[Analyzer] // swapped by FollowDictionary
	lanes    tokenizeLanes
	// tokenized, when set (by tests), is called by Reanalyze between
	// tokenizing a batch outside any transaction and storing its terms.
	tokenized func()
}

// NewStore returns a Store that analyses with a.
func NewStore(db *bun.DB, a *Analyzer) *Store {
	s := &Store{db: db, lanes: newTokenizeLanes(runtime.GOMAXPROCS(0))}
	s.analyzer.Store(a)
	return s
}

// Analyzer returns the analyzer in use.
func (s *Store) Analyzer() *Analyzer { return s.analyzer.Load() }

// Version names the dictionary in use.
func (s *Store) Version() string { return s.Analyzer().Version() }

// FollowDictionary keeps the store on the active dictionary (the one applied
// last, see ActiveDictionary) until ctx ends: every interval it reads the
// newest applied dictionary's id and, when it is a new one whose version is
// not the one in use, builds its analyzer (cheap once the system dictionary
// is loaded) and swaps it in. A `koe dictionary apply` so reaches every
// process sharing the database within an interval, and new answers are
// analysed, and stamped, with it. Errors are logged and the analyzer in use
// is kept.
func (s *Store) FollowDictionary(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var seen int64 // the newest dictionary row looked at
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var err error
		if seen, err = s.followDictionary(ctx, seen, log); err != nil && ctx.Err() == nil {
			log.Warn("checking for a new dictionary", "err", err)
		}
	}
}

// followDictionary swaps in the analyzer of the newest applied dictionary if
// that is not row seen and its version is not the one in use. It returns the
// row it looked at.
func (s *Store) followDictionary(ctx context.Context, seen int64, log *slog.Logger) (int64, error) {
	var newest []storedDictionary
	err := s.db.NewSelect().Model(&newest).Column("id", "version").OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil || len(newest) == 0 || newest[0].ID == seen {
		return seen, err // none applied: the default stays, as at start
	}
	if newest[0].Version == s.Version() { // the one loaded at start
		return newest[0].ID, nil
	}
	var row storedDictionary
	if err := s.db.NewSelect().Model(&row).Where("id = ?", newest[0].ID).Scan(ctx); err != nil {
		return seen, err
	}
	dict, err := ParseDictionary([]byte(row.Source))
	if err != nil {
		return seen, err
	}
	a, err := New(dict)
	if err != nil {
		return seen, err
	}
	log.Info("new answers are analysed with the dictionary applied last", "version", a.Version(), "was", s.Version())
	s.analyzer.Store(a)
	return row.ID, nil
}

// smallAnalysis is the most text (bytes, about 1,300 Japanese characters) a
// call of AnalyzeAnswers may hold and still be tokenized in the small lane:
// an ordinary submission, tokenized in a few milliseconds.
const smallAnalysis = 4000

// tokenizeLanes bound the tokenizing of a process, so that a flood of the
// largest answers cannot take the CPU from everything else, without
// queueing an ordinary submission behind such a flood: a call of
// AnalyzeAnswers whose texts are small in total (smallAnalysis) tokenizes in
// the small lane, any other (long answers, an import) in the large one. Each
// lane has a slot per core; a slot is held for one text at a time and slots
// are given in the order they were asked for, so the large texts of several
// clients and an import take turns, and an import alone uses every core.
type tokenizeLanes struct {
	small, large chan struct{}
}

func newTokenizeLanes(cores int) tokenizeLanes {
	return tokenizeLanes{small: make(chan struct{}, cores), large: make(chan struct{}, cores)}
}

func (l tokenizeLanes) of(answers []survey.TextAnswer) chan struct{} {
	size := 0
	for _, a := range answers {
		size += len(a.Text)
	}
	if size <= smallAnalysis {
		return l.small
	}
	return l.large
}

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

// AnalyzeAnswers starts tokenizing new answers in the background, in a lane
// of tokenizeLanes (on every core when there are many), with the analyzer in
// use now. Tokenizing touches no database: a submission waits for it before
// it joins the commit queue (see survey.Store.Submit), while an import's term
// lists are written a chunk at a time as they become ready, so both cores
// stay busy. It implements survey.TextAnalyzer.
func (s *Store) AnalyzeAnswers(ctx context.Context, answers []survey.TextAnswer) survey.Analysis {
	p := &pendingAnalysis{
		analyzer: s.Analyzer(),
		analysed: make([]analysedAnswer, len(answers)),
		chunks:   make([]chan struct{}, (len(answers)+analysisChunk-1)/analysisChunk),
	}
	for c := range p.chunks {
		p.chunks[c] = make(chan struct{})
	}
	go p.tokenize(ctx, answers, s.lanes.of(answers))
	return p
}

// pendingAnalysis is answers being tokenized by one analyzer; chunks[c] is
// closed once the answers of chunk c are, or tokenizing stopped with err.
type pendingAnalysis struct {
	analyzer *Analyzer
	analysed []analysedAnswer
	chunks   []chan struct{}
	err      error // set before the chunks left are closed
}

func (p *pendingAnalysis) tokenize(ctx context.Context, answers []survey.TextAnswer, lane chan struct{}) {
	for c := range p.chunks {
		part := answers[c*analysisChunk : min((c+1)*analysisChunk, len(answers))]
		texts := make([]string, len(part))
		for i, a := range part {
			texts[i] = a.Text
		}
		terms, err := p.analyzer.termsBatch(ctx, texts, lane)
		if err != nil {
			p.err = err
			for _, left := range p.chunks[c:] {
				close(left)
			}
			return
		}
		for i, a := range part {
			p.analysed[c*analysisChunk+i] = analysedAnswer{QuestionID: a.QuestionID, ResponseID: a.ResponseID, Terms: terms[i]}
		}
		close(p.chunks[c])
	}
}

// Version implements survey.Analysis.
func (p *pendingAnalysis) Version() string { return p.analyzer.Version() }

// Wait implements survey.Analysis.
func (p *pendingAnalysis) Wait(ctx context.Context) error {
	if len(p.chunks) == 0 {
		return nil
	}
	select {
	case <-p.chunks[len(p.chunks)-1]:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Store implements survey.Analysis.
func (p *pendingAnalysis) Store(ctx context.Context, tx bun.Tx, ids []int64, batch survey.TermBatch) error {
	t, _ := batch.(*termBatch)
	// A submission's few lists wait for the end of the transaction, to go
	// in one statement with those of the submissions sharing it; an
	// import's are written as they are tokenized, while the rest still is.
	later := t != nil && len(p.analysed) < analysisChunk
	for c, ready := range p.chunks {
		<-ready
		if p.err != nil {
			return p.err
		}
		lo, hi := c*analysisChunk, min((c+1)*analysisChunk, len(p.analysed))
		for i := lo; i < hi; i++ {
			p.analysed[i].AnswerID = ids[i]
		}
		if later {
			if err := t.addLists(ctx, tx, p.analysed[lo:hi]); err != nil {
				return err
			}
		} else if err := insertTermLists(ctx, tx, p.analysed[lo:hi]); err != nil {
			return err
		}
	}
	if t == nil {
		return addTermCounts(ctx, tx, nil, p.analysed)
	}
	t.totals.add(p.analysed, 1)
	return nil
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
	return t.totals.write(ctx, tx)
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
