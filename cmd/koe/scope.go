package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// The scope `koe analyze` summarises is made here from survey definitions:
// internal/store, which answers the query, does not import survey (survey's
// write path imports store). It moved from analysis, which no longer knows
// surveys.

// seriesScope is the analysed free text of the surveys of a series (or of
// one survey): the question with the given key, or every analysed question
// when key is empty, each survey's answers labelled with its event
// (survey.EventLabels), so statistics can compare events and find the issues that
// recur; grouped by each survey's first attribute question (or the attribute
// named by groupKey).
func seriesScope(surveys []*survey.Survey, key, groupKey string) (store.Scope, error) {
	var sc store.Scope
	sc.CodeBooks, sc.OwnCodes = reports.SeriesCodeBooks(surveys)
	labels := survey.EventLabels(surveys)
	var analysed []string
	for i, s := range surveys {
		for _, q := range s.Questions {
			if !q.Analyze || q.Personal {
				continue
			}
			if !slices.Contains(analysed, q.Key) {
				analysed = append(analysed, q.Key)
			}
			if key == "" || q.Key == key {
				sc.Questions = append(sc.Questions, store.ScopeQuestion{ID: q.ID, Event: labels[i]})
				if key != "" {
					sc.Label = q.Label // the latest event's wording, as for its code books
				}
			}
		}
		for _, q := range s.Questions {
			if q.Attribute && !q.Personal && (groupKey == "" || q.Key == groupKey) {
				sc.GroupBy = append(sc.GroupBy, q.ID)
				break
			}
		}
	}
	if len(sc.Questions) == 0 {
		if len(analysed) == 0 {
			return sc, fmt.Errorf("no question is analysed (mark free-text questions with analyze: true)")
		}
		sort.Strings(analysed)
		return sc, fmt.Errorf("no analysed question %q (analysed questions: %s)", key, strings.Join(analysed, ", "))
	}
	if groupKey != "" && len(sc.GroupBy) == 0 {
		return sc, fmt.Errorf("no attribute question %q to group by", groupKey)
	}
	return sc, nil
}
