package store_test

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/auth"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// The SQL aggregates agree with counts made in Go from ResponsesOf, on every
// demo survey and both databases, and never touch personal questions.
func TestAggregatesMatchResponses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		if _, err := examples.Load(ctx, st, auth.NewStore(db)); err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"network-2020-1", "network-2020-3", "community-building-2023", "seminar-2023-02-registration"} {
			s, err := st.SurveyBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			checkAggregates(t, st, s)
		}
	})
}

func checkAggregates(t *testing.T, st *store.Store, s *survey.Survey) {
	t.Helper()
	ctx := context.Background()
	responses, err := st.ResponsesOf(ctx, s, false)
	if err != nil {
		t.Fatal(err)
	}
	answered, err := st.AnsweredCounts(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	values, err := st.ValueCounts(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	numbers, err := st.NumberStats(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Definition()
	for i := range d.Questions {
		q := &d.Questions[i]
		if q.Personal {
			if _, ok := answered[q.Key]; ok {
				t.Errorf("%s: personal question %s aggregated", s.Slug, q.Key)
			}
			if _, ok := values[q.Key]; ok {
				t.Errorf("%s: personal question %s counted", s.Slug, q.Key)
			}
			if _, err := st.ValueCounts(ctx, s, q.Key); err == nil {
				t.Errorf("%s: ValueCounts(%s) of a personal question succeeded", s.Slug, q.Key)
			}
			if _, err := st.AnswerTexts(ctx, s, q.Key, 0); err == nil {
				t.Errorf("%s: AnswerTexts(%s) of a personal question succeeded", s.Slug, q.Key)
			}
			continue
		}
		if !q.Answerable() {
			continue
		}
		want := map[string]int{} // "item\x00value" -> count
		n := 0
		var nums []float64
		for _, r := range responses {
			v, ok := r.Answers[q.Key]
			if !ok {
				continue
			}
			n++
			switch v := v.(type) {
			case string:
				want["\x00"+v]++
			case []string:
				for _, x := range v {
					want["\x00"+x]++
				}
			case float64:
				want["\x00"+strconvF(v)]++
				nums = append(nums, v)
			case bool:
				want["\x00true"]++
			case map[string]string:
				for row, col := range v {
					want[row+"\x00"+col]++
				}
			}
		}
		if answered[q.Key] != n {
			t.Errorf("%s/%s: answered %d, want %d", s.Slug, q.Key, answered[q.Key], n)
		}
		got := map[string]int{}
		for _, vc := range values[q.Key] {
			got[vc.Item+"\x00"+vc.Value] += vc.Count
			if vc.Other != (q.Other && !q.IsOption(vc.Value)) {
				t.Errorf("%s/%s: %q other=%v", s.Slug, q.Key, vc.Value, vc.Other)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s/%s: counts %v, want %v", s.Slug, q.Key, got, want)
		}
		for k, c := range want {
			if got[k] != c {
				t.Errorf("%s/%s: count of %q = %d, want %d", s.Slug, q.Key, k, got[k], c)
			}
		}
		if len(nums) > 0 {
			ns := numbers[q.Key]
			sort.Float64s(nums)
			mean := 0.0
			for _, x := range nums {
				mean += x
			}
			mean /= float64(len(nums))
			med := nums[len(nums)/2]
			if len(nums)%2 == 0 {
				med = (nums[len(nums)/2-1] + nums[len(nums)/2]) / 2
			}
			if ns.N != len(nums) || math.Abs(ns.Mean-mean) > 1e-9 || ns.Median != med || ns.Min != nums[0] || ns.Max != nums[len(nums)-1] {
				t.Errorf("%s/%s: number stats %+v, want n %d mean %v median %v min %v max %v", s.Slug, q.Key, ns, len(nums), mean, med, nums[0], nums[len(nums)-1])
			}
		}
	}
	// Cross counts by every attribute, against the same responses.
	for i := range d.Questions {
		a := &d.Questions[i]
		if !a.Attribute || a.Personal {
			continue
		}
		cross, err := st.CrossCounts(ctx, s, a.Key)
		if err != nil {
			t.Fatal(err)
		}
		for key, cells := range cross {
			q := d.Question(key)
			want := map[[2]string]int{}
			for _, r := range responses {
				for _, g := range asList(a, r.Answers[a.Key]) {
					for _, v := range asList(q, r.Answers[key]) {
						want[[2]string{g, v}]++
					}
				}
			}
			got := map[[2]string]int{}
			for _, c := range cells {
				got[[2]string{c.Group, c.Value}] = c.Count
			}
			if len(got) != len(want) {
				t.Errorf("%s: %s by %s: %v, want %v", s.Slug, key, a.Key, got, want)
			}
			for k, c := range want {
				if got[k] != c {
					t.Errorf("%s: %s by %s: cell %v = %d, want %d", s.Slug, key, a.Key, k, got[k], c)
				}
			}
		}
		if _, err := st.CrossCounts(ctx, s, a.Key, "contact"); s.Slug == "community-building-2023" && err == nil {
			t.Errorf("cross counts of the personal contact question succeeded")
		}
	}
	count, latest, err := st.ResponseStamp(ctx, s)
	if err != nil || count != len(responses) || (count > 0 && !latest.Equal(responses[len(responses)-1].SubmittedAt)) {
		t.Errorf("%s: stamp %d %v %v, want %d and the last submission", s.Slug, count, latest, err, len(responses))
	}
}

// asList returns an answer's values with free その他 texts as その他.
func asList(q *survey.Question, v any) []string {
	var xs []string
	switch v := v.(type) {
	case string:
		xs = []string{v}
	case []string:
		xs = slices.Clone(v)
	case float64:
		xs = []string{strconvF(v)}
	}
	for i, x := range xs {
		if q.Other && !q.IsOption(x) {
			xs[i] = survey.OtherLabel
		}
	}
	return xs
}

func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestAnswerTextsLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		if _, err := examples.Load(ctx, st, auth.NewStore(db)); err != nil {
			t.Fatal(err)
		}
		s, err := st.SurveyBySlug(ctx, "network-2020-3")
		if err != nil {
			t.Fatal(err)
		}
		all, err := st.AnswerTexts(ctx, s, "comments", 0)
		if err != nil {
			t.Fatal(err)
		}
		two, err := st.AnswerTexts(ctx, s, "comments", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 3 || len(two) != 2 || two[0] != all[0] || two[1] != all[1] {
			t.Fatalf("all %d answers, first two %q", len(all), two)
		}
	})
}
