package web

import (
	"context"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/reports"
)

// Limits of a preview: it reads the newest previewAnswers analysed answers
// (whatever the size of the database), shows previewExamples answers per
// changed entry and lists at most previewChanges entries.
const (
	previewAnswers  = 5000
	previewExamples = 3
	previewChanges  = 100
)

// dictPreview is what a changed dictionary would do to the stored answers.
type dictPreview struct {
	Version   string // the version the changed dictionary would have
	Read      int    // answers read
	Total     int    // analysed answers stored
	Changes   []dictChange
	Unlisted  int // changed entries beyond previewChanges
	Unchanged bool
}

// dictChange is one changed entry and the answers it touches.
type dictChange struct {
	Section  string // dictSection.Name
	Change   string // 追加, 削除, 変更
	Entry    string
	Answers  int
	Examples [][]reports.QuotePart
	words    []string // folded spellings looked for in the answers
	empty    bool     // an empty-answer phrase: answers whose 記入なし changes
}

// changesOf lists the entries of next that differ from those of prev.
func changesOf(prev, next analysis.Dictionary) []dictChange {
	var out []dictChange
	type group struct {
		display string
		forms   []string // folded, the display form first
	}
	groups := func(d analysis.Dictionary) map[string]group {
		m := map[string]group{}
		for c, vs := range d.Synonyms {
			g := group{display: c, forms: []string{foldWord(c)}}
			for _, v := range vs {
				g.forms = append(g.forms, foldWord(v))
			}
			slices.Sort(g.forms[1:])
			m[foldWord(c)] = g
		}
		return m
	}
	before, after := groups(prev), groups(next)
	entry := func(g group, d analysis.Dictionary) string {
		if vs := d.Synonyms[g.display]; len(vs) > 0 {
			return g.display + " = " + strings.Join(vs, "、")
		}
		return g.display
	}
	for _, k := range sortedKeys(after) {
		g := after[k]
		old, was := before[k]
		switch {
		case !was:
			out = append(out, dictChange{Section: "同義語", Change: "追加", Entry: entry(g, next), words: g.forms})
		case old.display != g.display || !slices.Equal(old.forms, g.forms):
			out = append(out, dictChange{Section: "同義語", Change: "変更", Entry: entry(g, next), words: union(old.forms, g.forms)})
		}
	}
	for _, k := range sortedKeys(before) {
		if _, kept := after[k]; !kept {
			out = append(out, dictChange{Section: "同義語", Change: "削除", Entry: entry(before[k], prev), words: before[k].forms})
		}
	}
	lists := []struct {
		name       string
		prev, next []string
		empty      bool
	}{
		{"数えない語", prev.Stopwords, next.Stopwords, false},
		{"ひとまとまりの語", prev.Words, next.Words, false},
		{"記入なしとみなす回答", prev.Empty, next.Empty, true},
	}
	for _, l := range lists {
		was, is := foldedSet(l.prev), foldedSet(l.next)
		for _, k := range sortedKeys(is) {
			if _, ok := was[k]; !ok {
				out = append(out, dictChange{Section: l.name, Change: "追加", Entry: is[k], words: []string{k}, empty: l.empty})
			}
		}
		for _, k := range sortedKeys(was) {
			if _, ok := is[k]; !ok {
				out = append(out, dictChange{Section: l.name, Change: "削除", Entry: was[k], words: []string{k}, empty: l.empty})
			}
		}
	}
	return out
}

// previewDictionary counts, among the newest stored answers, those each
// changed entry touches: those that contain one of its spellings (for an
// empty-answer phrase, those it makes 記入なし or no longer), with a few
// examples, the spellings marked. prevA and nextA are the analyzers of the
// dictionary in use and of the changed one.
func (srv *Server) previewDictionary(ctx context.Context, prev, next analysis.Dictionary, prevA, nextA *analysis.Analyzer) (*dictPreview, error) {
	p := &dictPreview{Version: next.Version()}
	changes := changesOf(prev, next)
	if len(changes) == 0 {
		p.Unchanged = true
		return p, nil
	}
	texts, total, err := srv.texts.AnalysedSample(ctx, previewAnswers)
	if err != nil {
		return nil, err
	}
	p.Read, p.Total = len(texts), total
	for _, t := range texts {
		shown := norm.NFKC.String(t)
		folded := lowerASCII(shown) // byte for byte the same length: marks fit shown
		emptyChanged := prevA.IsEmptyAnswer(t) != nextA.IsEmptyAnswer(t)
		for i := range changes {
			c := &changes[i]
			if c.empty && !emptyChanged {
				continue
			}
			marks := findWords(folded, c.words)
			if len(marks) == 0 {
				continue
			}
			c.Answers++
			if len(c.Examples) < previewExamples {
				snippet, at := around(shown, marks)
				c.Examples = append(c.Examples, reports.MarkedSentence(snippet, at))
			}
		}
	}
	if len(changes) > previewChanges {
		p.Unlisted = len(changes) - previewChanges
		changes = changes[:previewChanges]
	}
	p.Changes = changes
	return p, nil
}

// findWords returns the byte spans of the words in text, in order, without
// overlaps.
func findWords(text string, words []string) [][2]int {
	var spans [][2]int
	for _, w := range words {
		if w == "" {
			continue
		}
		for from := 0; ; {
			i := strings.Index(text[from:], w)
			if i < 0 {
				break
			}
			spans = append(spans, [2]int{from + i, from + i + len(w)})
			from += i + len(w)
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i][0] != spans[j][0] {
			return spans[i][0] < spans[j][0]
		}
		return spans[i][1] > spans[j][1]
	})
	out := spans[:0]
	for _, s := range spans {
		if len(out) > 0 && s[0] < out[len(out)-1][1] {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Around a first match, an example shows up to snippetBefore runes before
// it and snippetAfter after it.
const (
	snippetBefore = 30
	snippetAfter  = 60
)

// around cuts text to the stretch around its first span, with the spans
// that fall inside it, shifted; an ellipsis marks what was cut.
func around(text string, spans [][2]int) (string, [][2]int) {
	start, end := spans[0][0], spans[0][1]
	for i := 0; i < snippetBefore && start > 0; i++ {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	for i := 0; i < snippetAfter && end < len(text); i++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	prefix := ""
	if start > 0 {
		prefix = "…"
	}
	out := prefix + text[start:end]
	if end < len(text) {
		out += "…"
	}
	var at [][2]int
	for _, s := range spans {
		if s[0] >= start && s[1] <= end {
			at = append(at, [2]int{s[0] - start + len(prefix), s[1] - start + len(prefix)})
		}
	}
	return out, at
}

// foldWord is how the analysis compares words: NFKC, latin in lower case.
func foldWord(s string) string {
	return lowerASCII(norm.NFKC.String(strings.TrimSpace(s)))
}

// lowerASCII lower-cases A-Z only, so that byte offsets do not move.
func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

func foldedSet(words []string) map[string]string {
	m := make(map[string]string, len(words))
	for _, w := range words {
		if k := foldWord(w); k != "" {
			if _, ok := m[k]; !ok {
				m[k] = w
			}
		}
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
