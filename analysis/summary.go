package analysis

import (
	"sort"
	"unicode/utf8"
)

// Summary is everything koe shows about the free text of a scope.
type Summary struct {
	Answers        int            `json:"answers"`
	Terms          []TermStat     `json:"terms"`
	Network        Network        `json:"network"`
	Codes          []CodeExamples `json:"codes"`
	Groups         []GroupWords   `json:"groups,omitempty"`
	CrossTab       *CrossTab      `json:"crosstab,omitempty"`
	Events         []string       `json:"events,omitempty"`
	Recurring      []Recurring    `json:"recurring"`
	RecurringCodes []Recurring    `json:"recurring_codes,omitempty"`
}

// CodeExamples is an issue category with its count and a few answers that show it.
type CodeExamples struct {
	Code   string   `json:"code"`
	Docs   int      `json:"docs"`
	Quotes []string `json:"quotes,omitempty"`
}

// Options tune a summary; zero values take the defaults.
type Options struct {
	Top    int    // terms listed (default 50)
	Edges  int    // co-occurrence edges (default 60)
	Method string // characteristic words: jaccard (default) or g2
	Quotes int    // representative answers per code (default 3)
}

// WithDefaults returns the options with every zero value set to its default.
func (o Options) WithDefaults() Options {
	if o.Top <= 0 {
		o.Top = 50
	}
	if o.Edges <= 0 {
		o.Edges = 60
	}
	if o.Quotes <= 0 {
		o.Quotes = 3
	}
	return o
}

// SummaryInput is what a summary is computed from: the answers of a scope
// (with their group and event, and of their terms at least the frequent ones
// and those the code book names), the frequent terms, most answers first, and
// the scope's events in order.
type SummaryInput struct {
	Docs     []Doc
	Frequent []TermStat
	Events   []string
	Grouped  bool // the answers have groups: compare them
	// Texts returns the texts of some answers by id: only the quotes'
	// candidates are read, a few dozen per code.
	Texts func(ids []int64) (map[int64]string, error)
}

// Summarize computes the statistics of a scope with the code book cb.
func Summarize(cb CodeBook, in SummaryInput, opt Options) (*Summary, error) {
	opt = opt.WithDefaults()
	docs := in.Docs
	sum := &Summary{Answers: len(docs), Terms: in.Frequent[:min(opt.Top, len(in.Frequent))], Events: in.Events}
	sum.Network = Cooccurrence(docs, 0, opt.Edges)
	masks := cb.masks(docs)
	for i, k := range cb.Codes {
		ex := CodeExamples{Code: k.Name}
		for _, m := range masks {
			if m[i] {
				ex.Docs++
			}
		}
		var err error
		if ex.Quotes, err = codeQuotes(k, i, docs, masks, opt.Quotes, in.Texts); err != nil {
			return nil, err
		}
		sum.Codes = append(sum.Codes, ex)
	}
	if in.Grouped {
		sum.Groups = Characteristic(docs, opt.Method, 10)
		ct := codeCrossTab(cb, docs, masks)
		sum.CrossTab = &ct
	}
	if len(sum.Events) > 1 {
		sum.Recurring = RecurringTerms(sum.Events, docs, 2)
		sum.RecurringCodes = recurringCodes(cb, sum.Events, docs, masks, 2)
	}
	if sum.Recurring == nil {
		sum.Recurring = []Recurring{}
	}
	return sum, nil
}

// codeQuotes picks representative answers of a code: among the answers naming
// the most of the code's terms, those of a readable length, shortest first.
// Only the texts of the best few dozen candidates are read.
func codeQuotes(k Code, index int, docs []Doc, masks [][]bool, n int, read func([]int64) (map[int64]string, error)) ([]string, error) {
	terms := k.Terms()
	type cand struct {
		id           int64
		hits, length int
		text         string
	}
	// Candidates: the first few dozen matching answers (checking every match
	// of a frequent code at 100k answers cost most of a second).
	var cands []cand
	for j, d := range docs {
		if !masks[j][index] {
			continue
		}
		c := cand{id: d.ID}
		for _, t := range terms {
			if hasTerm(d.Terms, t) {
				c.hits++
			}
		}
		cands = append(cands, c)
		if len(cands) == 20*n {
			break
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	byID, err := read(ids)
	if err != nil {
		return nil, err
	}
	for i := range cands {
		cands[i].text = byID[cands[i].id]
		cands[i].length = utf8.RuneCountInString(cands[i].text)
	}
	readable := func(c cand) bool { return c.length >= 10 && c.length <= 200 }
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if readable(a) != readable(b) {
			return readable(a)
		}
		if a.hits != b.hits {
			return a.hits > b.hits
		}
		return a.length < b.length
	})
	var out []string
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.text)
	}
	return out, nil
}

// Filter narrows the answers behind a number: those with a term, a code, in a
// group, at an event (any combination; empty fields do not filter).
type Filter struct {
	Term, Code, Group, Event string
}

// FilterTerms lists the terms an answer's stored terms must include for f to
// be decided: f's term, the terms of f's code in cb. Nil when f names neither.
func (a *Analyzer) FilterTerms(cb CodeBook, f Filter) []string {
	var keep []string
	if f.Term != "" {
		keep = append(keep, a.Canonical(f.Term))
	}
	if f.Code != "" {
		for _, c := range cb.Codes {
			if c.Name == f.Code {
				keep = append(keep, c.Terms()...)
			}
		}
	}
	return keep
}

// Selected returns the answers of docs f selects, by their terms, group
// and event (texts are not needed): the answers behind a number. docs hold
// at least the terms FilterTerms lists; a code is one of cb's.
func (a *Analyzer) Selected(cb CodeBook, docs []Doc, f Filter) []Doc {
	var out []Doc
	for _, d := range docs {
		switch {
		case f.Group != "" && d.Group != f.Group,
			f.Event != "" && d.Event != f.Event,
			f.Term != "" && !hasTerm(d.Terms, a.Canonical(f.Term)):
			continue
		case f.Code != "":
			found := false
			for _, c := range cb.Match(d.Terms) {
				found = found || c == f.Code
			}
			if !found {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}
