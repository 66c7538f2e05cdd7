package reports

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// MaxListedAnswers caps the list of every answer to one free text question
// in a report or dashboard; the CSV download has them all.
const MaxListedAnswers = 2000

// maxSeriesIssues caps the recurring issues of a series report.
const maxSeriesIssues = 20

// BuildReport fills the report of one survey from stored data: SQL
// aggregates for every non-personal question, the stored analysis for free
// text. texts may be nil (free text is then listed, not analysed). Personal
// questions never reach the report.
func BuildReport(ctx context.Context, surveys *store.Store, texts *store.Store, s *survey.Survey) (Report, error) {
	return BuildReportReusing(ctx, surveys, texts, s, nil)
}

// BuildReportReusing is BuildReport taking the issue groups of a question
// from known (by question key) when it has them: a dashboard rebuilt while
// its answers are unchanged does not group them again.
func BuildReportReusing(ctx context.Context, surveys *store.Store, texts *store.Store, s *survey.Survey, known map[string]IssueSet) (Report, error) {
	return BuildReportCounting(ctx, surveys, texts, s, known, false)
}

// BuildReportCounting is BuildReportReusing with, when allCopies is set,
// every copy of a copied answer counted in the issue groups (the raw counts
// a dashboard shows on request) instead of each group of copies once; such
// groups are not stored (KeepIssues), the stored ones stay those counted
// once, and known must have been grouped the same way.
func BuildReportCounting(ctx context.Context, surveys *store.Store, texts *store.Store, s *survey.Survey, known map[string]IssueSet, allCopies bool) (Report, error) {
	responses, err := surveys.ResponseCount(ctx, s)
	if err != nil {
		return Report{}, err
	}
	r := Report{
		Title: s.Title, Slug: s.Slug, Description: s.Description, Lang: "ja",
		Event:     Event{Title: s.EventTitle, Date: formatDate(s.EventDate), Attendees: s.Attendees},
		Responses: responses, GeneratedAt: time.Now(),
	}
	if s.Series != nil {
		r.Event.SeriesTitle = s.Series.Title
	}
	d := s.Definition()
	var counted, numbers []string
	var attrs []*survey.Question
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Personal || !q.Answerable() {
			continue
		}
		switch q.Kind().Aggregate() {
		case survey.ValueCountsAggregate:
			counted = append(counted, q.Key)
		case survey.NumberStatsAggregate:
			numbers = append(numbers, q.Key)
		}
		if q.Attribute && q.Kind().HasOptions() {
			attrs = append(attrs, q)
		}
	}
	// The free-text questions, each read and grouped on its own, are the
	// bulk of the work: they run side by side, the counts below beside them,
	// as far as room allows (responsesAtOnce). The counts take their room
	// first: at a million responses the cross-tabs run before any question.
	room := semaphore.NewWeighted(responsesAtOnce)
	size := int64(min(max(responses, 1), responsesAtOnce))
	if err := room.Acquire(ctx, size); err != nil {
		return Report{}, err
	}
	summaries := startTextSummaries(ctx, room, size, surveys, texts, s, attrs, known, allCopies)
	defer summaries.cancel()
	answered, err := surveys.AnsweredCounts(ctx, s)
	if err != nil {
		return Report{}, err
	}
	values, stats, crosses, err := readCounts(ctx, surveys, s, counted, numbers, attrs)
	room.Release(size)
	if err != nil {
		return Report{}, err
	}
	cross := map[string][]CrossTab{}
	for _, a := range attrs {
		cells, bases := crosses[a.Key].Counts, crosses[a.Key].Bases
		for i := range d.Questions {
			q := &d.Questions[i]
			if cs := cells[q.Key]; len(cs) > 0 {
				ct := crossTab(a, q, cs)
				for _, g := range ct.Groups {
					ct.Bases = append(ct.Bases, bases[q.Key][g])
				}
				cross[q.Key] = append(cross[q.Key], ct)
			}
		}
	}
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Personal || !q.Answerable() {
			continue
		}
		rq := Question{Key: q.Key, Label: q.Label, Type: q.Type, Answered: answered[q.Key], CrossTabs: cross[q.Key]}
		vs := values[q.Key]
		switch q.Kind().Block() {
		case survey.ChoicesBlock:
			rq.Choices = choices(q, vs)
		case survey.ConsentBlock:
			rq.Choices = &Choices{Options: []Count{{Label: "同意する", Count: total(vs)}}}
		case survey.DatesBlock:
			rq.Choices = dates(vs)
		case survey.ScaleBlock:
			rq.Scale = scale(q, vs)
		case survey.NPSBlock:
			rq.NPS = nps(vs)
		case survey.MatrixBlock:
			rq.Matrix = matrix(q, vs)
		case survey.NumberBlock:
			ns := stats[q.Key]
			rq.Number = &NumberSummary{N: ns.N, Mean: ns.Mean, Median: ns.Median, Min: ns.Min, Max: ns.Max}
		case survey.TextBlock: // text, textarea and a non-personal email
			text, ct, err := summaries.wait(i)
			if err != nil {
				return Report{}, err
			}
			rq.Text = text
			rq.Text.Total = max(rq.Answered, len(rq.Text.Answers))
			if ct != nil {
				rq.CrossTabs = append(rq.CrossTabs, *ct)
			}
		}
		r.Questions = append(r.Questions, rq)
	}
	return r, nil
}

