package reports

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/testcorpus"
)

// issueGroupsOf groups real answers (the first n complaints of the Fukui
// questionnaire's 不便さの内容) as the dashboard and report do.
func issueGroupsOf(t *testing.T, n int) *analysis.Issues {
	t.Helper()
	a, err := analysis.New(analysis.DefaultDictionary())
	if err != nil {
		t.Fatal(err)
	}
	texts := testcorpus.CSVColumn(t, "fukui-kanko/fukui-kanko-2022-2024.csv", "不便さの内容")
	var docs []analysis.Doc
	for i, text := range texts {
		if len(docs) == n {
			break
		}
		docs = append(docs, analysis.Doc{ID: int64(i + 1), Text: text, Terms: a.Terms(text)})
	}
	is, err := analysis.GroupIssues(docs, analysis.IssueOptions{MapPoints: 300})
	if err != nil {
		t.Fatal(err)
	}
	if len(is.Groups) < 3 {
		t.Fatalf("only %d groups in %d answers", len(is.Groups), len(docs))
	}
	return is
}

func TestIssueCardsHeadTheTextQuestion(t *testing.T) {
	is := issueGroupsOf(t, 1500)
	q := Question{Key: "inconvenience", Label: "不便さの内容", Type: "textarea", Answered: 1500,
		Text: &Text{Issues: is, Terms: []TermCount{{Term: "駐車場", Count: 99, Docs: 80}}, Answers: []string{"駐車場が少ない"}}}
	var b bytes.Buffer
	if err := WriteReport(&b, Report{Title: "福井 観光アンケート", Responses: 1500, Questions: []Question{q}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()

	// The issues come first: above the word-level analysis of the question.
	head, words := strings.Index(page, "<h3>主な論点</h3>"), strings.Index(page, "よく使われた言葉")
	if head < 0 || words < 0 || head > words {
		t.Fatalf("主な論点 at %d, よく使われた言葉 at %d: the issues must come first", head, words)
	}
	if got, want := strings.Count(page, `<li class="issue-card"`), min(len(is.Groups), maxIssueCards); got != want {
		t.Fatalf("%d cards, want %d", got, want)
	}
	// Each card: its label, its size as counted, and quotes whose marked
	// words are among the terms that define the group.
	for i, g := range is.Groups[:min(len(is.Groups), maxIssueCards)] {
		start := strings.Index(page, `id="issue-`+g.ID+`"`)
		if start < 0 {
			t.Fatalf("no card for group %s (%s)", g.ID, g.Label)
		}
		end := strings.Index(page[start:], "</li>\n</ul>")
		if end < 0 {
			end = len(page) - start
		}
		card := page[start : start+end]
		if !strings.Contains(card, "<h4>"+g.Label+"</h4>") || !strings.Contains(card, "<strong>"+itoa(g.Size)+"件</strong>") {
			t.Errorf("card %d (%s, %d answers) lacks its label or size:\n%s", i, g.Label, g.Size, card)
		}
		marks := regexp.MustCompile(`<mark>([^<]+)</mark>`).FindAllStringSubmatch(card, -1)
		if len(g.Quotes) > 0 && len(marks) == 0 {
			t.Errorf("card %s: quotes without marked words", g.Label)
		}
	}
	if i := strings.Index(page, "未分類）: "+itoa(len(is.Unassigned))+"件"); i < 0 {
		t.Errorf("the unassigned count (%d) is not shown", len(is.Unassigned))
	}
	if !strings.Contains(page, `id="q1-issue-map"`) && !strings.Contains(page, "-issue-map\"") {
		t.Error("no answer map")
	}
}

func TestIssueQuotesAreMasked(t *testing.T) {
	is := &analysis.Issues{Analysed: 2, Groups: []analysis.IssueGroup{{
		ID: "g1", Label: "連絡先", Terms: []string{"連絡"}, Size: 2, Share: 1,
		Quotes: []analysis.IssueQuote{
			{Answer: 1, Text: "連絡は090-1234-5678まで", Highlights: []analysis.TextSpan{{Start: 0, End: len("連絡"), Term: "連絡"}}},
			{Answer: 2, Text: "連絡を早くほしい", Highlights: []analysis.TextSpan{{Start: 0, End: len("連絡"), Term: "連絡"}}},
		},
	}}}
	q := Question{Label: "ご意見", Type: "textarea", Text: &Text{Issues: is}}
	var b bytes.Buffer
	if err := WriteQuestion(&b, q, 1); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "1234") || strings.Contains(page, "5678") {
		t.Fatalf("a phone number in an issue quote is shown:\n%s", page)
	}
	if !strings.Contains(page, "<mark>連絡</mark>を早くほしい") {
		t.Errorf("an unmasked quote lost its highlight:\n%s", page)
	}
	if is.Groups[0].Quotes[0].Text != "連絡は090-1234-5678まで" {
		t.Error("masking changed the caller's result")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A card says which values of the attribute raise its issue notably more or
// less often (adjusted residual beyond ±1.96), and no more than that.
func TestIssueCardsNameTheValuesThatRaiseThemMore(t *testing.T) {
	is := &analysis.Issues{Analysed: 40, Groups: []analysis.IssueGroup{{
		ID: "g1", Label: "担い手不足", Terms: []string{"担い手不足"}, Size: 12, Share: 0.3,
		Values: []analysis.IssueValueCount{
			{Value: "社会福祉協議会", Answers: 9, Share: 0.6, Residual: 3.1},
			{Value: "市町村", Answers: 3, Share: 0.12, Residual: -2.4},
			{Value: "県", Answers: 0, Share: 0, Residual: -1.2},
		},
	}}}
	q := Question{Label: "ご意見", Type: "textarea", Text: &Text{Issues: is, IssuesBy: "ご所属"}}
	var b bytes.Buffer
	if err := WriteQuestion(&b, q, 1); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, "所属別: <span class=\"more\">▲ 社会福祉協議会 で多い</span>") || !strings.Contains(page, "▼ 市町村 で少ない") {
		t.Fatalf("the card does not name the values that differ:\n%s", page)
	}
	if strings.Contains(page, "▼ 県") || strings.Contains(page, "県 で少ない") {
		t.Error("a value within ±1.96 is named")
	}
}
