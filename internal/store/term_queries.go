package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
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
	Only analysis.Filter
	// CodeBooks and OwnCodes are the code books the scope's survey names
	// and its own rules (survey.Definition's code_books and codes; for a
	// series, its latest event's); none: the analyzer's default.
	CodeBooks []string
	OwnCodes  string
	// AllCopies counts every copy of an answer in frequencies and codes
	// (the raw counts); by default a copy counts once (Store.Copies).
	AllCopies bool
	// Label is the question's label when the scope is one question (in
	// one survey or across a series): codes are applied to its answers
	// as analysis.CodeBook.ForQuestion says (no praise codes on a question
	// that asks what people want).
	Label string
}

// codeBook returns the code book sc's codes are counted with. A book the
// dictionary no longer has is left out rather than failing a dashboard
// (saving a survey is where such problems are refused).
func (s *Store) codeBook(sc Scope) analysis.CodeBook {
	cb, _ := s.Analyzer().SurveyCodeBook(sc.CodeBooks, sc.OwnCodes)
	return cb.ForQuestion(sc.Label)
}

func (sc Scope) filtered() bool { return sc.Only.Group != "" || sc.Only.Event != "" }

// keepOnly drops the answers outside sc.Only.
func (sc Scope) keepOnly(docs []analysis.Doc) []analysis.Doc {
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

// otherLabel is the group of every その他 answer; it is survey.OtherLabel
// (store does not import survey; a test checks they agree).
const otherLabel = "その他"

// TermStats counts terms over the scope from the per-question totals kept
// beside the terms: occurrences and answers containing each, most answers first.
func (s *Store) TermStats(ctx context.Context, sc Scope, top int) ([]analysis.TermStat, error) {
	var out []analysis.TermStat
	if len(sc.Questions) == 0 {
		return out, nil
	}
	q := s.db.NewSelect().Comment("store.Store.TermStats").TableExpr("term_counts").
		ColumnExpr("term, sum(count) AS count, sum(docs) AS docs").
		Where("question_id IN (?)", bun.List(sc.questionIDs())).
		GroupExpr("term").
		Having("sum(docs) > 0").
		OrderExpr("docs DESC, count DESC, term")
	if top > 0 {
		q = q.Limit(int64(top))
	}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store.TermStats: %w", err)
	}
	return out, nil
}

// Docs loads the scope's answers with their group and event, and of their
// terms only those in keep (all terms when keep is nil). Statistics over a few
// terms need only those terms' rows, which keeps large surveys cheap.
func (s *Store) Docs(ctx context.Context, sc Scope, keep []string) ([]analysis.Doc, error) {
	docs, err := s.docs(ctx, sc, onlyTerms(keep), true)
	if err != nil {
		return nil, fmt.Errorf("store.Docs: %w", err)
	}
	return docs, nil
}

