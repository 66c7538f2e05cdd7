package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/contact"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// analyzeResult is the JSON of `koe analyze --json` (DESIGN.md), with more beside the required fields.
type analyzeResult struct {
	Survey         string                  `json:"survey,omitempty"`
	Series         string                  `json:"series,omitempty"`
	Question       string                  `json:"question,omitempty"`
	Dictionary     string                  `json:"dictionary"`
	Stale          int                     `json:"stale_answers"`
	Responses      int                     `json:"responses"`
	Answers        int                     `json:"answers"`
	Terms          []analysis.TermStat     `json:"terms"`
	Cooccurrence   []analysis.Edge         `json:"cooccurrence"`
	Communities    []analysis.NetworkNode  `json:"communities"`
	Codes          []analysis.CodeExamples `json:"codes"`
	Groups         []analysis.GroupWords   `json:"groups,omitempty"`
	CrossTab       *analysis.CrossTab      `json:"crosstab,omitempty"`
	Events         []string                `json:"events,omitempty"`
	Recurring      []analysis.Recurring    `json:"recurring"`
	RecurringCodes []analysis.Recurring    `json:"recurring_codes,omitempty"`

	// Issue groups of one analysed question (DESIGN.md "Issue groups"): the
	// one named with --question, else the first analysed one.
	IssueQuestion string                   `json:"issue_question"`
	Grouped       int                      `json:"grouped"` // answers grouped: analysed, less empty answers and repeated copies
	Issues        []issueJSON              `json:"issues"`
	Unassigned    int                      `json:"unassigned"`
	Duplicates    analysis.DuplicateCounts `json:"duplicates"`
	Empty         int                      `json:"empty"`
}

// issueJSON is one issue group as DESIGN.md shows it.
type issueJSON struct {
	ID      string                    `json:"id"`
	Label   string                    `json:"label"`
	Terms   []string                  `json:"terms"`
	Answers int                       `json:"answers"`
	Share   float64                   `json:"share"`
	Quotes  []string                  `json:"quotes"`
	Events  map[string]issueEventJSON `json:"events,omitempty"`
	Trend   string                    `json:"trend,omitempty"`
}

type issueEventJSON struct {
	Answers int     `json:"answers"`
	Share   float64 `json:"share"`
}

// issueGroups groups the answers to the question of scope (filtered as
// scope.Only says) and returns them in the JSON shape, largest first, with
// the IDs and staff names of the groups stored under kept, as dashboards
// show them. The groups of the whole scope are stored in turn; a filtered
// part's are not.
func issueGroups(ctx context.Context, texts *store.Store, scope store.Scope, kept string) ([]issueJSON, reports.IssueSet, error) {
	set, err := reports.ComputeIssues(ctx, texts, scope, -1)
	if err == nil {
		set, err = reports.KeepIssues(ctx, texts, kept, set, scope.Only == (analysis.Filter{}))
	}
	if err != nil || set.Issues == nil {
		return []issueJSON{}, set, err
	}
	out := make([]issueJSON, 0, len(set.Issues.Groups))
	for _, g := range set.Issues.Groups {
		is := issueJSON{ID: g.ID, Label: g.Label, Terms: g.Terms, Answers: g.Size, Share: g.Share, Quotes: []string{}, Trend: g.Trend}
		for _, q := range g.Quotes {
			is.Quotes = append(is.Quotes, q.Text)
		}
		if len(g.Events) > 1 {
			is.Events = map[string]issueEventJSON{}
			for _, e := range g.Events {
				is.Events[e.Event] = issueEventJSON{Answers: e.Answers, Share: e.Share}
			}
		}
		out = append(out, is)
	}
	return out, set, nil
}

