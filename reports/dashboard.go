package reports

import (
	"bytes"
	"html/template"
	"strings"
	"time"

	"github.com/koe-project/koe/analysis"
)

// The pieces of the staff dashboards that are rendered here, from plain
// values, for the web pages to place: question blocks, the series body and
// the drill-down lists, each masked as reports are (see mask.go).

// SurveyBlocks renders the question blocks of a survey's dashboard. drill
// gives the drill-down link of a question ("" for none); drillable says
// whether any block got one.
func SurveyBlocks(rep Report, drill func(q Question) string) (blocks template.HTML, drillable bool, err error) {
	var buf bytes.Buffer
	if sv := buildSummary(rep); sv != nil {
		if err := execute(&buf, "summary", sv); err != nil {
			return "", false, err
		}
	}
	for i, q := range rep.Questions {
		if link := drill(q); link != "" {
			q.Drill, drillable = link, true
		}
		if err := WriteQuestion(&buf, q, i+1); err != nil {
			return "", false, err
		}
	}
	// The blocks come from this package's html/template files: every text
	// in them is escaped.
	return template.HTML(buf.String()), drillable, nil
}

// IssueLink is a recurring issue of a series and the drill-down list of its answers.
type IssueLink struct {
	Term, Href string
}

// SeriesBody renders the body of a series dashboard, and links each of its
// recurring issues to answersURL with the issue as term or code. The issues
// are named as shown: masked with everything else.
func SeriesBody(se Series, answersURL string) (template.HTML, []IssueLink, error) {
	sv, err := buildSeries(se)
	if err != nil {
		return "", nil, err
	}
	if g := sv.Series.Groups; g != nil {
		g.Drill = drillURL(answersURL, "question", se.IssueQuestion)
	}
	var body bytes.Buffer
	if err := execute(&body, "series-body", sv.Series); err != nil {
		return "", nil, err
	}
	var links []IssueLink
	for _, is := range sv.Series.Issues {
		param := "term"
		if is.Code {
			param = "code"
		}
		links = append(links, IssueLink{Term: is.Term, Href: drillURL(answersURL, param, is.Term)})
	}
	return template.HTML(body.String()), links, nil // rendered by html/template
}

// MaxDrillAnswers bounds a drill-down list.
const MaxDrillAnswers = 500

// DrillList is the answers behind a word, a category or a cross-tab cell.
type DrillList struct {
	What    string // what was asked for, in words
	N       int    // answers found; at most MaxDrillAnswers are listed
	Lines   []DrillLine
	Answers []DrillAnswer
	ByEvent bool
}

// DrillLine is the term in the context of one answer.
type DrillLine struct {
	Left, Match, Right, Event string
}

// DrillAnswer is one answer of a drill-down list.
type DrillAnswer struct {
	Text, Note string
}

// NewDrillList lists the answers a filter selected, with the term in
// context, contacts masked.
func NewDrillList(n int, docs []analysis.Doc, lines []analysis.KWICLine, f analysis.Filter, byEvent bool) DrillList {
	v := DrillList{N: n, ByEvent: byEvent}
	var what []string
	if f.Term != "" {
		what = append(what, "「"+f.Term+"」")
	}
	if f.Code != "" {
		what = append(what, "課題カテゴリ「"+f.Code+"」")
	}
	if f.Group != "" {
		what = append(what, "「"+f.Group+"」")
	}
	if f.Event != "" {
		what = append(what, f.Event)
	}
	v.What = strings.Join(what, "・")
	if v.What == "" {
		v.What = "すべて"
	}
	event := make(map[int64]string, len(docs))
	for _, d := range docs {
		event[d.ID] = d.Event
	}
	for _, l := range lines[:min(len(lines), MaxDrillAnswers)] {
		v.Lines = append(v.Lines, DrillLine{Left: l.Left, Match: l.Match, Right: l.Right, Event: event[l.DocID]})
	}
	for _, d := range docs[:min(len(docs), MaxDrillAnswers)] {
		a := DrillAnswer{Text: d.Text}
		var notes []string
		if byEvent && d.Event != "" {
			notes = append(notes, d.Event)
		}
		if d.Group != "" && f.Group == "" {
			notes = append(notes, d.Group)
		}
		a.Note = strings.Join(notes, "・")
		v.Answers = append(v.Answers, a)
	}
	return v.masked()
}

// FormatDate shows an event date (YYYY-MM-DD) as reports do.
func FormatDate(s string) string { return formatDate(s) }

// FormatGenerated shows when a page was made, in Japan time.
func FormatGenerated(t time.Time) string { return formatGenerated(t) }

// RateText is the response rate in words: responses ÷ attendees.
func RateText(responses, attendees int) string { return rateText(responses, attendees) }
