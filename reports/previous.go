package reports

import (
	"context"
	"fmt"
	"strings"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// Previous is the event before a report's in its series, for the summary's
// change since last time: its name, its responses, and the summaries of
// the scale and NPS questions both events ask (same key and type).
type Previous struct {
	Label     string
	Responses int
	Scale     map[string]*Scale
	NPS       map[string]*NPS
}

// PreviousEvent returns the event before s in list (a series' surveys in
// event order, as far as the reader may see them), or nil.
func PreviousEvent(list []*survey.Survey, s *survey.Survey) *survey.Survey {
	for i, x := range list {
		if x.ID == s.ID && i > 0 {
			return list[i-1]
		}
	}
	return nil
}

// AddPrevious sets r.Previous from prev, the event before r's survey s.
func AddPrevious(ctx context.Context, surveys *store.Store, r *Report, s, prev *survey.Survey) error {
	p := &Previous{Label: strings.TrimSpace(formatDate(prev.EventDate) + " " + prev.EventTitle), Scale: map[string]*Scale{}, NPS: map[string]*NPS{}}
	if p.Label == "" {
		p.Label = prev.Title
	}
	var err error
	if p.Responses, err = surveys.ResponseCount(ctx, prev); err != nil {
		return fmt.Errorf("reports.AddPrevious: %w", err)
	}
	now, then := s.Definition(), prev.Definition()
	var keys []string
	for i := range now.Questions {
		q := &now.Questions[i]
		old := then.Question(q.Key)
		if old == nil || old.Type != q.Type || q.Personal || old.Personal {
			continue
		}
		if b := q.Kind().Block(); b == survey.ScaleBlock || b == survey.NPSBlock {
			keys = append(keys, q.Key)
		}
	}
	if len(keys) == 0 {
		r.Previous = p
		return nil
	}
	values, err := surveys.ValueCounts(ctx, prev, keys...)
	if err != nil {
		return fmt.Errorf("reports.AddPrevious: %w", err)
	}
	for _, k := range keys {
		q := then.Question(k)
		if len(values[k]) == 0 {
			continue
		}
		if q.Kind().Block() == survey.ScaleBlock {
			p.Scale[k] = scale(q, values[k])
		} else {
			p.NPS[k] = nps(values[k])
		}
	}
	r.Previous = p
	return nil
}