// docs is Docs, with the answers' texts only when withText is set: most
// statistics need only terms, and texts are most of the bytes. It reads the
// term lists (one row per analysed answer, beside its response) and, for
// groups, the attribute answers, both at once on separate connections: at
// 100k answers each read takes a few hundred milliseconds. Rows are scanned by
// hand: reflection-based scanning took most of the time.
func (s *Store) docs(ctx context.Context, sc Scope, kept func(string) bool, withText bool) ([]analysis.Doc, error) {
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
	q := s.db.NewSelect().Comment("store.Store.docs").TableExpr("answer_term_lists AS l").
		ColumnExpr("l.answer_id, l.question_id, l.response_id, l.terms").
		Where("l.question_id IN (?)", bun.List(sc.questionIDs()))
	if withText {
		q = q.ColumnExpr("a.value").Join("JOIN answers AS a ON a.id = l.answer_id")
	}
	rows, err := q.Rows(ctx)
	if err != nil {
		wg.Wait()
		return nil, err
	}
	var docs []analysis.Doc
	var responses []string
	err = eachRow(rows, func() error {
		d := analysis.Doc{Terms: []analysis.Term{}} // analysed, even with no term kept: KWIC must not re-run on it
		var question int64
		var response, list string
		dest := []any{&d.ID, &question, &response, &list}
		if withText {
			dest = append(dest, &d.Text)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		terms, err := analysis.DecodeTerms(d.Terms, list, kept)
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
	slices.SortFunc(docs, func(a, b analysis.Doc) int { return cmp.Compare(a.ID, b.ID) })
	return docs, nil
}

// onlyTerms keeps the terms of list (nil: every term).
func onlyTerms(list []string) func(string) bool {
	if list == nil {
		return nil
	}
	set := make(map[string]struct{}, len(list))
	for _, t := range list {
		set[t] = struct{}{}
	}
	return func(t string) bool { _, ok := set[t]; return ok }
}

// wantedBy keeps the terms a code book's rules can match (whole terms, and
// those a *part pattern matches: 要望's *てほしい), and those of also;
// decided once per distinct term, as an answer list repeats them.
func wantedBy(cb analysis.CodeBook, also func(string) bool) func(string) bool {
	seen := map[string]bool{}
	return func(t string) bool {
		if also != nil && also(t) {
			return true
		}
		want, ok := seen[t]
		if !ok {
			want = cb.Wants(t)
			seen[t] = want
		}
		return want
	}
}

// maxCachedGroups bounds the attribute answers remembered (one entry per
// survey's attribute; an entry holds one string per response).
const maxCachedGroups = 8

// groupsOf maps each response to its answer to the attribute questions (the
// first choice when there are several). Every その他 answer is the group
// その他, as in the cross-tabs of choices (Store.CrossCounts): what a
// respondent typed there (a name, a phone number) never labels a group, and
// a group is never one person. An attribute's options and its その他 texts
// are in two partial indexes (migration 0007), each read through its own.
// The map is remembered until an answer is added or deleted: a report or dashboard
// groups each free-text question's answers by the same attribute, and each
// of their drill-downs again.
func (s *Store) groupsOf(ctx context.Context, attributes []int64) (map[string]string, error) {
	ids := slices.Sorted(slices.Values(attributes))
	key := fmt.Sprint(ids)
	// Answers are added and deleted with their responses, never changed.
	// A new one has a new id, and a deleted response's entry is never looked
	// up again: the newest answer id, read from the end of the primary key,
	// is stamp enough where ids are never reused (see reusedIDsStamp).
	var newest int64
	if err := s.db.NewSelect().Comment("store.Store.groupsOf").TableExpr("answers").
		ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &newest); err != nil {
		return nil, err
	}
	reused, err := s.reusedIDsStamp(ctx, ids)
	if err != nil {
		return nil, err
	}
	version := fmt.Sprintf("%d/%s", newest, reused)
	return s.groups.do(ctx, key, version, func(ctx context.Context) (map[string]string, error) {
		return s.readGroups(ctx, ids)
	})
}

// readGroups reads the group of each response for groupsOf.
func (s *Store) readGroups(ctx context.Context, ids []int64) (map[string]string, error) {
	options := s.db.NewSelect().Comment("store.Store.groupsOf").TableExpr("answers").Column("response_id", "value").
		Where("question_id IN (?) AND position = 0 AND NOT free_text", bun.List(ids))
	others := s.db.NewSelect().TableExpr("answers").Column("response_id").ColumnExpr("? AS value", otherLabel).
		Where("question_id IN (?) AND position = 0 AND free_text", bun.List(ids))
	rows, err := options.UnionAll(others).Rows(ctx)
	if err != nil {
		return nil, err
	}
	groups := map[string]string{}
	names := map[string]string{} // one copy of each group's name, not one per response
	err = eachRow(rows, func() error {
		var response, value string
		err := rows.Scan(&response, &value)
		name, ok := names[value]
		if !ok {
			name = value
			names[value] = name
		}
		groups[response] = name
		return err
	})
	if err != nil {
		return nil, err
	}
	return groups, nil
}

// reusedIDsStamp completes a stamp made of answer ids on SQLite, which
// gives the ids of deleted newest rows again: the response count and the
// newest response time of the surveys of questions (a response deleted and
// another stored, with the same ids, change the one or the other), both
// read from an index. On PostgreSQL, whose sequences never give an id
// twice, it is empty: counting would read the table there.
func (s *Store) reusedIDsStamp(ctx context.Context, questions []int64) (string, error) {
	if database.KindOf(s.db) != database.SQLite {
		return "", nil
	}
	var n int64
	var latest string
	err := s.db.NewSelect().Comment("store.Store.reusedIDsStamp").TableExpr("responses").
		ColumnExpr("COUNT(*) AS n, COALESCE(MAX(submitted_at), '') AS latest").
		Where("survey_id IN (SELECT survey_id FROM questions WHERE id IN (?))", bun.List(questions)).Scan(ctx, &n, &latest)
	return fmt.Sprintf("%d/%s", n, latest), err
}

// Summarize computes the statistics of a scope from stored terms: it reads
// what the statistics need (see analysis.SummaryInput) and leaves the
// computing to analysis.Summarize.
func (s *Store) Summarize(ctx context.Context, sc Scope, opt analysis.Options) (*analysis.Summary, error) {
	sum, err := s.summarize(ctx, sc, opt.WithDefaults(), nil)
	if err != nil {
		return nil, fmt.Errorf("store.Summarize: %w", err)
	}
	return sum, nil
}

// SummarizeAmong is Summarize for a caller holding the answers of sc's whole
// questions with all their terms and texts (Docs(sc, nil), as a report has
// for its issue groups): the statistics take their terms from those
// answers instead of reading them again. loaded is not changed.
func (s *Store) SummarizeAmong(ctx context.Context, sc Scope, loaded []analysis.Doc, opt analysis.Options) (*analysis.Summary, error) {
	sum, err := s.summarize(ctx, sc, opt.WithDefaults(), loaded)
	if err != nil {
		return nil, fmt.Errorf("store.SummarizeAmong: %w", err)
	}
	return sum, nil
}

// summarize is Summarize, among loaded when it is not nil.
func (s *Store) summarize(ctx context.Context, sc Scope, opt analysis.Options, loaded []analysis.Doc) (*analysis.Summary, error) {
	cb := s.codeBook(sc)
	copies, err := s.copiesLeftOut(ctx, sc, loaded)
	if err != nil {
		return nil, err
	}
	// The answers with the terms kept, from loaded or read.
	answers := func(kept func(string) bool) ([]analysis.Doc, error) {
		if loaded != nil {
			return withTermsKept(loaded, kept), nil
		}
		return s.docs(ctx, sc, kept, false)
	}
	var docs []analysis.Doc
	var frequent []analysis.TermStat
	if sc.filtered() {
		// The stored totals cover whole questions: count a group's or an
		// event's terms from its answers instead.
		if docs, err = answers(nil); err != nil {
			return nil, err
		}
		docs = withoutCopies(sc.keepOnly(docs), copies)
		frequent = analysis.Frequencies(docs)
	} else if frequent, err = s.TermStats(ctx, sc, max(opt.Top, 120)); err != nil {
		// The network takes the 80 most frequent terms and group comparison the
		// most frequent 120; codes need only the terms their rules name.
		return nil, err
	}
	if !sc.filtered() {
		list := make([]string, 0, len(frequent))
		for _, t := range frequent {
			list = append(list, t.Term)
		}
		if docs, err = answers(wantedBy(cb, onlyTerms(list))); err != nil {
			return nil, err
		}
		if len(copies) > 0 {
			frequent = uncountCopies(frequent, docs, copies)
			docs = withoutCopies(docs, copies)
		}
	}
	return analysis.Summarize(cb, analysis.SummaryInput{
		Docs:     docs,
		Frequent: frequent,
		Events:   sc.Events(),
		Grouped:  len(sc.GroupBy) > 0,
		Texts:    func(ids []int64) (map[int64]string, error) { return s.answerTexts(ctx, ids) },
	}, opt)
}

// withTermsKept returns a copy of docs, without their texts, holding of
// their terms those kept keeps (every term when kept is nil), as docs
// reads them.
func withTermsKept(docs []analysis.Doc, kept func(string) bool) []analysis.Doc {
	out := make([]analysis.Doc, len(docs))
	for i, d := range docs {
		out[i] = analysis.Doc{ID: d.ID, Group: d.Group, Event: d.Event, Terms: []analysis.Term{}}
		for _, t := range d.Terms {
			if kept == nil || kept(t.Text) {
				out[i].Terms = append(out[i].Terms, t)
			}
		}
	}
	return out
}

// uncountCopies takes the copies' terms out of stored totals (which count
// every answer), in the totals' order (TermStats). docs hold every term of
// frequent.
func uncountCopies(frequent []analysis.TermStat, docs []analysis.Doc, copies map[int64]bool) []analysis.TermStat {
	at := make(map[string]int, len(frequent))
	for i, t := range frequent {
		at[t.Term] = i
	}
	out := slices.Clone(frequent)
	for _, d := range docs {
		if !copies[d.ID] {
			continue
		}
		for _, t := range d.Terms {
			if i, ok := at[t.Text]; ok {
				out[i].Count -= t.Count
				out[i].Docs--
			}
		}
	}
	out = slices.DeleteFunc(out, func(t analysis.TermStat) bool { return t.Docs <= 0 })
	slices.SortStableFunc(out, func(a, b analysis.TermStat) int {
		return cmp.Or(cmp.Compare(b.Docs, a.Docs), cmp.Compare(b.Count, a.Count), cmp.Compare(a.Term, b.Term))
	})
	return out
}

// answerTexts returns the texts of answers by id.
func (s *Store) answerTexts(ctx context.Context, ids []int64) (map[int64]string, error) {
	var texts []struct {
		ID    int64
		Value string
	}
	if err := s.db.NewSelect().Comment("store.Store.answerTexts").TableExpr("answers").Column("id", "value").Where("id IN (?)", bun.List(ids)).Scan(ctx, &texts); err != nil {
		return nil, err
	}
	byID := make(map[int64]string, len(texts))
	for _, t := range texts {
		byID[t.ID] = t.Value
	}
	return byID, nil
}

// Matches are the answers a filter selects: how many, and the first of them
// with their texts and the term in context.
type Matches struct {
	N     int                 // answers selected
	Docs  []analysis.Doc      // the first of them (at most the limit asked), with their texts
	Lines []analysis.KWICLine // the term in context in answer order, at most the limit; nil when no term is asked
}

// Matching returns the answers of a scope that a filter selects, the first
// limit of them with their texts and the term in context when the filter
// names a term: the link from every number back to the answers behind it.
// The answers are selected by their terms, and only the texts of those
// listed are read and searched again for the term: at 15,000 answers to a
// question, reading every text took most of a drill-down's time, and at
// 64,000 finding a common word again in each of 8,000 answers took 60 %.
func (s *Store) Matching(ctx context.Context, sc Scope, f analysis.Filter, width, limit int) (Matches, error) {
	a, cb := s.Analyzer(), s.codeBook(sc)
	kept := onlyTerms(a.FilterTerms(cb, f))
	if f.Code != "" { // its *part patterns too
		kept = wantedBy(cb.Only(f.Code), kept)
	}
	docs, err := s.docs(ctx, sc, kept, false)
	if err != nil {
		return Matches{}, fmt.Errorf("store.Matching: %w", err)
	}
	copies, err := s.copiesLeftOut(ctx, sc, nil)
	if err != nil {
		return Matches{}, fmt.Errorf("store.Matching: %w", err)
	}
	selected := a.Selected(cb, withoutCopies(docs, copies), f)
	m := Matches{N: len(selected), Docs: selected[:min(len(selected), limit)]}
	if err := s.withTexts(ctx, m.Docs); err != nil {
		return Matches{}, fmt.Errorf("store.Matching: %w", err)
	}
	if f.Term == "" {
		return m, nil
	}
	m.Lines = a.KWIC(m.Docs, f.Term, width)
	// An answer the term is not found in again gives no line: the next
	// answers fill its place, as many as lines are missing.
	for read := len(m.Docs); len(m.Lines) < limit && read < len(selected); {
		next := selected[read:min(len(selected), read+limit-len(m.Lines))]
		if err := s.withTexts(ctx, next); err != nil {
			return Matches{}, fmt.Errorf("store.Matching: %w", err)
		}
		m.Lines = append(m.Lines, a.KWIC(next, f.Term, width)...)
		read += len(next)
	}
	m.Lines = m.Lines[:min(len(m.Lines), limit)]
	return m, nil
}

// DocsAmong returns the answers of a scope whose ids are in ids, with their
// texts and without their terms: the answers of one issue group.
func (s *Store) DocsAmong(ctx context.Context, sc Scope, ids []int64) ([]analysis.Doc, error) {
	docs, err := s.docs(ctx, sc, onlyTerms([]string{}), false)
	if err != nil {
		return nil, fmt.Errorf("store.DocsAmong: %w", err)
	}
	member := make(map[int64]bool, len(ids))
	for _, id := range ids {
		member[id] = true
	}
	docs = slices.DeleteFunc(docs, func(d analysis.Doc) bool { return !member[d.ID] })
	if err := s.withTexts(ctx, docs); err != nil {
		return nil, fmt.Errorf("store.DocsAmong: %w", err)
	}
	return docs, nil
}

// withTexts fills in the texts of docs, read in batches by id.
func (s *Store) withTexts(ctx context.Context, docs []analysis.Doc) error {
	const batch = 5000
	for start := 0; start < len(docs); start += batch {
		part := docs[start:min(start+batch, len(docs))]
		ids := make([]int64, len(part))
		for i, d := range part {
			ids[i] = d.ID
		}
		texts, err := s.answerTexts(ctx, ids)
		if err != nil {
			return err
		}
		for i := range part {
			part[i].Text = texts[part[i].ID]
		}
	}
	return nil
}

// CodeExample is one answer a code matches, for the code-book page: the
// sentence that matched, the matching words' byte spans in it.
type CodeExample struct {
	Answer int64
	analysis.CodeMatch
}

// CodePreview is what the codes of a code book find among a scope's answers.
type CodePreview struct {
	Answers  int // analysed answers of the scope
	Codes    []analysis.CodePreview
	Examples map[string][]CodeExample // by code: the sentence of each example that matched
}

// CodePreview counts what each code of cb finds among the scope's answers
// (analysis.PreviewCodes), with up to n examples each, leaving out the codes
// that do not apply to the scope's question (see Scope.Label).
func (s *Store) CodePreview(ctx context.Context, sc Scope, cb analysis.CodeBook, n int) (CodePreview, error) {
	cb = cb.ForQuestion(sc.Label)
	docs, err := s.docs(ctx, sc, nil, true)
	if err != nil {
		return CodePreview{}, fmt.Errorf("store.CodePreview: %w", err)
	}
	copies, err := s.copiesLeftOut(ctx, sc, nil)
	if err != nil {
		return CodePreview{}, fmt.Errorf("store.CodePreview: %w", err)
	}
	docs = withoutCopies(docs, copies)
	out := CodePreview{Answers: len(docs), Codes: analysis.PreviewCodes(cb, docs, n), Examples: map[string][]CodeExample{}}
	text := make(map[int64]string, len(docs))
	for _, p := range out.Codes {
		for _, id := range p.Examples {
			text[id] = ""
		}
	}
	for _, d := range docs {
		if _, ok := text[d.ID]; ok {
			text[d.ID] = d.Text
		}
	}
	a := s.Analyzer()
	for _, p := range out.Codes {
		for _, id := range p.Examples {
			for _, m := range a.CodeMatches(cb, text[id]) {
				if m.Code == p.Code {
					out.Examples[p.Code] = append(out.Examples[p.Code], CodeExample{Answer: id, CodeMatch: m})
					break
				}
			}
		}
	}
	return out, nil
}
