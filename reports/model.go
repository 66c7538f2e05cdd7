package reports

import (
	"time"

	"github.com/koe-project/koe/analysis"
)

// Report is the view model of one survey report. The caller fills it from
// stored, already aggregated results; the package does no analysis.
type Report struct {
	Title       string // survey title
	Slug        string
	Description string
	Event       Event
	Responses   int
	GeneratedAt time.Time
	Questions   []Question
	Lang        string // BCP 47 tag for <html lang>; "" means "ja"
	// Previous is the series' event before this one, when the caller
	// added it (AddPrevious): the summary says what changed since.
	Previous *Previous
}

// Event is the meeting a survey was answered at.
type Event struct {
	Title       string
	SeriesTitle string
	Date        string // as it should be shown, e.g. "2025年3月1日"
	Attendees   int    // 0 = unknown; response rate = Responses/Attendees
}

// Question is one question with the summary that fits its type. Exactly one
// of Choices, Scale, NPS, Matrix, Number and Text is normally set; Type is
// the survey definition type (single, multi, scale, nps, matrix, text,
// textarea, number, ...) and only used as a hint.
type Question struct {
	Key      string
	Label    string
	Type     string
	Answered int // respondents who answered this question

	Choices *Choices
	Scale   *Scale
	NPS     *NPS
	Matrix  *Matrix
	Number  *NumberSummary
	Text    *Text

	CrossTabs []CrossTab

	// Drill is the URL of the page listing the answers behind a word, an
	// issue category or a cross-tab cell of this question (dashboards); its
	// query gets term=, code= and group= added. "" (reports): no links.
	Drill string
	// IssueEdit is where staff rename, hide and show this question's issue
	// groups (POST IssueEdit+ID; dashboards); "" (reports): no forms.
	IssueEdit string
}

// Choices summarises a single or multiple choice question.
type Choices struct {
	Multi   bool
	Options []Count
	Other   []Count // free answers given with その他, each distinct text once
}

// Count is a label with its count.
type Count struct {
	Label string
	Count int
}

// Scale summarises a rating scale question.
type Scale struct {
	Min, Max           int
	MinLabel, MaxLabel string
	Counts             []int   // index = value-Min
	Mean               float64 // NaN or 0 when nobody answered
	Top2Box            float64 // share of the top two values, 0..1
}

// NPS summarises a 0–10 recommendation question.
type NPS struct {
	Counts                          [11]int
	Promoters, Passives, Detractors int
	Score                           float64 // -100..100
}

// Matrix summarises a matrix question (one choice per row).
type Matrix struct {
	Rows, Columns []string
	Counts        [][]int // [row][column]
}

// NumberSummary summarises a number question.
type NumberSummary struct {
	N                      int
	Mean, Median, Min, Max float64
}

// Text holds the analysis of a free text question.
type Text struct {
	Issues *analysis.Issues // issue groups (主な論点), the headline, staff names in place; nil: not computed
	// IssuesBy labels the attribute question the groups are broken down by
	// (their Values: counts and adjusted residuals per value); "" when none.
	IssuesBy string
	// IssuesGrouped are the groups as computed, before staff names and
	// merges (what a dashboard keeps); HiddenIssues are the groups staff
	// hid, by ID; MergedIssues the groups staff merged into another, by the
	// ID of the group shown.
	IssuesGrouped *analysis.Issues
	HiddenIssues  map[string]bool
	MergedIssues  map[string][]MergedIssue
	// Left out of the issue groups: answers that say nothing (特になし) and
	// the repeats of copied answers (each copy group counted once), unless
	// AllCopies: then every copy is counted (the raw counts, on request).
	Empty      int
	Duplicates analysis.DuplicateCounts
	AllCopies  bool
	Terms      []TermCount  // frequent words, most frequent first
	Network    Network      // co-occurrence network
	Codes      []Code       // issue categories
	Groups     []GroupWords // characteristic words per attribute group
	Answers    []string     // every answer (contacts are masked on output), or the first ones
	Total      int          // answers in all; more than len(Answers) when the list is cut
}

