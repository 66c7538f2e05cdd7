package analysis

import (
	"context"
	"runtime"
	"sync/atomic"
)

// Tokenizer tokenizes the new answers of a process: with the analyzer in use
// (Use swaps in another when a new dictionary is applied), in bounded lanes
// (see tokenizeLanes), in the background. It touches no database.
type Tokenizer struct {
	analyzer atomic.Pointer[Analyzer]
	lanes    tokenizeLanes
}

// NewTokenizer returns a Tokenizer that analyses with a, one slot per core
// in each lane.
func NewTokenizer(a *Analyzer) *Tokenizer {
	t := &Tokenizer{lanes: newTokenizeLanes(runtime.GOMAXPROCS(0))}
	t.analyzer.Store(a)
	return t
}

// Analyzer returns the analyzer in use.
func (t *Tokenizer) Analyzer() *Analyzer { return t.analyzer.Load() }

// Use makes a the analyzer in use: answers started afterwards are analysed,
// and stamped, with it.
func (t *Tokenizer) Use(a *Analyzer) { t.analyzer.Store(a) }

// smallAnalysis is the most text (bytes, about 1,300 Japanese characters) a
// call of Start may hold and still be tokenized in the small lane: an
// ordinary submission, tokenized in a few milliseconds.
const smallAnalysis = 4000

// tokenizeLanes bound the tokenizing of a process, so that a flood of the
// largest answers cannot take the CPU from everything else, without
// queueing an ordinary submission behind such a flood: a call of Start whose
// texts are small in total (smallAnalysis) tokenizes in the small lane, any
// other (long answers, an import) in the large one. Each lane has a slot per
// core; a slot is held for one text at a time and slots are given in the
// order they were asked for, so the large texts of several clients and an
// import take turns, and an import alone uses every core.
type tokenizeLanes struct {
	small, large chan struct{}
}

func newTokenizeLanes(cores int) tokenizeLanes {
	return tokenizeLanes{small: make(chan struct{}, cores), large: make(chan struct{}, cores)}
}

func (l tokenizeLanes) of(texts []string) chan struct{} {
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	if size <= smallAnalysis {
		return l.small
	}
	return l.large
}

// PendingChunk is how many texts' terms a Pending hands over at a time,
// while the texts after them are still being tokenized: an import writes
// the term lists of one chunk while the next is tokenized.
const PendingChunk = 2000

// Start starts tokenizing texts in the background, in a lane of the
// tokenizer (on every core when there are many), with the analyzer in use
// now. Tokenizing stops early when ctx ends (the client has gone).
func (t *Tokenizer) Start(ctx context.Context, texts []string) *Pending {
	p := &Pending{
		analyzer: t.Analyzer(),
		terms:    make([][]Term, len(texts)),
		chunks:   make([]chan struct{}, (len(texts)+PendingChunk-1)/PendingChunk),
	}
	for c := range p.chunks {
		p.chunks[c] = make(chan struct{})
	}
	go p.tokenize(ctx, texts, t.lanes.of(texts))
	return p
}

// Pending is texts being tokenized by one analyzer; chunks[c] is closed once
// the texts of chunk c are, or tokenizing stopped with err.
type Pending struct {
	analyzer *Analyzer
	terms    [][]Term
	chunks   []chan struct{}
	err      error // set before the chunks left are closed
}

func (p *Pending) tokenize(ctx context.Context, texts []string, lane chan struct{}) {
	for c := range p.chunks {
		lo, hi := c*PendingChunk, min((c+1)*PendingChunk, len(texts))
		terms, err := p.analyzer.termsBatch(ctx, texts[lo:hi], lane)
		if err != nil {
			p.err = err
			for _, left := range p.chunks[c:] {
				close(left)
			}
			return
		}
		copy(p.terms[lo:hi], terms)
		close(p.chunks[c])
	}
}

// Version names the dictionary the terms are made with; it is stored on
// each analysed answer.
func (p *Pending) Version() string { return p.analyzer.Version() }

// Wait returns once every text is tokenized, or with the error of ctx, or of
// the ctx given to Start, that ended it first.
func (p *Pending) Wait(ctx context.Context) error {
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

// Chunks is how many chunks (of PendingChunk texts) the texts make.
func (p *Pending) Chunks() int { return len(p.chunks) }

// Chunk waits for chunk c to be tokenized and returns the index of its
// first text and the terms of its texts, in order. It may be called again
// (a transaction retried writes the same terms).
func (p *Pending) Chunk(c int) (first int, terms [][]Term, err error) {
	<-p.chunks[c]
	if p.err != nil {
		return 0, nil, p.err
	}
	lo, hi := c*PendingChunk, min((c+1)*PendingChunk, len(p.terms))
	return lo, p.terms[lo:hi], nil
}