// readCounts reads the aggregates of the counted and numeric questions and
// the cross-tabs of every question by each attribute.
func readCounts(ctx context.Context, surveys *store.Store, s *survey.Survey, counted, numbers []string, attrs []*survey.Question) (map[string][]survey.ValueCount, map[string]survey.NumberStats, map[string]store.Cross, error) {
	values, err := surveys.ValueCounts(ctx, s, counted...)
	if err != nil {
		return nil, nil, nil, err
	}
	var stats map[string]survey.NumberStats
	if len(numbers) > 0 {
		if stats, err = surveys.NumberStats(ctx, s, numbers...); err != nil {
			return nil, nil, nil, err
		}
	}
	attrKeys := make([]string, len(attrs))
	for i, a := range attrs {
		attrKeys[i] = a.Key
	}
	crosses, err := surveys.Crosses(ctx, s, attrKeys)
	if err != nil {
		return nil, nil, nil, err
	}
	return values, stats, crosses, nil
}

// formatDate writes 2020-11-19 as 2020年11月19日; other text is kept.
func formatDate(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

func total(vs []survey.ValueCount) int {
	n := 0
	for _, v := range vs {
		n += v.Count
	}
	return n
}

// choices counts the options in the definition's order, その他 last with
// its free texts listed (each distinct text once, with its count).
func choices(q *survey.Question, vs []survey.ValueCount) *Choices {
	c := &Choices{Multi: q.Type == survey.Multi}
	idx := map[string]int{}
	for _, o := range q.Choices() {
		idx[o] = len(c.Options)
		c.Options = append(c.Options, Count{Label: o})
	}
	for _, v := range vs {
		label := v.Value
		if v.Other {
			label = survey.OtherLabel
			if len(c.Other) < MaxListedAnswers {
				c.Other = append(c.Other, Count{Label: v.Value, Count: v.Count})
			}
		}
		i, ok := idx[label]
		if !ok { // an option removed from the definition since
			idx[label] = len(c.Options)
			i = len(c.Options)
			c.Options = append(c.Options, Count{Label: label})
		}
		c.Options[i].Count += v.Count
	}
	return c
}

func dates(vs []survey.ValueCount) *Choices {
	c := &Choices{}
	for _, v := range vs {
		c.Options = append(c.Options, Count{Label: v.Value, Count: v.Count})
	}
	slices.SortFunc(c.Options, func(a, b Count) int { return compareStrings(a.Label, b.Label) })
	return c
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func scale(q *survey.Question, vs []survey.ValueCount) *Scale {
	lo, hi, _, _ := q.Bounds()
	s := &Scale{Min: int(lo), Max: int(hi), MinLabel: q.MinLabel, MaxLabel: q.MaxLabel}
	s.Counts = make([]int, max(s.Max-s.Min+1, 0))
	n, sum := 0, 0.0
	for _, v := range vs {
		x, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			continue
		}
		if i := int(x) - s.Min; i >= 0 && i < len(s.Counts) {
			s.Counts[i] += v.Count
		}
		n += v.Count
		sum += x * float64(v.Count)
	}
	s.Mean = math.NaN()
	if n > 0 {
		s.Mean = sum / float64(n)
		top := 0
		for i := max(len(s.Counts)-2, 0); i < len(s.Counts); i++ {
			top += s.Counts[i]
		}
		s.Top2Box = float64(top) / float64(n)
	}
	return s
}

func nps(vs []survey.ValueCount) *NPS {
	p := &NPS{}
	for _, v := range vs {
		x, err := strconv.Atoi(v.Value)
		if err != nil || x < 0 || x > 10 {
			continue
		}
		p.Counts[x] += v.Count
		switch {
		case x >= 9:
			p.Promoters += v.Count
		case x >= 7:
			p.Passives += v.Count
		default:
			p.Detractors += v.Count
		}
	}
	if n := p.Promoters + p.Passives + p.Detractors; n > 0 {
		p.Score = float64(p.Promoters-p.Detractors) * 100 / float64(n)
	}
	return p
}

func matrix(q *survey.Question, vs []survey.ValueCount) *Matrix {
	m := &Matrix{Rows: slices.Clone(q.Rows), Columns: slices.Clone(q.Columns)}
	m.Counts = make([][]int, len(m.Rows))
	for i := range m.Counts {
		m.Counts[i] = make([]int, len(m.Columns))
	}
	for _, v := range vs {
		r, c := slices.Index(m.Rows, v.Item), slices.Index(m.Columns, v.Value)
		if r >= 0 && c >= 0 {
			m.Counts[r][c] += v.Count
		}
	}
	return m
}

// columnsOf returns the answer categories of a question as CrossCounts
// names them: a scale's points, else its choices.
func columnsOf(q *survey.Question) []string {
	if points := q.Points(); points != nil {
		return points
	}
	return slices.Clone(q.Choices())
}

// crossTab lays out cross counts: attribute values as rows, in the
// attribute's option order, and the question's categories as columns.
func crossTab(a, q *survey.Question, cells []survey.CrossCount) CrossTab {
	ct := CrossTab{Attribute: a.Label, Columns: columnsOf(q)}
	rows := map[string]int{}
	present := map[string]bool{}
	for _, c := range cells {
		present[c.Group] = true
	}
	for _, g := range a.Choices() {
		if present[g] {
			rows[g] = len(ct.Groups)
			ct.Groups = append(ct.Groups, g)
		}
	}
	cols := map[string]int{}
	for i, c := range ct.Columns {
		cols[c] = i
	}
	for _, c := range cells {
		if _, ok := rows[c.Group]; !ok {
			rows[c.Group] = len(ct.Groups)
			ct.Groups = append(ct.Groups, c.Group)
		}
		if _, ok := cols[c.Value]; !ok {
			cols[c.Value] = len(ct.Columns)
			ct.Columns = append(ct.Columns, c.Value)
		}
	}
	ct.Counts = make([][]int, len(ct.Groups))
	for i := range ct.Counts {
		ct.Counts[i] = make([]int, len(ct.Columns))
	}
	for _, c := range cells {
		ct.Counts[rows[c.Group]][cols[c.Value]] += c.Count
	}
	return ct
}

// textSummaries are the free-text questions' blocks of a report, built side
// by side, at most one per core and as room allows (responsesAtOnce): each is
// mostly reading its answers and grouping them, and the questions do not
// depend on each other.
type textSummaries struct {
	cancel  context.CancelFunc
	results map[int]chan textSummary // by question index
}

type textSummary struct {
	text  *Text
	cross *CrossTab
	err   error
}

// responsesAtOnce bounds the work a report does side by side, counted in
// responses: each free-text question being built holds up to one answer per
// response with its terms and grouping, the cross-tabs a map per response.
// At 64,000 responses the counts and two questions run at once; at a million
// each runs alone (two questions of 240,000 answers at once, beside the
// cross-tabs, peaked at 2.6 GB against 1.35 GB one at a time).
const responsesAtOnce = 200_000

// startTextSummaries starts building the block of every free-text question
// of s the report shows, each taking size of room.
func startTextSummaries(ctx context.Context, room *semaphore.Weighted, size int64, surveys *store.Store, texts *store.Store, s *survey.Survey, attrs []*survey.Question, known map[string]IssueSet, allCopies bool) textSummaries {
	ctx, cancel := context.WithCancel(ctx)
	ts := textSummaries{cancel: cancel, results: map[int]chan textSummary{}}
	cores := semaphore.NewWeighted(int64(runtime.GOMAXPROCS(0)))
	d := s.Definition()
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Personal || !q.Answerable() || q.Kind().Block() != survey.TextBlock {
			continue
		}
		done := make(chan textSummary, 1)
		ts.results[i] = done
		go func() {
			if err := cores.Acquire(ctx, 1); err != nil {
				done <- textSummary{err: err}
				return
			}
			defer cores.Release(1)
			if err := room.Acquire(ctx, size); err != nil {
				done <- textSummary{err: err}
				return
			}
			defer room.Release(size)
			var sum textSummary
			sum.text, sum.cross, sum.err = buildTextSummary(ctx, surveys, texts, s, q, attrs, known, allCopies)
			done <- sum
		}()
	}
	return ts
}

