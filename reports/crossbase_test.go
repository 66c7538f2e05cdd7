package reports

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey"
)

// The percentages of a cross-table divide by the group's respondents who
// answered the question, not by its ticks: on a multiple-answer question a
// group of 4 respondents making 7 ticks is 4. The bases are checked against
// counts made from the stored responses, and the page says what it divides by.
func TestCrossTabBasesAreRespondents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st, texts := demoStores(t, db)
		s, r, page := buildAndWrite(t, st, texts, "network-2020-3")
		responses, err := st.ResponsesOf(context.Background(), s, false)
		if err != nil {
			t.Fatal(err)
		}
		checked, codes := 0, 0
		for _, q := range r.Questions {
			for _, ct := range q.CrossTabs {
				if !ct.Codes {
					continue
				}
				// Issue categories: an answer may fall in several, so the
				// base is the group's respondents who wrote an answer.
				attr := attributeKey(s, ct.Attribute)
				for i, g := range ct.Groups {
					want, ticks := 0, 0
					for _, resp := range responses {
						if text, ok := resp.Answers[q.Key].(string); ok && strings.TrimSpace(text) != "" && inGroup(s.Definition(), attr, resp.Answers[attr], g) {
							want++
						}
					}
					for _, n := range ct.Counts[i] {
						ticks += n
					}
					if i >= len(ct.Bases) || ct.Bases[i] != want {
						t.Errorf("%s issue categories by %s, group %s: bases %v, want %d respondents (%d ticks)", q.Key, ct.Attribute, g, ct.Bases, want, ticks)
					}
					codes++
				}
			}
			if q.Type != "multi" {
				continue
			}
			for _, ct := range q.CrossTabs {
				if len(ct.Bases) != len(ct.Groups) {
					t.Fatalf("%s by %s: %d bases for %d groups", q.Key, ct.Attribute, len(ct.Bases), len(ct.Groups))
				}
				attr := attributeKey(s, ct.Attribute)
				for i, g := range ct.Groups {
					want, ticks := 0, 0
					for _, resp := range responses {
						if !inGroup(s.Definition(), attr, resp.Answers[attr], g) {
							continue
						}
						if picked, ok := resp.Answers[q.Key].([]string); ok && len(picked) > 0 {
							want++
							ticks += len(picked)
						}
					}
					if ct.Bases[i] != want {
						t.Errorf("%s by %s, group %s: base %d, want %d respondents (%d ticks)", q.Key, ct.Attribute, g, ct.Bases[i], want, ticks)
					}
					checked++
				}
			}
		}
		if checked == 0 || codes == 0 {
			t.Fatalf("%d groups of multiple-answer cross-tables and %d of issue categories in the demo report", checked, codes)
		}
		if !strings.Contains(page, "回答者数に対する割合") {
			t.Error("the page does not say its cross-tables divide by respondents")
		}
	})
}

func attributeKey(s *survey.Survey, label string) string {
	for _, q := range s.Definition().Questions {
		if q.Label == label {
			return q.Key
		}
	}
	return ""
}

// inGroup says whether an attribute answer puts its response in group g:
// its option, or その他 for a text that is no option.
func inGroup(d *survey.Definition, attr string, answer any, g string) bool {
	var options []string
	for _, q := range d.Questions {
		if q.Key == attr {
			options = q.Options
		}
	}
	is := func(v string) bool {
		if g == survey.OtherLabel {
			return !slices.Contains(options, v)
		}
		return v == g
	}
	switch a := answer.(type) {
	case string:
		return is(a)
	case []string:
		return slices.ContainsFunc(a, is)
	}
	return false
}
