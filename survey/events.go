package survey

import (
	"fmt"
	"strings"
)

// EventLabels names the event of each survey of a series, in the order
// given: its event date and title, or its slug when it has neither. The
// label identifies the survey's event wherever a series is shown (koe
// analyze, the series dashboard and report) and is what the analysis groups
// answers by, so it is made unique: a label already used gets the survey's
// slug added, and two meetings both titled 定例会 stay two events.
func EventLabels(surveys []*Survey) []string {
	out := make([]string, len(surveys))
	seen := make(map[string]bool, len(surveys))
	for i, s := range surveys {
		base := strings.TrimSpace(s.EventDate + " " + s.EventTitle)
		if base == "" {
			base = s.Slug
		}
		label := base
		if seen[label] {
			label = base + " (" + s.Slug + ")"
		}
		// Only when another survey's own label is "title (slug)" already.
		for n := 2; seen[label]; n++ {
			label = fmt.Sprintf("%s (%s %d)", base, s.Slug, n)
		}
		seen[label] = true
		out[i] = label
	}
	return out
}
