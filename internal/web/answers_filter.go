package web

import (
	"net/http"
	"slices"

	"github.com/koe-project/koe/survey"
)

// drillFilter is the form of a drill-down page that narrows its answers by
// one attribute's value (a survey) or by event (a series); the page's other
// parameters (question, term, code, issue) ride along unchanged.
type drillFilter struct {
	Action  string
	Keep    []drillParam
	Name    string // the parameter: group or event
	Label   string
	Options []drillOption
}

type drillParam struct{ Name, Value string }

type drillOption struct {
	Value    string
	Selected bool
}

// newDrillFilter offers values for the parameter name of r's drill-down;
// nil when there are fewer than two values to choose from.
func newDrillFilter(r *http.Request, name, label string, values []string) *drillFilter {
	if len(values) < 2 {
		return nil
	}
	f := &drillFilter{Action: r.URL.Path, Name: name, Label: label}
	for _, p := range []string{"question", "term", "code", "issue", "group", "event"} {
		if v := r.URL.Query().Get(p); v != "" && p != name {
			f.Keep = append(f.Keep, drillParam{p, v})
		}
	}
	chosen := r.URL.Query().Get(name)
	for _, v := range values {
		f.Options = append(f.Options, drillOption{Value: v, Selected: v == chosen})
	}
	return f
}

// attributeValues are the values answers are grouped by for an attribute
// question (store groupsOf: its options, その他 for what was typed there).
func attributeValues(q *survey.Question) []string {
	values := slices.Clone(q.Options)
	if q.Other && !slices.Contains(values, "その他") {
		values = append(values, "その他")
	}
	return values
}