// wait returns the block of the question at index i, with its codes by
// the first attribute when it has them.
func (ts textSummaries) wait(i int) (*Text, *CrossTab, error) {
	sum := <-ts.results[i]
	return sum.text, sum.cross, sum.err
}

// buildTextSummary lists a free text question's answers and, when it is
// analysed, adds its stored analysis grouped by the first attribute. The
// caller sets the Total answered.
func buildTextSummary(ctx context.Context, surveys *store.Store, texts *store.Store, s *survey.Survey, q *survey.Question, attrs []*survey.Question, known map[string]IssueSet, allCopies bool) (*Text, *CrossTab, error) {
	list, err := surveys.AnswerTexts(ctx, s, q.Key, MaxListedAnswers)
	if err != nil {
		return nil, nil, err
	}
	t := &Text{Answers: list, Total: len(list)}
	if !q.Analyze || texts == nil {
		return t, nil, nil
	}
	sc := store.Scope{Questions: []store.ScopeQuestion{{ID: s.QuestionID(q.Key)}}, CodeBooks: s.CodeBookNames(), OwnCodes: s.Codes, Label: q.Label, AllCopies: allCopies}
	if len(attrs) > 0 {
		sc.GroupBy = []int64{s.QuestionID(attrs[0].Key)}
		t.IssuesBy = attrs[0].Label
	}
	// The groups keep their stored IDs and staff names (KeepIssues); a
	// grouping reused from a dashboard's cache only takes the names again.
	kept := store.IssueScope(s.ID, q.Key)
	set, ok := known[q.Key]
	var sum *analysis.Summary
	if ok {
		if set, err = NameIssues(ctx, texts, kept, set); err == nil {
			sum, err = texts.Summarize(ctx, sc, analysis.Options{})
		}
	} else {
		// The answers are read once, for their issue groups, their copies
		// and their statistics.
		var docs []analysis.Doc
		if docs, err = texts.Docs(ctx, sc, nil); err == nil {
			set, err = computeIssuesAmong(ctx, texts, sc, docs, 0, allCopies)
		}
		if err == nil {
			set, err = KeepIssues(ctx, texts, kept, set, !allCopies)
		}
		if err == nil {
			sum, err = texts.SummarizeAmong(ctx, sc, docs, analysis.Options{})
		}
	}
	if err != nil {
		return nil, nil, err
	}
	t.Issues, t.IssuesGrouped, t.HiddenIssues, t.MergedIssues = set.Issues, set.Grouped, set.Hidden, set.Merged
	t.Empty, t.Duplicates, t.AllCopies = set.Empty, set.Duplicates, allCopies
	for _, x := range sum.Terms {
		t.Terms = append(t.Terms, TermCount{Term: x.Term, Count: x.Count, Docs: x.Docs})
	}
	for _, n := range sum.Network.Nodes {
		t.Network.Nodes = append(t.Network.Nodes, Node{Term: n.Term, Docs: n.Docs, Community: max(n.Community-1, 0)})
	}
	for _, e := range sum.Network.Edges {
		t.Network.Edges = append(t.Network.Edges, Edge{A: e.A, B: e.B, Jaccard: e.Jaccard})
	}
	for _, c := range sum.Codes {
		if c.Docs > 0 {
			t.Codes = append(t.Codes, Code{Code: c.Code, Docs: c.Docs, Quotes: c.Quotes})
		}
	}
	for _, g := range sum.Groups {
		gw := GroupWords{Group: g.Group}
		for _, w := range g.Words {
			gw.Words = append(gw.Words, TermCount{Term: w.Term, Count: w.Docs, Docs: w.Docs})
		}
		t.Groups = append(t.Groups, gw)
	}
	if ct := sum.CrossTab; ct != nil && len(ct.Groups) > 0 && len(attrs) > 0 {
		// Issue categories by the attribute: only codes some answer has.
		// An answer can fall in several categories: shares divide by the
		// group's answers (GroupDocs), not by its category ticks.
		x := CrossTab{Attribute: attrs[0].Label, Groups: slices.Clone(ct.Groups), Counts: make([][]int, len(ct.Groups)), Bases: slices.Clone(ct.GroupDocs),
			Test: &CrossTest{ChiSquare: ct.ChiSquare, DF: ct.DF, P: ct.P, Residuals: make([][]float64, len(ct.Groups))}}
		for c, code := range ct.Codes {
			n := 0
			for g := range ct.Groups {
				n += ct.Counts[g][c]
			}
			if n == 0 {
				continue
			}
			x.Columns = append(x.Columns, code)
			for g := range ct.Groups {
				x.Counts[g] = append(x.Counts[g], ct.Counts[g][c])
				x.Test.Residuals[g] = append(x.Test.Residuals[g], ct.Residuals[g][c])
			}
		}
		if len(x.Columns) > 0 {
			x.Codes = true
			return t, &x, nil
		}
	}
	return t, nil, nil
}

