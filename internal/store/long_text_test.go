package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/internal/testcorpus"
	"github.com/koe-project/koe/survey"
)

// Free texts of the longest allowed length, in real prose (which does not
// compress the way repeated characters do), are stored whole by a submission
// and by an import on both databases: PostgreSQL once refused any answer of
// about 1,900 characters or more, because answers' values were in a B-tree
// whose entries may not exceed 2,704 bytes. They are read back intact, and
// every aggregate still agrees with the stored responses.
func TestLongestFreeTextsAreStoredWhole(t *testing.T) {
	comments := testcorpus.Prose(t, survey.MaxTextareaLen, 0)
	theme := testcorpus.Prose(t, survey.MaxTextareaLen, 40)
	role := testcorpus.Prose(t, survey.MaxTextLen, 80) // その他 of a single question
	useful := testcorpus.Prose(t, survey.MaxTextLen, 120)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyDemo(t, st, "meeting-feedback.yaml")
		raw := map[string]any{
			"role": role, "satisfaction": 3.0, "useful": []any{"財源の確保", useful},
			"comments": comments, "next_theme": theme,
		}
		if _, _, err := st.Submit(ctx, s, mustValidate(t, s, raw), survey.Submission{Source: "api"}); err != nil {
			t.Fatalf("Submit: %v", err)
		}
		batch := []survey.Pending{
			{Answers: mustValidate(t, s, raw), Sub: survey.Submission{Key: "import:1", Source: "import"}},
			{Answers: mustValidate(t, s, map[string]any{"role": "県", "satisfaction": 5.0, "comments": theme}), Sub: survey.Submission{Key: "import:2", Source: "import"}},
		}
		if stored, _, err := st.SubmitAll(ctx, s, batch); err != nil || stored != 2 {
			t.Fatalf("SubmitAll: stored %d, %v", stored, err)
		}
		got, err := st.ResponsesOf(ctx, s, true)
		if err != nil || len(got) != 3 {
			t.Fatalf("ResponsesOf: %d responses, %v", len(got), err)
		}
		for i, r := range got[:2] {
			a := r.Answers
			if a["comments"] != comments || a["next_theme"] != theme || a["role"] != role {
				t.Errorf("response %d: a long text came back changed", i)
			}
			if u, _ := a["useful"].([]string); len(u) != 2 || u[1] != useful {
				t.Errorf("response %d: the long その他 of a multi came back changed", i)
			}
		}
		texts, err := st.AnswerTexts(ctx, s, "comments", 0)
		if err != nil || len(texts) != 3 || texts[0] != comments || texts[2] != theme {
			t.Fatalf("AnswerTexts: %d texts, %v", len(texts), err)
		}
		values, err := st.ValueCounts(ctx, s, "role")
		if err != nil {
			t.Fatal(err)
		}
		if vs := values["role"]; len(vs) != 2 || vs[0] != (survey.ValueCount{Value: role, Other: true, Count: 2}) {
			t.Errorf("role counts: %d values, first other=%v count %d", len(vs), len(vs) > 0 && vs[0].Other, vs[0].Count)
		}
		checkAggregates(t, st, s)
	})
}

// A submission key is an entry of an index: one too long for it is refused
// before anything is stored, by Submit and by SubmitAll alike. (The API
// stores a long Idempotency-Key as its hash, the form and imports make
// short keys; this holds for any future caller.)
func TestOverlongSubmissionKeysAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyDemo(t, st, "meeting-feedback.yaml")
		a := mustValidate(t, s, map[string]any{"role": "県", "satisfaction": 3.0})
		key := "import:" + strings.Repeat("k", 3000)
		if _, _, err := st.Submit(ctx, s, a, survey.Submission{Key: key}); err == nil || !strings.Contains(err.Error(), "submission key") {
			t.Errorf("Submit with a key of %d bytes: %v", len(key), err)
		}
		batch := []survey.Pending{{Answers: a, Sub: survey.Submission{Key: "import:1"}}, {Answers: a, Sub: survey.Submission{Key: key}}}
		if _, _, err := st.SubmitAll(ctx, s, batch); err == nil {
			t.Error("SubmitAll with an over-long key succeeded")
		}
		if n, _ := st.ResponseCount(ctx, s); n != 0 {
			t.Errorf("%d responses stored", n)
		}
	})
}