// TermCount is a word with how often it occurs and in how many answers.
type TermCount struct {
	Term        string
	Count, Docs int
}

// Network is a co-occurrence network of words.
type Network struct {
	Nodes []Node
	Edges []Edge
}

// Node is a word in the network; Community groups words that go together.
type Node struct {
	Term            string
	Docs, Community int
}

// Edge links two words of the network by the Jaccard index of their answers.
type Edge struct {
	A, B    string
	Jaccard float64
}

// Code is an issue category with the number of answers coded with it and a
// few representative quotes (contacts are masked on output).
type Code struct {
	Code   string
	Docs   int
	Quotes []string
}

// GroupWords lists the characteristic words of one attribute group.
type GroupWords struct {
	Group string
	Words []TermCount
}

// CrossTab breaks a question's answers down by an attribute question.
type CrossTab struct {
	Attribute string   // label of the attribute question
	Groups    []string // attribute values (rows)
	Columns   []string // answer options of the question
	Counts    [][]int  // [group][column]
	Codes     bool     // columns are issue categories of a free text question
	// Bases are the respondents of each group who answered the question:
	// what its percentages divide by (a multiple-answer question has more
	// ticks than respondents). Nil: the row's total of counts.
	Bases []int
	// Test is the χ² test analysis made of the table, nil when none was
	// made (only issue categories are tested: analysis.CrossTab).
	Test *CrossTest
}

// CrossTest is a cross table's χ² test and each cell's adjusted residual.
type CrossTest struct {
	ChiSquare float64
	DF        int
	P         float64
	// Residuals[g][c] is the adjusted residual of cell (g, c): above
	// +1.96 (below -1.96) group g names column c more (less) often than
	// the other groups, a difference chance explains less than 1 time in 20.
	Residuals [][]float64
}

// Series is the view model of a series report: the events of a series
// compared.
type Series struct {
	Key, Title  string
	GeneratedAt time.Time
	Events      []SeriesEvent // in chronological order
	Issues      []Issue
	// IssueGroups are the issue groups of the analysed question the events
	// share (IssueQuestion, labelled IssueQuestionLabel), grouped over all
	// events at once so an issue keeps one identity (繰り返し出てくる論点).
	IssueGroups        *analysis.Issues
	IssueGroupsGrouped *analysis.Issues // IssueGroups before staff names
	IssueHidden        map[string]bool  // groups staff hid, by ID
	IssueMerged        map[string][]MergedIssue
	IssueQuestion      string
	IssueQuestionLabel string
	// IssueEdit is where staff rename, hide, show and merge the series'
	// groups (POST IssueEdit+ID; dashboards); "" (reports): no forms.
	IssueEdit string
	Lang      string // "" means "ja"
	Hidden    int    // events left out: surveys the reader may not view
}

// SeriesEvent is one event of a series.
type SeriesEvent struct {
	Slug string
	// Label names the event on chart axes and issue columns: unique in the
	// series and the same as koe analyze's (survey.EventLabels).
	Label                string
	Title, Date          string
	Responses, Attendees int // Attendees 0 = unknown

	Satisfaction    float64 // mean satisfaction; only used if HasSatisfaction
	HasSatisfaction bool
	// SatisfactionMin and SatisfactionMax are the bounds of the scale the
	// satisfaction was asked on, where the trend's axis starts and ends;
	// 0, 0: not known, a scale's default 1–5 is assumed.
	SatisfactionMin, SatisfactionMax int
	NPS                              float64 // only used if HasNPS
	HasNPS                           bool
}

// Issue is a recurring issue (word or code) with its count per event.
type Issue struct {
	Term   string
	Code   bool   // Term is an issue category (else a word)
	Counts []int  // per event, in the order of Series.Events
	Status string // new | persisting | fading
}

// Issue statuses.
const (
	IssueNew        = "new"
	IssuePersisting = "persisting"
	IssueFading     = "fading"
)
