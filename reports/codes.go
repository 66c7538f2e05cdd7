package reports

import (
	"github.com/koe-project/koe/internal/contact"
)

// QuotePart is a run of a quoted sentence, marked where the words that
// matched a rule are.
type QuotePart struct {
	Text string
	Mark bool
}

// MarkedSentence cuts a sentence at the byte spans of the words that
// matched (analysis.CodeMatch.Marks), contacts masked: a sentence that
// masking changes is shown whole and unmarked, as the spans no longer fit.
// Spans out of range or out of order are ignored rather than trusted.
func MarkedSentence(text string, marks [][2]int) []QuotePart {
	if masked := contact.Mask(text); masked != text {
		return []QuotePart{{Text: masked}}
	}
	var out []QuotePart
	last := 0
	for _, m := range marks {
		if m[0] < last || m[1] <= m[0] || m[1] > len(text) {
			continue
		}
		if m[0] > last {
			out = append(out, QuotePart{Text: text[last:m[0]]})
		}
		out = append(out, QuotePart{Text: text[m[0]:m[1]], Mark: true})
		last = m[1]
	}
	if last < len(text) {
		out = append(out, QuotePart{Text: text[last:]})
	}
	return out
}
