package analysis

import (
	"context"
	"sort"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// ScopeQuestion is an analysed question in a scope, with the event its answers belong to.
type ScopeQuestion struct {
	ID    int64
	Event string
}

// Scope selects the answers a statistic covers: one analysed question of one
// survey, or the same question across the surveys of a series. GroupBy lists
// attribute questions (one per survey) whose answer in the same response is
// the answer's group.
type Scope struct {
	Questions []ScopeQuestion
	GroupBy   []int64
}

func (sc Scope) questionIDs() []int64 {
	ids := make([]int64, len(sc.Questions))
	for i, q := range sc.Questions {
		ids[i] = q.ID
	}
	return ids
}

// Events lists the scope's events in order, each once.
func (sc Scope) Events() []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range sc.Questions {
		if q.Event != "" && !seen[q.Event] {
			seen[q.Event] = true
			out = append(out, q.Event)
		}
	}
	return out
}

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
	Top      int    // terms listed (default 50)
	Edges    int    // co-occurrence edges (default 60)
	Method   string // characteristic words: jaccard (default) or g2
	Quotes   int    // representative answers per code (default 3)
	docTerms int    // terms kept per answer for the network and groups
}

// TermStats counts terms over the scope in the database: occurrences and
// answers containing each, most answers first.
func (s *Store) TermStats(ctx context.Context, sc Scope, top int) ([]TermStat, error) {
	var out []TermStat
	if len(sc.Questions) == 0 {
		return out, nil
	}
	q := s.db.NewSelect().TableExpr("answer_terms").
		ColumnExpr("term, sum(count) AS count, count(*) AS docs").
		Where("question_id IN (?)", bun.In(sc.questionIDs())).
		GroupExpr("term").
		OrderExpr("docs DESC, count DESC, term")
	if top > 0 {
		q = q.Limit(int64(top))
	}
	err := q.Scan(ctx, &out)
	return out, err
}

// Docs loads the scope's answers with their group and event, and of their
// terms only those in keep (all terms when keep is nil). Statistics over a few
// terms need only those terms' rows, which keeps large surveys cheap.
func (s *Store) Docs(ctx context.Context, sc Scope, keep []string) ([]Doc, error) {
	if len(sc.Questions) == 0 {
		return nil, nil
	}
	var answers []struct {
		ID         int64
		QuestionID int64
		ResponseID string
		Value      string
	}
	ids := bun.In(sc.questionIDs())
	if err := s.db.NewSelect().TableExpr("answers").Column("id", "question_id", "response_id", "value").
		Where("question_id IN (?)", ids).OrderExpr("id").Scan(ctx, &answers); err != nil {
		return nil, err
	}
	groups := map[string]string{}
	if len(sc.GroupBy) > 0 {
		var rows []struct{ ResponseID, Value string }
		if err := s.db.NewSelect().TableExpr("answers").Column("response_id", "value").
			Where("question_id IN (?)", bun.In(sc.GroupBy)).OrderExpr("position DESC").Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows { // by descending position, so the first choice wins
			groups[r.ResponseID] = r.Value
		}
	}
	q := s.db.NewSelect().TableExpr("answer_terms").Column("answer_id", "term", "kind", "count").Where("question_id IN (?)", ids)
	if keep != nil {
		if len(keep) == 0 {
			keep = []string{""}
		}
		q = q.Where("term IN (?)", bun.In(keep))
	}
	var terms []struct {
		AnswerID int64
		Term     string
		Kind     string
		Count    int
	}
	if err := q.Scan(ctx, &terms); err != nil {
		return nil, err
	}
	byAnswer := make(map[int64][]Term, len(answers))
	for _, t := range terms {
		byAnswer[t.AnswerID] = append(byAnswer[t.AnswerID], Term{Text: t.Term, Kind: t.Kind, Count: t.Count})
	}
	event := map[int64]string{}
	for _, q := range sc.Questions {
		event[q.ID] = q.Event
	}
	docs := make([]Doc, len(answers))
	for i, a := range answers {
		docs[i] = Doc{ID: a.ID, Text: a.Value, Terms: byAnswer[a.ID], Group: groups[a.ResponseID], Event: event[a.QuestionID]}
		if docs[i].Terms == nil {
			docs[i].Terms = []Term{} // analysed, with no term kept: KWIC must not re-run on it
		}
	}
	return docs, nil
}