func analyzeCmd(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("analyze")
	slug := fs.String("survey", "", "survey slug")
	seriesKey := fs.String("series", "", "series key: compare the events of a series")
	question := fs.String("question", "", "key of one analysed question (default: every analysed question)")
	by := fs.String("by", "", "attribute question to compare groups by (default: the first attribute)")
	method := fs.String("method", "jaccard", "characteristic words: jaccard or g2")
	group := fs.String("group", "", "only the answers of this group (a value of the --by attribute)")
	event := fs.String("event", "", "with --series: only the answers of this event (the survey's slug)")
	top := fs.Int("top", 30, "number of terms listed")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*slug == "") == (*seriesKey == "") {
		return errors.New("analyze: give --survey SLUG or --series KEY")
	}
	if *method != "jaccard" && *method != "g2" {
		return fmt.Errorf("analyze: --method %q: use jaccard or g2", *method)
	}
	if *top <= 0 {
		return fmt.Errorf("analyze: --top %d: use a positive number", *top)
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	surveys := store.New(db, nil)
	var list []*survey.Survey
	if *slug != "" {
		s, err := surveyForCommand(ctx, surveys, "analyze", *slug)
		if err != nil {
			return err
		}
		list = []*survey.Survey{s}
	} else {
		_, ss, err := surveys.SurveysInSeries(ctx, *seriesKey)
		if errors.Is(err, survey.ErrNotFound) {
			return fmt.Errorf("analyze: no series %q (a survey joins a series with event.series in its definition)", *seriesKey)
		}
		if err != nil {
			return err
		}
		list = ss
	}
	scope, err := seriesScope(list, *question, *by)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	scope.Only.Group = *group
	if *event != "" {
		labels := survey.EventLabels(list)
		var slugs []string
		for i, s := range list {
			slugs = append(slugs, s.Slug)
			if s.Slug == *event {
				scope.Only.Event = labels[i]
			}
		}
		if scope.Only.Event == "" {
			return fmt.Errorf("analyze: --event %q is not an event of this series (events: %s)", *event, strings.Join(slugs, ", "))
		}
	}
	texts, err := openAnalysis(ctx, db)
	if err != nil {
		return err
	}
	sum, err := texts.Summarize(ctx, scope, analysis.Options{Top: *top, Method: *method})
	if err != nil {
		return err
	}
	res := analyzeResult{Survey: *slug, Series: *seriesKey, Question: *question, Dictionary: texts.Version(),
		Answers: sum.Answers, Terms: sum.Terms, Cooccurrence: sum.Network.Edges, Communities: sum.Network.Nodes,
		Codes: sum.Codes, Groups: sum.Groups, CrossTab: sum.CrossTab, Events: sum.Events,
		Recurring: sum.Recurring, RecurringCodes: sum.RecurringCodes}
	for _, s := range list {
		if *event != "" && s.Slug != *event {
			continue
		}
		n, err := surveys.ResponseCount(ctx, s)
		if err != nil {
			return err
		}
		res.Responses += n
		stale, err := texts.StaleAnswers(ctx, s.ID)
		if err != nil {
			return err
		}
		res.Stale += stale
	}
	issueScope, err := seriesScope(list, firstAnalysed(list, *question), *by)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	issueScope.Only = scope.Only
	kept := store.SeriesIssueScope(*seriesKey, firstAnalysed(list, *question))
	if *slug != "" {
		kept = store.IssueScope(list[0].ID, firstAnalysed(list, *question))
	}
	var set reports.IssueSet
	if res.Issues, set, err = issueGroups(ctx, texts, issueScope, kept); err != nil {
		return err
	}
	res.IssueQuestion, res.Empty, res.Duplicates = firstAnalysed(list, *question), set.Empty, set.Duplicates
	if set.Issues != nil {
		res.Grouped, res.Unassigned = set.Issues.Analysed, len(set.Issues.Unassigned)
	}
	if res.Terms == nil {
		res.Terms = []analysis.TermStat{}
	}
	if res.Cooccurrence == nil {
		res.Cooccurrence = []analysis.Edge{}
	}
	res.maskContacts()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	writeAnalysis(e.stdout, res)
	return nil
}

// maskContacts masks e-mail addresses and phone numbers in everything of r
// respondents may have typed (terms, quotes, group labels), before either
// output is written from it: the table cuts quotes, and a cut contact could
// no longer be found.
func (r *analyzeResult) maskContacts() {
	mask := contact.Mask
	for i := range r.Terms {
		r.Terms[i].Term = mask(r.Terms[i].Term)
	}
	for i, e := range r.Cooccurrence {
		r.Cooccurrence[i].A, r.Cooccurrence[i].B = mask(e.A), mask(e.B)
	}
	for i := range r.Communities {
		r.Communities[i].Term = mask(r.Communities[i].Term)
	}
	for _, c := range r.Codes {
		for i, q := range c.Quotes {
			c.Quotes[i] = mask(q)
		}
	}
	for i, g := range r.Groups {
		r.Groups[i].Group = mask(g.Group)
		for j, w := range g.Words {
			g.Words[j].Term = mask(w.Term)
		}
	}
	if r.CrossTab != nil {
		for i, g := range r.CrossTab.Groups {
			r.CrossTab.Groups[i] = mask(g)
		}
	}
	for i, is := range r.Issues {
		r.Issues[i].Label = mask(is.Label)
		r.Issues[i].Terms = slices.Clone(is.Terms)
		for j, t := range is.Terms {
			r.Issues[i].Terms[j] = mask(t)
		}
		for j, q := range is.Quotes {
			is.Quotes[j] = mask(q)
		}
	}
	for _, rs := range [][]analysis.Recurring{r.Recurring, r.RecurringCodes} {
		for i := range rs {
			rs[i].Term = mask(rs[i].Term)
		}
	}
}

