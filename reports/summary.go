package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// The summary that opens a report and a dashboard: what happened, on one
// screen. Responses and the response rate, each scale's mean and top-2 share,
// each NPS, the main issues across the analysed questions (largest first,
// each with its size and one quote), and the list of questions to jump to.
// Everything in it comes from the same model as the sections below it.

// maxSummaryIssues is how many issues the summary lists across questions.
const maxSummaryIssues = 6

type summaryView struct {
	Responses int
	Rate      string
	// Previous names the series' event before this one; ResponsesChange
	// compares the responses.
	Previous, ResponsesChange string
	Figures                   []summaryFigure
	Issues                    []summaryIssue
	Contents                  []summaryEntry
}

type summaryFigure struct {
	Value, What, Href string
	Change            string // since the previous event of the series: "前回 3.8（+0.3）"
}

type summaryIssue struct {
	Label, Question, Href string
	Answers               int
	Pct                   string
	Quote                 quoteView
	Trend, TrendLabel     string // across a series: new, persisting, fading, once
}

type summaryEntry struct {
	Num         int
	ID, Label   string
	Answered    int
	HasAnalysis bool
}

// buildSummary summarises a report; nil when it has no question.
func buildSummary(r Report) *summaryView {
	if len(r.Questions) == 0 {
		return nil
	}
	v := &summaryView{Responses: r.Responses, Rate: rateText(r.Responses, r.Event.Attendees)}
	if p := r.Previous; p != nil {
		v.Previous = p.Label
		v.ResponsesChange = fmt.Sprintf("前回 %d件（%+d）", p.Responses, r.Responses-p.Responses)
	}
	for i, q := range r.Questions {
		id := fmt.Sprintf("q%d", i+1)
		v.Contents = append(v.Contents, summaryEntry{Num: i + 1, ID: id, Label: q.Label, Answered: q.Answered,
			HasAnalysis: q.Text != nil && q.Text.Issues != nil && len(q.Text.Issues.Groups) > 0})
		switch {
		case q.Scale != nil && q.Answered > 0:
			mean := summaryFigure{Value: formatNum(q.Scale.Mean), What: fmt.Sprintf("%s の平均（%d〜%d）", q.Label, q.Scale.Min, q.Scale.Max), Href: "#" + id}
			top := summaryFigure{Value: formatPct(round1(q.Scale.Top2Box * 100)), What: q.Label + " 上位2段階の割合", Href: "#" + id}
			if r.Previous != nil && r.Previous.Scale[q.Key] != nil {
				was := r.Previous.Scale[q.Key]
				mean.Change = "前回 " + formatNum(was.Mean) + "（" + formatSigned(round1(q.Scale.Mean-was.Mean)) + "）"
				top.Change = "前回 " + formatPct(round1(was.Top2Box*100)) + "（" + formatSigned(round1((q.Scale.Top2Box-was.Top2Box)*100)) + "ポイント）"
			}
			v.Figures = append(v.Figures, mean, top)
		case q.NPS != nil && q.Answered > 0:
			f := summaryFigure{Value: formatSigned(q.NPS.Score), What: q.Label + " の NPS", Href: "#" + id}
			if r.Previous != nil && r.Previous.NPS[q.Key] != nil {
				was := r.Previous.NPS[q.Key].Score
				f.Change = "前回 " + formatSigned(was) + "（" + formatSigned(round1(q.NPS.Score-was)) + "）"
			}
			v.Figures = append(v.Figures, f)
		}
		if q.Text == nil || q.Text.Issues == nil {
			continue
		}
		is := maskedIssues(q.Text.Issues)
		for _, g := range is.Groups {
			if q.Text.HiddenIssues[g.ID] {
				continue // staff hid it
			}
			si := summaryIssue{Label: g.Label, Question: q.Label, Href: "#" + id, Answers: g.Size, Pct: formatPct(round1(g.Share * 100))}
			if len(g.Quotes) > 0 {
				si.Quote = quoteParts(g.Quotes[0])
			}
			v.Issues = append(v.Issues, si)
		}
	}
	// Largest first across questions; a stable sort keeps each question's own
	// order among equals.
	slices.SortStableFunc(v.Issues, func(a, b summaryIssue) int { return cmp.Compare(b.Answers, a.Answers) })
	v.Issues = v.Issues[:min(len(v.Issues), maxSummaryIssues)]
	return v
}