// BuildSeries fills the series report of the series key: per event its
// responses, response rate, satisfaction (the scale question keyed
// satisfaction, else the first scale) and NPS (the first nps question), and
// the issues that recur in the analysed question the events share.
func BuildSeries(ctx context.Context, surveys *store.Store, texts *store.Store, key string) (Series, error) {
	se, list, err := surveys.SurveysInSeries(ctx, key)
	if err != nil {
		return Series{}, err
	}
	return BuildSeriesOf(ctx, surveys, texts, survey.SeriesView{Series: se, Surveys: list})
}

// BuildSeriesOf is BuildSeries over the surveys of a series one reader may
// see (survey.SeriesViewOf): the others are left out of every figure.
func BuildSeriesOf(ctx context.Context, surveys *store.Store, texts *store.Store, v survey.SeriesView) (Series, error) {
	return BuildSeriesReusing(ctx, surveys, texts, v, nil)
}

// BuildSeriesReusing is BuildSeriesOf taking the series' issue groups from
// known when it is not nil: a dashboard rebuilt while the answers of its
// events are unchanged does not group them again.
func BuildSeriesReusing(ctx context.Context, surveys *store.Store, texts *store.Store, v survey.SeriesView, known *IssueSet) (Series, error) {
	se, list := v.Series, v.Surveys
	out := Series{Key: se.Key, Title: se.Title, GeneratedAt: time.Now(), Lang: "ja", Hidden: v.Hidden}
	labels := survey.EventLabels(list)
	for i, s := range list {
		n, err := surveys.ResponseCount(ctx, s)
		if err != nil {
			return Series{}, err
		}
		e := SeriesEvent{Slug: s.Slug, Label: labels[i], Title: s.EventTitle, Date: formatDate(s.EventDate), Responses: n, Attendees: s.Attendees}
		if e.Title == "" {
			e.Title = s.Title
		}
		if k := satisfactionKey(s); k != "" {
			st, err := surveys.NumberStats(ctx, s, k)
			if err != nil {
				return Series{}, err
			}
			if x := st[k]; x.N > 0 {
				e.Satisfaction, e.HasSatisfaction = x.Mean, true
			}
			if q := s.Definition().Question(k); q != nil { // the trend axis spans the scale
				if lo, hi, okLo, okHi := q.Bounds(); okLo && okHi {
					e.SatisfactionMin, e.SatisfactionMax = int(lo), int(hi)
				}
			}
		}
		if k := firstOfType(s, survey.NPS); k != "" {
			vs, err := surveys.ValueCounts(ctx, s, k)
			if err != nil {
				return Series{}, err
			}
			if p := nps(vs[k]); p.Promoters+p.Passives+p.Detractors > 0 {
				e.NPS, e.HasNPS = p.Score, true
			}
		}
		out.Events = append(out.Events, e)
	}
	if texts == nil {
		return out, nil
	}
	sc, key := SeriesScope(list, "")
	if len(sc.Questions) < 2 {
		return out, nil
	}
	// One grouping over every event's answers: an issue keeps one identity
	// from the first meeting to the last.
	// Kept as the series' groups only when every event is in view: a
	// reader's partial view adopts the stored IDs and names but is not
	// stored over the whole series'.
	kept := store.SeriesIssueScope(se.Key, key)
	var set IssueSet
	var err error
	if known != nil {
		set, err = NameIssues(ctx, texts, kept, *known)
	} else if set, err = ComputeIssues(ctx, texts, sc, 0); err == nil {
		set, err = KeepIssues(ctx, texts, kept, set, v.Hidden == 0)
	}
	if err != nil {
		return Series{}, err
	}
	out.IssueGroups, out.IssueGroupsGrouped, out.IssueHidden, out.IssueMerged = set.Issues, set.Grouped, set.Hidden, set.Merged
	out.IssueQuestion = key
	for _, s := range list { // the latest wording of the question
		for _, qm := range s.Questions {
			if qm.Key == key {
				out.IssueQuestionLabel = qm.Label
			}
		}
	}
	sum, err := texts.Summarize(ctx, sc, analysis.Options{})
	if err != nil {
		return Series{}, err
	}
	named := map[string]bool{}
	add := func(rs []analysis.Recurring, code bool) {
		for _, r := range rs {
			if len(out.Issues) >= maxSeriesIssues {
				return
			}
			if named[r.Term] { // a word named like an issue category
				continue
			}
			named[r.Term] = true
			is := Issue{Term: r.Term, Code: code, Status: r.Status, Counts: make([]int, len(list))}
			for i, l := range labels {
				if j := slices.Index(sum.Events, l); j >= 0 && j < len(r.Counts) {
					is.Counts[i] = r.Counts[j]
				}
			}
			out.Issues = append(out.Issues, is)
		}
	}
	add(sum.RecurringCodes, true)
	add(sum.Recurring, false)
	return out, nil
}

