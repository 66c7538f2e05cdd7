package analysis

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/survey"
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
	// Only narrows the scope to the answers of one group (attribute value)
	// and/or one event; its Term and Code are not used here.
	Only Filter
}

func (sc Scope) filtered() bool { return sc.Only.Group != "" || sc.Only.Event != "" }

// keepOnly drops the answers outside sc.Only.
func (sc Scope) keepOnly(docs []Doc) []Doc {
	if !sc.filtered() {
		return docs
	}
	out := docs[:0]
	for _, d := range docs {
		if (sc.Only.Group == "" || d.Group == sc.Only.Group) && (sc.Only.Event == "" || d.Event == sc.Only.Event) {
			out = append(out, d)
		}
	}
	return out
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

// TermStats counts terms over the scope from the per-question totals kept
// beside the terms: occurrences and answers containing each, most answers first.
func (s *Store) TermStats(ctx context.Context, sc Scope, top int) ([]TermStat, error) {
	var out []TermStat
	if len(sc.Questions) == 0 {
		return out, nil
	}
	q := s.db.NewSelect().TableExpr("term_counts").
		ColumnExpr("term, sum(count) AS count, sum(docs) AS docs").
		Where("question_id IN (?)", bun.In(sc.questionIDs())).
		GroupExpr("term").
		Having("sum(docs) > 0").
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
	return s.docs(ctx, sc, keep, true)
}

// docs is Docs, with the answers' texts only when withText is set: most
// statistics need only terms, and texts are most of the bytes. It reads the
// term lists (one row per analysed answer, beside its response) and, for
// groups, the attribute answers, both at once on separate connections: at
// 100k answers each read takes a few hundred milliseconds. Rows are scanned by
// hand: reflection-based scanning took most of the time.
func (s *Store) docs(ctx context.Context, sc Scope, keep []string, withText bool) ([]Doc, error) {
	if len(sc.Questions) == 0 {
		return nil, nil
	}
	event := map[int64]string{}
	for _, q := range sc.Questions {
		event[q.ID] = q.Event
	}
	var groups map[string]string
	var groupsErr error
	var wg sync.WaitGroup
	if len(sc.GroupBy) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			groups, groupsErr = s.groupsOf(ctx, sc.GroupBy)
		}()
	}
	var kept func(string) bool
	if keep != nil {
		set := make(map[string]struct{}, len(keep))
		for _, t := range keep {
			set[t] = struct{}{}
		}
		kept = func(t string) bool { _, ok := set[t]; return ok }
	}
	q := s.db.NewSelect().TableExpr("answer_term_lists AS l").
		ColumnExpr("l.answer_id, l.question_id, l.response_id, l.terms").
		Where("l.question_id IN (?)", bun.In(sc.questionIDs()))
	if withText {
		q = q.ColumnExpr("a.value").Join("JOIN answers AS a ON a.id = l.answer_id")
	}
	rows, err := q.Rows(ctx)
	if err != nil {
		wg.Wait()
		return nil, err
	}
	var docs []Doc
	var responses []string
	err = eachRow(rows, func() error {
		d := Doc{Terms: []Term{}} // analysed, even with no term kept: KWIC must not re-run on it
		var question int64
		var response, list string
		dest := []any{&d.ID, &question, &response, &list}
		if withText {
			dest = append(dest, &d.Text)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		terms, err := decodeTerms(d.Terms, list, kept)
		d.Terms, d.Event = terms, event[question]
		docs = append(docs, d)
		responses = append(responses, response)
		return err
	})
	wg.Wait()
	if err == nil {
		err = groupsErr
	}
	if err != nil {
		return nil, err
	}
	for i := range docs {
		docs[i].Group = groups[responses[i]]
	}
	// In answer order (the table is in question order).
	slices.SortFunc(docs, func(a, b Doc) int { return cmp.Compare(a.ID, b.ID) })
	return docs, nil
}

