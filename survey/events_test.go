package survey

import (
	"slices"
	"testing"
	"time"
)

func TestEventLabelsAreUniquePerSurvey(t *testing.T) {
	ev := func(slug, date, title string) *Survey { return &Survey{Slug: slug, EventDate: date, EventTitle: title} }
	for _, c := range []struct {
		name    string
		surveys []*Survey
		want    []string
	}{
		{"date and title", []*Survey{ev("a", "2025-04-10", "定例会"), ev("b", "2025-05-08", "定例会")},
			[]string{"2025-04-10 定例会", "2025-05-08 定例会"}},
		{"same title, no date", []*Survey{ev("a", "", "定例会"), ev("b", "", "定例会"), ev("c", "", "定例会")},
			[]string{"定例会", "定例会 (b)", "定例会 (c)"}},
		{"same date and title", []*Survey{ev("am", "2025-04-10", "定例会"), ev("pm", "2025-04-10", "定例会")},
			[]string{"2025-04-10 定例会", "2025-04-10 定例会 (pm)"}},
		{"neither: the slug", []*Survey{ev("first", "", ""), ev("second", "2025-04-10", "")},
			[]string{"first", "2025-04-10"}},
		{"a title that looks like a made-unique label", []*Survey{ev("a", "", "会"), ev("x", "", "会 (b)"), ev("b", "", "会")},
			[]string{"会", "会 (b)", "会 (b 2)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := EventLabels(c.surveys); !slices.Equal(got, c.want) {
				t.Errorf("EventLabels = %q, want %q", got, c.want)
			}
		})
	}
}

// A survey closed before it ever opened, with no answers, is being prepared;
// once it has opened or has answers, closing it ends it.
func TestStateTellsDraftsFromClosedSurveys(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	earlier := now.Add(-time.Hour)
	for _, c := range []struct {
		name      string
		s         Survey
		responses int
		want      State
	}{
		{"draft", Survey{ClosesAt: &earlier}, 0, Preparing},
		{"closed without opening but answered (imported)", Survey{ClosesAt: &earlier}, 3, Closed},
		{"published then closed", Survey{OpensAt: &earlier, ClosesAt: &earlier}, 0, Closed},
		{"open", Survey{}, 0, Open},
	} {
		if got := c.s.StateAt(now, c.responses); got != c.want {
			t.Errorf("%s: state %d, want %d", c.name, got, c.want)
		}
	}
}