// SeriesScope is the scope of the analysed question the surveys of a series
// share (key, or the first analysed, non-personal key found in two or more
// surveys), each survey's answers labelled with its event.
func SeriesScope(list []*survey.Survey, key string) (store.Scope, string) {
	if key == "" {
		seen := map[string]int{}
		var order []string
		for _, s := range list {
			for _, qm := range s.Questions {
				if qm.Analyze && !qm.Personal {
					if seen[qm.Key] == 0 {
						order = append(order, qm.Key)
					}
					seen[qm.Key]++
				}
			}
		}
		for _, k := range order {
			if seen[k] >= 2 {
				key = k
				break
			}
		}
	}
	var sc store.Scope
	if key == "" {
		return sc, ""
	}
	labels := survey.EventLabels(list)
	sc.CodeBooks, sc.OwnCodes = SeriesCodeBooks(list)
	for i, s := range list {
		for _, qm := range s.Questions {
			if qm.Key == key && qm.Analyze && !qm.Personal {
				sc.Questions = append(sc.Questions, store.ScopeQuestion{ID: qm.ID, Event: labels[i]})
				sc.Label = qm.Label // the latest event's wording, as for its code books
			}
		}
	}
	return sc, key
}

// SeriesCodeBooks returns the code books a series applies: those of its
// latest event (the last of list), where staff last chose them.
func SeriesCodeBooks(list []*survey.Survey) (names []string, own string) {
	if len(list) == 0 {
		return nil, ""
	}
	last := list[len(list)-1]
	return last.CodeBookNames(), last.Codes
}

func satisfactionKey(s *survey.Survey) string {
	for _, qm := range s.Questions {
		if qm.Key == "satisfaction" && qm.Type == survey.Scale && !qm.Personal {
			return qm.Key
		}
	}
	return firstOfType(s, survey.Scale)
}

func firstOfType(s *survey.Survey, typ string) string {
	for _, qm := range s.Questions {
		if qm.Type == typ && !qm.Personal {
			return qm.Key
		}
	}
	return ""
}
