package survey

import "fmt"

// The summaries of stored answers internal/store computes (its
// aggregates.go), and which questions may be summarised.

// ValueCount is how many answers of a question carry one stored value. Item
// is the matrix row ("" for other types); Other marks a free その他 text,
// whose Value is the text itself.
type ValueCount struct {
	Item  string
	Value string
	Other bool
	Count int
}

// NumberStats summarises the numbers answered to a scale, nps or number question.
type NumberStats struct {
	N                      int
	Mean, Median, Min, Max float64
}

// CrossCount is how many answers of a question carry Value among the
// respondents whose attribute answer is Group. Free その他 texts of either
// side are counted under その他.
type CrossCount struct {
	Group string
	Value string
	Count int
}

// Aggregatable returns the non-personal, answerable questions of s with the
// given keys (all of them when keys is empty), refusing personal or unknown keys.
func (s *Survey) Aggregatable(keys []string) ([]*QuestionModel, error) {
	if len(keys) == 0 {
		var out []*QuestionModel
		for _, qm := range s.Questions {
			if !qm.Personal && qm.Kind().Answerable() {
				out = append(out, qm)
			}
		}
		return out, nil
	}
	out := make([]*QuestionModel, 0, len(keys))
	for _, k := range keys {
		qm := s.questionByKey(k)
		switch {
		case qm == nil:
			return nil, fmt.Errorf("survey %s has no question %q", s.Slug, k)
		case qm.Personal:
			return nil, fmt.Errorf("question %q of survey %s is personal and is never aggregated", k, s.Slug)
		}
		out = append(out, qm)
	}
	return out, nil
}

func (s *Survey) questionByKey(key string) *QuestionModel {
	for _, qm := range s.Questions {
		if qm.Key == key {
			return qm
		}
	}
	return nil
}
