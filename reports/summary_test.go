package reports

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
)

// A report opens with its summary: responses, each scale's mean and top-2
// share, the NPS, the main issues across questions (largest first, each with
// a quote) and a list of questions to jump to.
func TestReportOpensWithItsSummary(t *testing.T) {
	is := issueGroupsOf(t, 1500)
	sat := Question{Key: "satisfaction", Label: "満足度", Type: "scale", Answered: 1500,
		Scale: &Scale{Min: 1, Max: 5, Counts: []int{100, 200, 300, 400, 500}, Mean: 3.67, Top2Box: 0.6}}
	nps := Question{Key: "recommend", Label: "おすすめ度", Type: "nps", Answered: 1500, NPS: &NPS{Score: -12.5}}
	text := Question{Key: "inconvenience", Label: "不便さの内容", Type: "textarea", Answered: 1500, Text: &Text{Issues: is}}
	var b bytes.Buffer
	if err := WriteReport(&b, Report{Title: "観光アンケート", Responses: 1500, Questions: []Question{sat, nps, text}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	summary, first := strings.Index(page, `id="summary-title"`), strings.Index(page, `id="q1"`)
	if summary < 0 || first < 0 || summary > first {
		t.Fatalf("まとめ at %d, Q1 at %d: the summary must come first", summary, first)
	}
	head := page[summary:first]
	for _, want := range []string{"1500件", "3.7", "60.0%", "-12.5", `href="#q3"`, "主な論点", is.Groups[0].Label} {
		if !strings.Contains(head, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	// Largest first: the first listed issue is the largest group.
	if i, j := strings.Index(head, is.Groups[0].Label), strings.Index(head, is.Groups[1].Label); i < 0 || j < 0 || i > j {
		t.Errorf("issues not largest first: %s at %d, %s at %d", is.Groups[0].Label, i, is.Groups[1].Label, j)
	}
	if n := strings.Count(head, "<li><a href=\"#q3\"><strong>"); n != min(len(is.Groups), maxSummaryIssues) {
		t.Errorf("%d issues in the summary, want %d", n, min(len(is.Groups), maxSummaryIssues))
	}
	if !strings.Contains(head, "<mark>") {
		t.Error("the summary's quotes mark no words")
	}
}

// A series report opens with its summary across events: the total, the
// latest event's responses, satisfaction and NPS each against the event
// before, and the recurring issue groups largest first with their trend and
// a quote, each linking to its card; then a list of the page's sections.
func TestSeriesOpensWithItsSummary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st, texts := demoStores(t, db)
		se, err := BuildSeries(context.Background(), st, texts, "network-meetings")
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteSeries(&b, se); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		summary, groups := strings.Index(page, `id="summary-title"`), strings.Index(page, `id="series-groups"`)
		if summary < 0 || groups < 0 || summary > groups {
			t.Fatalf("まとめ at %d, the issue groups at %d: the summary must come first", summary, groups)
		}
		head := html.UnescapeString(page[summary:groups])
		total := 0
		for _, e := range se.Events {
			total += e.Responses
		}
		last, prev := se.Events[len(se.Events)-1], se.Events[len(se.Events)-2]
		for _, want := range []string{
			fmt.Sprintf("合計%d件", total),
			fmt.Sprintf("%d件", last.Responses),
			fmt.Sprintf("前回 %d件（%+d）", prev.Responses, last.Responses-prev.Responses),
			formatNum(last.Satisfaction), "前回 " + formatNum(prev.Satisfaction),
			formatSigned(last.NPS), `href="#trends-title"`, `href="#series-groups"`,
		} {
			if !strings.Contains(head, want) {
				t.Errorf("the series summary lacks %q", want)
			}
		}
		if se.IssueGroups == nil || len(se.IssueGroups.Groups) == 0 {
			t.Fatal("the demo series has no issue groups")
		}
		top := se.IssueGroups.Groups[0]
		if !strings.Contains(head, `href="#issue-`+top.ID+`"`) || !strings.Contains(head, top.Label) {
			t.Errorf("the largest recurring issue %q (%s) is not in the summary", top.Label, top.ID)
		}
		if !strings.Contains(head, `class="trend trend-`) {
			t.Error("the summary's issues do not say whether they are new, persisting or fading")
		}
	})
}