// formatSigned formats an NPS: a sign and one decimal.
func formatSigned(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%+.1f", v)
}

// seriesSummaryView opens a series report and dashboard: across the events,
// how many answered, how the latest event compares with the one before and
// with the first, and the issues that keep coming back.
type seriesSummaryView struct {
	Events    int
	Span      string
	Responses int
	Latest    string // the latest event, by its label
	Figures   []summaryFigure
	Issues    []summaryIssue
	Contents  []summaryEntry
}

// buildSeriesSummary summarises a series from its events and its recurring
// issue groups (groups: their cards as the page shows them); nil without events.
func buildSeriesSummary(s Series, groups *issuesView, hasIssues bool) *seriesSummaryView {
	n := len(s.Events)
	if n == 0 {
		return nil
	}
	latest := s.Events[n-1]
	v := &seriesSummaryView{Events: n, Latest: latest.Label}
	for _, e := range s.Events {
		v.Responses += e.Responses
	}
	if first, last := s.Events[0].Date, latest.Date; first != "" && last != "" && first != last {
		v.Span = first + "〜" + last
	}
	var prev, first *SeriesEvent
	if n > 1 {
		prev, first = &s.Events[n-2], &s.Events[0]
	}
	responses := summaryFigure{Value: fmt.Sprintf("%d件", latest.Responses), What: "回答数", Href: "#trends-title"}
	if latest.Attendees > 0 {
		responses.What += "（回答率 " + rateText(latest.Responses, latest.Attendees) + "）"
	}
	if prev != nil {
		responses.Change = fmt.Sprintf("前回 %d件（%+d）・初回 %d件", prev.Responses, latest.Responses-prev.Responses, first.Responses)
	}
	v.Figures = append(v.Figures, responses)
	if latest.HasSatisfaction {
		f := summaryFigure{Value: formatNum(latest.Satisfaction), What: "満足度の平均", Href: "#trends-title"}
		if prev != nil && prev.HasSatisfaction {
			f.Change = "前回 " + formatNum(prev.Satisfaction) + "（" + formatSigned(round1(latest.Satisfaction-prev.Satisfaction)) + "）"
			if first.HasSatisfaction && first != prev {
				f.Change += "・初回 " + formatNum(first.Satisfaction)
			}
		}
		v.Figures = append(v.Figures, f)
	}
	if latest.HasNPS {
		f := summaryFigure{Value: formatSigned(latest.NPS), What: "NPS", Href: "#trends-title"}
		if prev != nil && prev.HasNPS {
			f.Change = "前回 " + formatSigned(prev.NPS) + "（" + formatSigned(round1(latest.NPS-prev.NPS)) + "）"
		}
		v.Figures = append(v.Figures, f)
	}
	if groups != nil {
		for _, c := range groups.Cards {
			si := summaryIssue{Label: c.Label, Href: "#issue-" + c.ID, Answers: c.Answers, Pct: c.Pct, Trend: c.Trend, TrendLabel: c.TrendLabel}
			if len(c.Quotes) > 0 {
				si.Quote = c.Quotes[0]
			}
			v.Issues = append(v.Issues, si)
			if len(v.Issues) == maxSummaryIssues {
				break
			}
		}
		v.Contents = append(v.Contents, summaryEntry{ID: "series-groups", Label: groups.Title})
	}
	v.Contents = append(v.Contents, summaryEntry{ID: "trends-title", Label: "回ごとの推移"})
	if hasIssues {
		v.Contents = append(v.Contents, summaryEntry{ID: "issues-title", Label: "繰り返し出てくる課題"})
	}
	return v
}