// writeAnalysis prints the result as tables a person reads on a terminal.
func writeAnalysis(w io.Writer, r analyzeResult) {
	fmt.Fprintf(w, "%d responses, %d analysed answers (dictionary %s)\n", r.Responses, r.Answers, r.Dictionary)
	if r.Stale > 0 {
		fmt.Fprintf(w, "note: %d answers were analysed with another dictionary; run koe reanalyze\n", r.Stale)
	}
	writeIssues(w, r)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "\nFrequent words")
	fmt.Fprintln(tw, "answers\tcount\t\tterm\t")
	for _, t := range r.Terms {
		fmt.Fprintf(tw, "%d\t%d\t\t%s\t\n", t.Docs, t.Count, t.Term)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nIssue categories (codes)")
	for _, c := range r.Codes {
		fmt.Fprintf(w, "  %4d  %s\n", c.Docs, c.Code)
		for _, q := range c.Quotes {
			fmt.Fprintf(w, "        「%s」\n", oneLine(q, 60))
		}
	}
	if len(r.Cooccurrence) > 0 {
		fmt.Fprintln(w, "\nStrongest co-occurrences (Jaccard)")
		for _, e := range r.Cooccurrence[:min(15, len(r.Cooccurrence))] {
			fmt.Fprintf(w, "  %.2f  %s — %s\n", e.Jaccard, e.A, e.B)
		}
	}
	for _, g := range r.Groups {
		var words []string
		for _, wd := range g.Words {
			words = append(words, wd.Term)
		}
		fmt.Fprintf(w, "\nCharacteristic words of %s (%d answers): %s\n", g.Group, g.Docs, strings.Join(words, "、"))
	}
	if len(r.Events) > 1 {
		fmt.Fprintf(w, "\nRecurring across %d events (%s)\n", len(r.Events), strings.Join(r.Events, " → "))
		line := func(kind string, x analysis.Recurring) {
			counts := make([]string, len(x.Counts))
			for i, c := range x.Counts {
				counts[i] = fmt.Sprint(c)
			}
			fmt.Fprintf(w, "  %-11s %-5s %s  [%s]\n", x.Status, kind, x.Term, strings.Join(counts, " → "))
		}
		for _, x := range r.RecurringCodes {
			line("code", x)
		}
		for _, x := range r.Recurring[:min(20, len(r.Recurring))] {
			line("word", x)
		}
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// maxIssueLines caps the issue groups the table lists; --json has them all.
const maxIssueLines = 15

// writeIssues prints the issue groups (主な論点) of the question: size,
// share, trend across a series, label and the first quote.
func writeIssues(w io.Writer, r analyzeResult) {
	fmt.Fprintf(w, "\n主な論点 (issue groups of %s: %d answers grouped", r.IssueQuestion, r.Grouped)
	if r.Empty > 0 {
		fmt.Fprintf(w, ", %d empty left out", r.Empty)
	}
	if d := r.Duplicates; d.Exact+d.Near > 0 {
		fmt.Fprintf(w, ", %d copies of another answer counted once", d.Exact+d.Near)
	}
	fmt.Fprintln(w, ")")
	for _, is := range r.Issues[:min(len(r.Issues), maxIssueLines)] {
		trend := ""
		if is.Trend != "" {
			trend = " [" + is.Trend + "]"
		}
		fmt.Fprintf(w, "  %4d  %5.1f%%  %s%s\n", is.Answers, is.Share*100, is.Label, trend)
		if len(is.Quotes) > 0 {
			fmt.Fprintf(w, "               「%s」\n", oneLine(is.Quotes[0], 60))
		}
	}
	if n := len(r.Issues) - maxIssueLines; n > 0 {
		fmt.Fprintf(w, "  … %d more groups (--json lists them all)\n", n)
	}
	if r.Grouped > 0 {
		fmt.Fprintf(w, "  %4d  %5.1f%%  未分類 (in no group)\n", r.Unassigned, float64(r.Unassigned)*100/float64(r.Grouped))
	}
}

// firstAnalysed is key, or else the key of the first analysed,
// non-personal question of the surveys.
func firstAnalysed(list []*survey.Survey, key string) string {
	if key != "" {
		return key
	}
	for _, s := range list {
		for _, q := range s.Questions {
			if q.Analyze && !q.Personal {
				return q.Key
			}
		}
	}
	return ""
}
