package reports

import (
	"slices"

	"github.com/koe-project/koe/internal/contact"
)

// Contacts (e-mail addresses and phone numbers) respondents type are masked
// where a page is assembled from its model, once per question, series and
// drill-down list: buildQuestion (reports and dashboard blocks, with their
// charts and tables), buildSeries (series reports and dashboards, with the
// issue links) and NewDrillList. Everything that can hold what a respondent
// typed is masked there, whatever its role (group, option, term, quote), so
// no table, chart option or link shows a contact. Question and option labels
// of the definition, titles and event names are staff's own words and kept.

// maskedQuestion returns q with its respondents' texts masked; q is not changed.
func maskedQuestion(q Question) Question {
	if c := q.Choices; c != nil {
		m := *c
		m.Options = slices.Clone(c.Options)
		for i := range m.Options {
			m.Options[i].Label = contact.Mask(m.Options[i].Label) // a value no longer an option
		}
		m.Other = slices.Clone(c.Other)
		for i := range m.Other {
			m.Other[i].Label = contact.Mask(m.Other[i].Label)
		}
		q.Choices = &m
	}
	if t := q.Text; t != nil {
		m := *t
		m.Terms = maskTerms(t.Terms)
		m.Network.Nodes = slices.Clone(t.Network.Nodes)
		for i := range m.Network.Nodes {
			m.Network.Nodes[i].Term = contact.Mask(m.Network.Nodes[i].Term)
		}
		m.Network.Edges = slices.Clone(t.Network.Edges)
		for i, e := range m.Network.Edges {
			m.Network.Edges[i].A, m.Network.Edges[i].B = contact.Mask(e.A), contact.Mask(e.B)
		}
		m.Codes = slices.Clone(t.Codes)
		for i := range m.Codes {
			m.Codes[i].Quotes = maskAll(m.Codes[i].Quotes)
		}
		m.Groups = slices.Clone(t.Groups)
		for i, g := range m.Groups {
			m.Groups[i] = GroupWords{Group: contact.Mask(g.Group), Words: maskTerms(g.Words)}
		}
		m.Answers = maskAll(t.Answers)
		m.Issues = maskedIssues(t.Issues)
		q.Text = &m
	}
	q.CrossTabs = slices.Clone(q.CrossTabs)
	for i, ct := range q.CrossTabs {
		q.CrossTabs[i].Groups = maskAll(ct.Groups)
		q.CrossTabs[i].Columns = maskAll(ct.Columns)
	}
	return q
}

// maskedSeries returns s with its recurring issues masked; s is not changed.
func maskedSeries(s Series) Series {
	s.IssueGroups = maskedIssues(s.IssueGroups)
	s.Issues = slices.Clone(s.Issues)
	for i := range s.Issues {
		s.Issues[i].Term = contact.Mask(s.Issues[i].Term)
	}
	return s
}

// masked returns the drill-down list with the answers, their context lines,
// their group notes and what was asked for masked.
func (v DrillList) masked() DrillList {
	v.What = contact.Mask(v.What)
	v.Lines = slices.Clone(v.Lines)
	for i, l := range v.Lines {
		v.Lines[i] = DrillLine{Left: contact.Mask(l.Left), Match: contact.Mask(l.Match), Right: contact.Mask(l.Right), Event: l.Event}
	}
	v.Answers = slices.Clone(v.Answers)
	for i, a := range v.Answers {
		v.Answers[i] = DrillAnswer{Text: contact.Mask(a.Text), Note: contact.Mask(a.Note)}
	}
	return v
}

func maskAll(xs []string) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = contact.Mask(x)
	}
	return out
}

func maskTerms(ts []TermCount) []TermCount {
	if ts == nil {
		return nil
	}
	out := slices.Clone(ts)
	for i := range out {
		out[i].Term = contact.Mask(out[i].Term)
	}
	return out
}
