package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// Staff creating the same slug at the same moment: exactly one creates it,
// every other is told the slug is taken, and the survey stays the winner's,
// title and owner. (Before, most creators were told "created" and the last
// one's survey silently replaced the others', ownership included.) The
// creators are admins, so the series the definition names is open to each:
// this is about the slug (TestSeriesBelongsToItsOwner is about series).
func TestConcurrentCreatorsOfOneSlug(t *testing.T) {
	src := string(examples.File("meeting-feedback.yaml"))
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		for round := range 4 {
			slug := fmt.Sprintf("race-%d", round)
			var wg sync.WaitGroup
			results := make([]error, 8)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					own := strings.Replace(src, "slug: network-2020-3", "slug: "+slug, 1)
					own = strings.Replace(own, "title: 共生・協働推進", fmt.Sprintf("title: 作成者%dの", i), 1)
					d, err := survey.ParseDefinition("race.yaml", []byte(own))
					if err != nil {
						results[i] = err
						return
					}
					results[i] = st.Create(ctx, d, own, survey.Staff{Email: fmt.Sprintf("Staff%d@example.jp", i), Admin: true})
				}()
			}
			wg.Wait()
			winner := -1
			for i, err := range results {
				switch {
				case err == nil && winner >= 0:
					t.Errorf("round %d: creators %d and %d were both told created", round, winner, i)
				case err == nil:
					winner = i
				case !errors.Is(err, survey.ErrSlugTaken):
					t.Errorf("round %d, creator %d: %v, want ErrSlugTaken", round, i, err)
				}
			}
			if winner < 0 {
				t.Fatalf("round %d: nobody created %s: %v", round, slug, results)
			}
			s, err := st.SurveyBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("staff%d@example.jp", winner); s.Owner != want || !strings.HasPrefix(s.Title, fmt.Sprintf("作成者%dの", winner)) {
				t.Errorf("round %d: survey of %q titled %q, want the winner's (%s)", round, s.Owner, s.Title, want)
			}
			if len(s.Questions) != 8 {
				t.Errorf("round %d: %d questions, want 8", round, len(s.Questions))
			}
		}
		// Apply, as the command line does, still updates an existing survey.
		d, _ := survey.ParseDefinition("m.yaml", []byte(strings.Replace(src, "slug: network-2020-3", "slug: race-0", 1)))
		if created, err := st.Apply(ctx, d, src); err != nil || created {
			t.Fatalf("apply over race-0: created %v, %v", created, err)
		}
	})
}
