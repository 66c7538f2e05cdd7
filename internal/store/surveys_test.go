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

func applyDemo(t *testing.T, st *store.Store, name string) *survey.Survey {
	t.Helper()
	d, err := survey.ParseDefinition(name, examples.File(name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), d, string(examples.File(name))); err != nil {
		t.Fatal(err)
	}
	s, err := st.SurveyBySlug(context.Background(), d.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustValidate(t *testing.T, s *survey.Survey, raw map[string]any) survey.Answers {
	t.Helper()
	a, errs := survey.Validate(s.Definition(), raw)
	if errs != nil {
		t.Fatalf("unexpected errors: %v", errs)
	}
	return a
}

func TestSubmitStoresEveryAnswerShapeAndReadsItBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyDemo(t, st, "meeting-feedback.yaml")
		raw := map[string]any{
			"role":         "大学",
			"satisfaction": 4.0,
			"program":      map[string]any{"事例紹介": "参考になった", "質疑応答": "とても参考になった"},
			"useful":       []any{"協働の考え方", "庁外との関係づくり"},
			"recommend":    8.0,
			"comments":     "行政担当者が異動しても連携を維持することが課題です。",
		}
		id, replay, err := st.Submit(ctx, s, mustValidate(t, s, raw), survey.Submission{Source: "api"})
		if err != nil || replay || id == "" {
			t.Fatalf("Submit: id %q replay %v err %v", id, replay, err)
		}
		got, err := st.ResponsesOf(ctx, s, true)
		if err != nil || len(got) != 1 {
			t.Fatalf("ResponsesOf: %v %v", got, err)
		}
		a := got[0].Answers
		if got[0].ID != id || a["role"] != "大学" || a["satisfaction"] != 4.0 || a["recommend"] != 8.0 {
			t.Errorf("scalar answers differ: %#v", a)
		}
		if u := a["useful"].([]string); len(u) != 2 || u[0] != "協働の考え方" || u[1] != "庁外との関係づくり" {
			t.Errorf("multi with その他 differs: %#v", u)
		}
		if m := a["program"].(map[string]string); len(m) != 2 || m["質疑応答"] != "とても参考になった" {
			t.Errorf("matrix differs: %#v", m)
		}
		if _, ok := a["next_theme"]; ok {
			t.Error("an unanswered question is present")
		}
	})
}

func TestSubmissionKeyStoresOneResponseUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyDemo(t, st, "meeting-feedback.yaml")
		answers := mustValidate(t, s, map[string]any{"role": "県", "satisfaction": 5.0})
		var wg sync.WaitGroup
		ids := make([]string, 8)
		errs := make([]error, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i], _, errs[i] = st.Submit(ctx, s, answers, survey.Submission{Key: "double-tap"})
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("different ids for one key: %v", ids)
			}
		}
		if n, _ := st.ResponseCount(ctx, s); n != 1 {
			t.Fatalf("%d responses stored for one key", n)
		}
	})
}

// registrationLimitedTo applies the registration example with max_responses
// set to max and returns it with one valid response's answers.
func registrationLimitedTo(t *testing.T, st *store.Store, max int) (*survey.Survey, survey.Answers) {
	t.Helper()
	ctx := context.Background()
	src := strings.Replace(string(examples.File("registration.yaml")), "max_responses: 300", fmt.Sprint("max_responses: ", max), 1)
	d, err := survey.ParseDefinition("reg.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, d, src); err != nil {
		t.Fatal(err)
	}
	s, err := st.SurveyBySlug(ctx, d.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return s, mustValidate(t, s, map[string]any{"name": "山田", "org": "A市", "email": "a@example.jp", "contact_ok": "はい", "privacy": true})
}

func TestMaxResponsesIsNeverExceeded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s, answers := registrationLimitedTo(t, st, 3)
		var wg sync.WaitGroup
		var mu sync.Mutex
		full := 0
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := st.Submit(ctx, s, answers, survey.Submission{})
				mu.Lock()
				defer mu.Unlock()
				if errors.Is(err, survey.ErrFull) {
					full++
				} else if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n, _ := st.ResponseCount(ctx, s); n != 3 || full != 3 {
			t.Fatalf("stored %d (want 3), refused %d (want 3)", n, full)
		}
	})
}

func TestApplyRefusesChangesThatOrphanAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyDemo(t, st, "meeting-feedback.yaml")
		answers := mustValidate(t, s, map[string]any{"role": "大学", "satisfaction": 5.0, "useful": []any{"財源の確保"}, "comments": "連携が課題です。"})
		if _, _, err := st.Submit(ctx, s, answers, survey.Submission{}); err != nil {
			t.Fatal(err)
		}
		src := string(examples.File("meeting-feedback.yaml"))
		cases := map[string]string{
			"removed option":    strings.Replace(src, ", 財源の確保]", "]", 1),
			"changed type":      strings.Replace(src, "type: scale\n", "type: number\n", 1),
			"narrower range":    strings.Replace(src, "max: 5\n", "max: 4\n", 1),
			"removed question":  strings.Replace(src, "  - key: satisfaction\n", "  - key: satisfaction_new\n", 1),
			"その他 removed":       strings.Replace(src, "    other: true\n", "", 1), // role's; 大学 is its その他 text
			"free text typed":   strings.Replace(src, "type: textarea\n    label: ご感想", "type: text\n    label: ご感想", 1),
			"free text removed": strings.Replace(src, "  - key: comments\n", "  - key: comments_new\n", 1),
		}
		for name, changed := range cases {
			d, err := survey.ParseDefinition("m.yaml", []byte(changed))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			_, err = st.Apply(ctx, d, changed)
			var orphan *survey.OrphanError
			if !errors.As(err, &orphan) {
				t.Errorf("%s: applied (err %v), want an OrphanError", name, err)
			}
		}
		// Harmless changes go through: a new option, a new label, an unanswered question removed.
		ok := strings.Replace(src, ", 財源の確保]", ", 財源の確保, 広報の工夫]", 1)
		ok = strings.Replace(ok, "label: 本日の会議全体の満足度", "label: 会議全体の満足度", 1)
		d, _ := survey.ParseDefinition("m.yaml", []byte(ok))
		if _, err := st.Apply(ctx, d, ok); err != nil {
			t.Fatalf("harmless change refused: %v", err)
		}
		got, _ := st.ResponsesOf(ctx, s, true)
		if len(got) != 1 || got[0].Answers["useful"].([]string)[0] != "財源の確保" {
			t.Fatalf("answers changed by apply: %#v", got)
		}
	})
}

func TestSubmitAllStoresEveryRowOrNoneAndSkipsKnownKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyDemo(t, st, "meeting-feedback.yaml")
		var batch []survey.Pending
		for i := range 2500 { // more than one INSERT's worth
			a := mustValidate(t, s, map[string]any{"role": "県", "satisfaction": float64(1 + i%5), "comments": fmt.Sprintf("どうすれば? $1 ?0 '%d' \\ %c", i, rune(i+1)), "useful": []any{"財源の確保", "協働の考え方"}})
			batch = append(batch, survey.Pending{Answers: a, Sub: survey.Submission{Key: fmt.Sprintf("import:%d", i), Source: "import"}})
		}
		stored, skipped, err := st.SubmitAll(ctx, s, batch)
		if err != nil || stored != 2500 || skipped != 0 {
			t.Fatalf("first import: stored %d skipped %d err %v", stored, skipped, err)
		}
		stored, skipped, err = st.SubmitAll(ctx, s, batch)
		if err != nil || stored != 0 || skipped != 2500 {
			t.Fatalf("second import: stored %d skipped %d err %v", stored, skipped, err)
		}
		if n, _ := st.ResponseCount(ctx, s); n != 2500 {
			t.Fatalf("%d responses", n)
		}
		got, _ := st.ResponsesOf(ctx, s, false)
		if len(got[2499].Answers["useful"].([]string)) != 2 {
			t.Errorf("answers of the last imported row: %#v", got[2499].Answers)
		}
	})
}

// Submissions arriving together share transactions (group commit): those a
// full survey refuses get ErrFull and are undone alone, the others are all
// stored, and a key sent twice in the same burst still stores one response.
func TestConcurrentSubmissionsShareCommitsAndKeepLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s, answers := registrationLimitedTo(t, st, 25)
		var wg sync.WaitGroup
		var mu sync.Mutex
		full, stored := 0, map[string]bool{}
		var twice []string
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := fmt.Sprint("k", i)
				if i >= 50 {
					key = "same" // ten posts of one key
				}
				id, _, err := st.Submit(ctx, s, answers, survey.Submission{Key: key})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, survey.ErrFull):
					full++
				case err != nil:
					t.Error(err)
				case key == "same":
					twice = append(twice, id)
				default:
					stored[id] = true
				}
			}()
		}
		wg.Wait()
		n, _ := st.ResponseCount(ctx, s)
		for _, id := range twice[min(1, len(twice)):] {
			if id != twice[0] {
				t.Errorf("one key, two ids: %v", twice)
				break
			}
		}
		same := 0
		if len(twice) > 0 {
			same = 1
		}
		if n != 25 || len(stored)+same != 25 {
			t.Fatalf("%d stored, %d acknowledged with distinct keys + %d for the repeated key, %d refused as full; want 25 stored", n, len(stored), same, full)
		}
	})
}
