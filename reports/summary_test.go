package reports

import (
	"bytes"
	"strings"
	"testing"
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