// groupsOf maps each response to its answer to the attribute questions (the
// first choice when there are several). Every その他 answer is the group
// その他, as in the cross-tabs of choices (survey.Store.CrossCounts): what a
// respondent typed there (a name, a phone number) never labels a group, and
// a group is never one person. An attribute's options and its その他 texts
// are in two partial indexes (migration 0007), each read through its own.
func (s *Store) groupsOf(ctx context.Context, attributes []int64) (map[string]string, error) {
	options := s.db.NewSelect().TableExpr("answers").Column("response_id", "value").
		Where("question_id IN (?) AND position = 0 AND NOT free_text", bun.In(attributes))
	others := s.db.NewSelect().TableExpr("answers").Column("response_id").ColumnExpr("? AS value", survey.OtherLabel).
		Where("question_id IN (?) AND position = 0 AND free_text", bun.In(attributes))
	rows, err := options.UnionAll(others).Rows(ctx)
	if err != nil {
		return nil, err
	}
	groups := map[string]string{}
	err = eachRow(rows, func() error {
		var response, value string
		err := rows.Scan(&response, &value)
		groups[response] = value
		return err
	})
	return groups, err
}

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
	cb := s.Analyzer().CodeBook()
	var docs []Doc
	var frequent []TermStat
	var err error
	if sc.filtered() {
		// The stored totals cover whole questions: count a group's or an
		// event's terms from its answers instead.
		if docs, err = s.docs(ctx, sc, nil, false); err != nil {
			return nil, err
		}
		docs = sc.keepOnly(docs)
		frequent = Frequencies(docs)
	} else if frequent, err = s.TermStats(ctx, sc, max(opt.Top, 120)); err != nil {
		// The network takes the 80 most frequent terms and group comparison the
		// most frequent 120; codes need only the terms their rules name.
		return nil, err
	}
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
	if !sc.filtered() {
		if docs, err = s.docs(ctx, sc, list, false); err != nil {
			return nil, err
		}
	}
	sum := &Summary{Answers: len(docs), Terms: frequent[:min(opt.Top, len(frequent))], Events: sc.Events()}
	sum.Network = Cooccurrence(docs, 0, opt.Edges)
	masks := cb.masks(docs)
	for i, k := range cb.Codes {
		ex := CodeExamples{Code: k.Name}
		for _, m := range masks {
			if m[i] {
				ex.Docs++
			}
		}
		if ex.Quotes, err = s.quotes(ctx, k, i, docs, masks, opt.Quotes); err != nil {
			return nil, err
		}
		sum.Codes = append(sum.Codes, ex)
	}
	if len(sc.GroupBy) > 0 {
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

// quotes picks representative answers of a code: among the answers naming
// the most of the code's terms, those of a readable length, shortest first.
// Only the texts of the best few dozen candidates are read.
func (s *Store) quotes(ctx context.Context, k Code, index int, docs []Doc, masks [][]bool, n int) ([]string, error) {
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
	var texts []struct {
		ID    int64
		Value string
	}
	if err := s.db.NewSelect().TableExpr("answers").Column("id", "value").Where("id IN (?)", bun.In(ids)).Scan(ctx, &texts); err != nil {
		return nil, err
	}
	byID := make(map[int64]string, len(texts))
	for _, t := range texts {
		byID[t.ID] = t.Value
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

// Matching returns the answers of a scope that a filter selects, with the
// term in context when the filter names a term: the link from every number
// back to the answers behind it.
func (s *Store) Matching(ctx context.Context, sc Scope, f Filter, width int) ([]Doc, []KWICLine, error) {
	a := s.Analyzer()
	var keep []string
	if f.Term != "" {
		keep = append(keep, a.Canonical(f.Term))
	}
	cb := a.CodeBook()
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
	var lines []KWICLine
	if f.Term != "" {
		lines = a.KWIC(out, f.Term, width)
	}
	return out, lines, nil
}
