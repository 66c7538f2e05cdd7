package main

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// A running server analyses new answers with a dictionary applied by another
// process (`koe dictionary apply`) within dictionaryCheck, and stamps them
// with its version: every answer's stored terms are those of the dictionary
// its dict_version names. Before, a server kept the dictionary it started
// with until restarted.
func TestRunningServerFollowsAppliedDictionary(t *testing.T) {
	bin := builtKoe(t)
	const comment = "行政担当者が異動しても連携を維持することが課題です。"
	old := analysis.DefaultDictionary()
	// The new dictionary drops 課題 and counts 維持 as 継続.
	src := strings.Replace(string(analysis.DefaultDictionaryYAML()), "\nstopwords:\n", "\nstopwords:\n  - 課題\n", 1)
	src = strings.Replace(src, "\nsynonyms:\n", "\nsynonyms:\n  継続: [維持]\n", 1)
	updated, err := analysis.ParseDictionary([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{old.Version(): termsOf(t, old, comment), updated.Version(): termsOf(t, updated, comment)}
	if got := want[updated.Version()]; !slices.Contains(got, "継続") || slices.Contains(got, "課題") || slices.Contains(got, "維持") {
		t.Fatalf("the new dictionary's terms %v do not show the change", got)
	}
	body, _ := json.Marshal(map[string]any{"answers": map[string]any{"role": "市町村", "satisfaction": 4, "comments": comment}})

	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := meetingDatabase(t, bin, kind)
			cmd, base := startKoe(t, bin, dbURL)
			defer cmd.Process.Kill()
			db, err := database.Open(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			submit := func() (version string, terms []string) {
				t.Helper()
				resp, err := http.Post(base+meetingAPI, "application/json", strings.NewReader(string(body)))
				if err != nil {
					t.Fatal(err)
				}
				var out struct{ ID string }
				decodeJSON(resp, &out)
				if resp.StatusCode != http.StatusCreated {
					t.Fatalf("submission: %d", resp.StatusCode)
				}
				var stored string
				err = db.NewRaw(`SELECT a.dict_version, l.terms FROM answers a
					JOIN questions q ON q.id = a.question_id
					JOIN answer_term_lists l ON l.answer_id = a.id
					WHERE a.response_id = ? AND q.key = 'comments'`, out.ID).Scan(t.Context(), &version, &stored)
				if err != nil {
					t.Fatal(err)
				}
				for line := range strings.SplitSeq(stored, "\n") {
					if f := strings.SplitN(line, " ", 3); len(f) == 3 {
						terms = append(terms, f[2])
					}
				}
				slices.Sort(terms)
				return version, terms
			}
			check := func(version string, terms []string) {
				t.Helper()
				if w, ok := want[version]; !ok || !slices.Equal(terms, w) {
					t.Errorf("answer stamped %s has terms %v, want those of that dictionary %v", version, terms, w)
				}
			}

			version, terms := submit()
			if version != old.Version() {
				t.Fatalf("before the apply: dictionary %s, want the default %s", version, old.Version())
			}
			check(version, terms)

			file := writeFile(t, "dictionary.yaml", []byte(src))
			if out, err := exec.Command(bin, "dictionary", "apply", "--db", dbURL, "-f", file).CombinedOutput(); err != nil {
				t.Fatalf("dictionary apply: %v %s", err, out)
			}
			deadline := time.Now().Add(4 * dictionaryCheck)
			for version != updated.Version() && time.Now().Before(deadline) {
				time.Sleep(dictionaryCheck / 4)
				version, terms = submit()
				check(version, terms)
			}
			if version != updated.Version() {
				t.Fatalf("%v after the apply, new answers are still analysed with dictionary %s, want %s", 4*dictionaryCheck, version, updated.Version())
			}
		})
	}
}

// termsOf returns the terms a dictionary makes of text, sorted.
func termsOf(t *testing.T, d analysis.Dictionary, text string) []string {
	t.Helper()
	a, err := analysis.New(d)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, term := range a.Terms(text) {
		out = append(out, term.Text)
	}
	slices.Sort(out)
	return out
}