// Summarize computes the statistics of a scope from stored terms.
func (s *Store) Summarize(ctx context.Context, sc Scope, opt Options) (*Summary, error) {
	if opt.Top <= 0 {
		opt.Top = 50
	}
	if opt.Edges <= 0 {
		opt.Edges = 60
	}
	if opt.Quotes <= 0 {
		opt.Quotes = 3
	}
	frequent, err := s.TermStats(ctx, sc, max(opt.Top, 300))
	if err != nil {
		return nil, err
	}
	cb := s.analyzer.CodeBook()
	keep := map[string]bool{}
	for _, t := range frequent {
		keep[t.Term] = true
	}
	for _, c := range cb.Codes {
		for _, t := range c.Terms() {
			keep[t] = true
		}
	}
	list := make([]string, 0, len(keep))
	for t := range keep {
		list = append(list, t)
	}
	docs, err := s.Docs(ctx, sc, list)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Answers: len(docs), Terms: frequent[:min(opt.Top, len(frequent))], Events: sc.Events()}
	sum.Network = Cooccurrence(docs, 0, opt.Edges)
	for _, c := range CodeCounts(cb, docs) {
		sum.Codes = append(sum.Codes, CodeExamples{Code: c.Code, Docs: c.Docs, Quotes: quotes(cb, c.Code, docs, opt.Quotes)})
	}
	if len(sc.GroupBy) > 0 {
		sum.Groups = Characteristic(docs, opt.Method, 10)
		ct := CodeCrossTab(cb, docs)
		sum.CrossTab = &ct
	}
	if len(sum.Events) > 1 {
		sum.Recurring = RecurringTerms(sum.Events, docs, 2)
		sum.RecurringCodes = RecurringCodes(cb, sum.Events, docs, 2)
	}
	if sum.Recurring == nil {
		sum.Recurring = []Recurring{}
	}
	return sum, nil
}

// quotes picks representative answers of a code: those naming the most of
// the code's terms, of a readable length, shortest first among equals.
func quotes(cb CodeBook, code string, docs []Doc, n int) []string {
	ids := CodeDocs(cb, code, docs)
	if len(ids) == 0 {
		return nil
	}
	var terms []string
	for _, c := range cb.Codes {
		if c.Name == code {
			terms = c.Terms()
		}
	}
	byID := make(map[int64]*Doc, len(docs))
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	type cand struct {
		text         string
		hits, length int
	}
	var cands []cand
	for _, id := range ids {
		d := byID[id]
		c := cand{text: d.Text, length: utf8.RuneCountInString(d.Text)}
		for _, t := range terms {
			if hasTerm(d.Terms, t) {
				c.hits++
			}
		}
		cands = append(cands, c)
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
	return out
}

// Filter narrows the answers behind a number: those with a term, a code, in a
// group, at an event (any combination; empty fields do not filter).
type Filter struct {
	Term, Code, Group, Event string
}

// Matching returns the answers of a scope that a filter selects, with the
// term in context when the filter names a term: the link from every number
// back to the answers behind it.
func (s *Store) Matching(ctx context.Context, sc Scope, f Filter, width int) ([]Doc, []KWICLine, error) {
	var keep []string
	if f.Term != "" {
		keep = append(keep, s.analyzer.Canonical(f.Term))
	}
	cb := s.analyzer.CodeBook()
	if f.Code != "" {
		for _, c := range cb.Codes {
			if c.Name == f.Code {
				keep = append(keep, c.Terms()...)
			}
		}
	}
	docs, err := s.Docs(ctx, sc, keep)
	if err != nil {
		return nil, nil, err
	}
	var out []Doc
	for _, d := range docs {
		switch {
		case f.Group != "" && d.Group != f.Group,
			f.Event != "" && d.Event != f.Event,
			f.Term != "" && !hasTerm(d.Terms, s.analyzer.Canonical(f.Term)):
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
	var lines []KWICLine
	if f.Term != "" {
		lines = s.analyzer.KWIC(out, f.Term, width)
	}
	return out, lines, nil
}
