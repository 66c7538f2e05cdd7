package web

import (
	"strings"
	"testing"

	"github.com/koe-project/koe/analysis"
)

// The shipped dictionary, read into the page's lists and written back, is
// the same dictionary (same version), its code books kept.
func TestDictionaryFormRoundTrip(t *testing.T) {
	form, rest, err := splitSource(analysis.DefaultDictionaryYAML())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(form["synonyms"], "社会福祉協議会 = 社協、市社協") || !strings.Contains(form["synonyms"], "\nYouTube\n") {
		t.Fatalf("synonyms as lines: %.200q", form["synonyms"])
	}
	src, _, problems := writeSource(form, rest)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	d, _, problems := checkDictionary(src, nil)
	if len(problems) > 0 {
		t.Fatalf("%v\n%s", problems, src)
	}
	if d.Version() != analysis.DefaultDictionary().Version() {
		t.Errorf("written back, the shipped dictionary has version %s, not %s", d.Version(), analysis.DefaultDictionary().Version())
	}
}

// Entries are placed on the line staff typed, whether the page or
// analysis.ParseDictionary refuses them; an entry cannot change the file's
// structure.
func TestDictionaryFormPlacesProblems(t *testing.T) {
	for _, c := range []struct {
		form dictForm
		want string
	}{
		{dictForm{"synonyms": "社会福祉協議会 = 社協\n\n = 社協もどき"}, "同義語 3行目「= 社協もどき」"},
		{dictForm{"synonyms": "a = b = c"}, "同義語 1行目"},
		{dictForm{"synonyms": "社会福祉協議会 = 社協\nトイレ = 社協"}, "同義語 2行目「トイレ = 社協」: \"社協\" is already a form of \"社会福祉協議会\" （同義語 1行目）"},
		{dictForm{"empty": "なし\n———"}, "記入なしとみなす回答 2行目「———」"},
	} {
		src, lines, problems := writeSource(c.form, nil)
		if len(problems) == 0 {
			_, _, problems = checkDictionary(src, lines)
		}
		if len(problems) != 1 || !strings.Contains(problems[0].Msg, c.want) {
			t.Errorf("%q: %v, want %q", c.form, problems, c.want)
		}
	}
	src, _, _ := writeSource(dictForm{"stopwords": "\"]\ncodes: |\n  *x\n", "words": "a: b\n- c"}, nil)
	d, _, problems := checkDictionary(src, nil)
	if len(problems) > 0 || d.Codes != "" || len(d.Stopwords) != 3 || len(d.Words) != 2 {
		t.Errorf("entries that look like YAML: %v, %+v\n%s", problems, d, src)
	}
}

// One reanalysis at a time: a second claim waits for the first to end.
func TestReanalysisJobOneAtATime(t *testing.T) {
	var j reanalysisJob
	if !j.claim() || j.claim() {
		t.Fatal("two claims at once")
	}
	j.progress(5, 10)
	if s := j.status(); !s.Running || s.Done != 5 || s.Total != 10 {
		t.Errorf("running: %+v", s)
	}
	j.finish(10, false)
	if s := j.status(); s.Running || !s.Finished || s.Failed || !j.claim() {
		t.Errorf("after the end: %+v", s)
	}
}
