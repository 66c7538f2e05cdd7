package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// Two staff members naming the same new series at once: one makes it and it
// is theirs, the other is refused; neither survey lands in another's series.
func TestNewSeriesNamedAtOnceHasOneOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		for round := range 8 {
			key := fmt.Sprintf("race-%d", round)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, email := range []string{"a@koe.test", "b@koe.test"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					src := fmt.Sprintf("slug: %s-%d\ntitle: T\nevent: {series: %s}\nquestions:\n  - {key: c, type: text, label: C}\n", key, i, key)
					d, err := survey.ParseDefinition("race.yaml", []byte(src))
					if err != nil {
						errs[i] = err
						return
					}
					_, errs[i] = st.ApplyBy(ctx, d, src, survey.Staff{Email: email})
				}()
			}
			wg.Wait()
			var refused *survey.SeriesError
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil:
					winner = i
				case !errors.As(err, &refused) || refused.Field != "event.series":
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if winner < 0 || errs[1-winner] == nil {
				t.Fatalf("round %d: errors %v, want exactly one refusal", round, errs)
			}
			se, list, err := st.SurveysInSeries(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"a@koe.test", "b@koe.test"}[winner]; se.Owner != want || len(list) != 1 || list[0].Slug != fmt.Sprintf("%s-%d", key, winner) {
				t.Errorf("round %d: series of %q with %d surveys, want %s's one", round, se.Owner, len(list), want)
			}
			if _, err := st.SurveyBySlug(ctx, fmt.Sprintf("%s-%d", key, 1-winner)); !errors.Is(err, survey.ErrNotFound) {
				t.Errorf("round %d: the refused survey was stored (%v)", round, err)
			}
		}
	})
}
