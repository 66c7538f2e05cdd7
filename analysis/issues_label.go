package analysis

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Labels and quotes.
const (
	maxGroupTerms = 4
	maxLabelTerms = 3
	// A defining term is in at least this share of the group's passages
	// (and in two of them): a term in two passages of a group of 600 says
	// nothing about the group however rare it is elsewhere.
	minTermShare   = 0.05
	quotesPerGroup = 3
	// quoteCandidates is how far from the centre a quote that says more
	// than the label may be sought; minQuoteContext is how much more.
	quoteCandidates = 200
	minQuoteContext = 5
	// maxQuoteRunes caps a quote: a longer sentence is cut around the
	// group's words, with … where it was cut.
	maxQuoteRunes = 120
)

// labelGroups fills Terms, Label and Quotes of each group (cluster order).
//
// Terms are ranked by class-based TF-IDF (c-TF-IDF, as in BERTopic):
// score(t, g) = n(t, g) · ln(1 + A / n(t)), with n(t, g) the group's
// passages holding t, n(t) all passages holding t, and A the average number
// of passages per group. Frequent-everywhere terms (福井, 少ない) score low
// however often the group uses them; a term is distinctive when the group
// holds much of its use. Raw frequency would name every group of a
// question after the question's topic. Verbs and adjectives are scaled by
// predicateWeight, as in the vectors: 駐車場・狭い, not 狭い・駐車場.
func labelGroups(p *prepared, cluster []int32, groupUnits [][]int32, groups []IssueGroup, variants func(string) []string) {
	if len(groups) == 0 {
		return
	}
	total := 0
	for _, us := range groupUnits {
		total += len(us)
	}
	avg := float64(total) / float64(len(groups))
	count := make([]int32, len(p.vocab))
	cents := centroids(p.units, cluster, len(groups), len(p.vocab))
	var touched []int32
	for c, us := range groupUnits {
		touched = touched[:0]
		for _, u := range us {
			for _, t := range p.units[u].vec.terms {
				if count[t] == 0 {
					touched = append(touched, t)
				}
				count[t]++
			}
		}
		least := max(2, int32(math.Ceil(minTermShare*float64(len(us)))))
		if !slices.ContainsFunc(touched, func(t int32) bool { return count[t] >= least }) {
			least = 1 // a group whose passages share no term still gets a name
		}
		var cands []scoredTerm
		for _, t := range touched {
			if n := count[t]; n >= least {
				score := float64(n) * math.Log(1+avg/float64(p.unitDF[t]))
				if endsInHiragana(p.vocab[t]) {
					score *= predicateWeight // what the issue is about names it first
				}
				cands = append(cands, scoredTerm{t: t, n: n, score: score})
			}
		}
		for _, t := range touched {
			count[t] = 0
		}
		sort.Slice(cands, func(i, j int) bool {
			if cands[i].score != cands[j].score {
				return cands[i].score > cands[j].score
			}
			return p.vocab[cands[i].t] < p.vocab[cands[j].t]
		})
		chosen := chooseTerms(p, cands)
		grp := &groups[c]
		for _, s := range chosen {
			grp.Terms = append(grp.Terms, p.vocab[s.t])
		}
		label := []string{}
		for i, s := range chosen {
			if i < maxLabelTerms && (i == 0 || s.score >= chosen[0].score/2) {
				label = append(label, p.vocab[s.t])
			}
		}
		grp.Label = strings.Join(label, "・")
		grp.Quotes = quotes(p, us, cents[c], grp.Terms, len(label), variants)
	}
}

type scoredTerm struct {
	t     int32
	n     int32
	score float64
}

// chooseTerms takes up to maxGroupTerms terms in score order, compounds
// before their parts:
//   - a term that the group mostly uses inside one compound (機関 inside
//     公共交通機関: the compound is in at least half of the term's
//     passages) is replaced by that compound, at the term's rank;
//   - a term inside a chosen term (駐車 in 駐車場) adds nothing and is
//     skipped;
//   - a compound holding a chosen term replaces it when it accounts for at
//     least half of that term's passages (担い手不足 for 担い手), else it
//     is added as a narrower issue beside the broader one (駐車場 and
//     無料駐車場).
func chooseTerms(p *prepared, cands []scoredTerm) []scoredTerm {
	for i, c := range cands {
		best := -1
		for j, d := range cands {
			if j != i && 2*d.n >= c.n && strings.Contains(p.vocab[d.t], p.vocab[c.t]) && (best < 0 || d.n > cands[best].n) {
				best = j
			}
		}
		if best >= 0 {
			cands[i] = scoredTerm{t: cands[best].t, n: cands[best].n, score: c.score}
		}
	}
	var chosen []scoredTerm
next:
	for _, c := range cands {
		text := p.vocab[c.t]
		for i, s := range chosen {
			other := p.vocab[s.t]
			if strings.Contains(other, text) {
				continue next
			}
			if strings.Contains(text, other) && 2*c.n >= s.n {
				chosen[i] = scoredTerm{t: c.t, n: c.n, score: s.score}
				continue next
			}
		}
		chosen = append(chosen, c)
		if len(chosen) == maxGroupTerms {
			break
		}
	}
	return chosen
}

// quotes picks up to quotesPerGroup sentences from the passages nearest
// the group's centre (cosine with the centroid, ties by passage order):
// one per answer, no two alike, each holding at least one of the first
// labelTerms terms. A representative quote is one that reads like the
// group, not the first or a random one.
func quotes(p *prepared, units []int32, cen centroid, terms []string, labelTerms int, variants func(string) []string) []IssueQuote {
	type near struct {
		u   int32
		sim float64
	}
	ranked := make([]near, len(units))
	for i, u := range units {
		ranked[i] = near{u, cen.cosUnit(p.units[u].vec)}
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].sim != ranked[j].sim {
			return ranked[i].sim > ranked[j].sim
		}
		return ranked[i].u < ranked[j].u
	})
	asTerms := make([]Term, len(terms))
	for i, t := range terms {
		asTerms[i] = Term{Text: t}
	}
	out := []IssueQuote{}
	usedAnswer := map[int32]bool{}
	usedText := map[string]bool{}
	// Two passes: first the nearest passages that say something beyond the
	// label's words (駐車場が狭くて停めにくい rather than 駐車場 alone, which
	// sits nearest the centre but tells a reader nothing), among the
	// quoteCandidates nearest; then, if slots are left, any.
	for pass := 0; pass < 2 && len(out) < quotesPerGroup; pass++ {
		for i, r := range ranked {
			if len(out) == quotesPerGroup || (pass == 0 && i == quoteCandidates) {
				break
			}
			un := p.units[r.u]
			if usedAnswer[un.answer] {
				continue
			}
			q, ok := quoteOf(p.norm[un.answer], un.span, asTerms, labelTerms, variants)
			if !ok || usedText[q.Text] || (pass == 0 && !saysMore(q)) {
				continue
			}
			q.Answer = p.docs[un.answer].ID
			usedAnswer[un.answer] = true
			usedText[q.Text] = true
			out = append(out, q)
		}
	}
	return out
}

// saysMore reports whether a quote has at least minQuoteContext runes
// besides its highlighted words.
func saysMore(q IssueQuote) bool {
	rest := utf8.RuneCountInString(q.Text)
	for _, h := range q.Highlights {
		rest -= utf8.RuneCountInString(q.Text[h.Start:h.End])
	}
	return rest >= minQuoteContext
}

// quoteOf finds, in passage sp of a normalised answer, the sentence that
// carries most of the group's terms (label terms count double; ties: the
// earliest), provided it holds a label term.
func quoteOf(norm string, sp span, terms []Term, labelTerms int, variants func(string) []string) (IssueQuote, bool) {
	low := lowerASCII(norm)
	var hits []termHit
	for _, h := range locateTerms(low, terms, variants) {
		if h.start >= sp.start && h.end <= sp.end {
			hits = append(hits, h)
		}
	}
	best, bestScore := span{}, 0
	for _, h := range hits {
		if h.term >= labelTerms {
			continue
		}
		sent := sentenceAround(norm, sp, h.start)
		if sent == best {
			continue
		}
		seen := map[int]bool{}
		score := 0
		for _, o := range hits {
			if o.start >= sent.start && o.end <= sent.end && !seen[o.term] {
				seen[o.term] = true
				score++
				if o.term < labelTerms {
					score++
				}
			}
		}
		if score > bestScore {
			best, bestScore = sent, score
		}
	}
	if bestScore == 0 {
		return IssueQuote{}, false
	}
	// Highlights: the hits inside the sentence, longest first at a place,
	// none overlapping.
	var spans []TextSpan
	end, focus := -1, -1
	for _, h := range hits {
		if h.start < best.start || h.end > best.end {
			continue
		}
		if h.term < labelTerms && focus < 0 {
			focus = h.start
		}
		if h.start < end {
			continue
		}
		spans = append(spans, TextSpan{Start: h.start, End: h.end, Term: terms[h.term].Text})
		end = h.end
	}
	return window(norm, best, focus, spans), true
}

// window cuts a long sentence to about maxQuoteRunes runes starting a little
// before focus (the first label term), marking cuts with …, and makes the
// spans relative to the quote.
func window(norm string, sent span, focus int, spans []TextSpan) IssueQuote {
	from, to := sent.start, sent.end
	if utf8.RuneCountInString(norm[from:to]) > maxQuoteRunes {
		at := focus
		from = backRunes(norm, at, maxQuoteRunes/4, sent.start)
		to = forwardRunes(norm, from, maxQuoteRunes, sent.end)
	}
	q := IssueQuote{Text: norm[from:to]}
	shift := 0
	if from > sent.start {
		q.Text = "…" + q.Text
		shift = len("…")
	}
	if to < sent.end {
		q.Text += "…"
	}
	q.Highlights = []TextSpan{}
	for _, s := range spans {
		if s.Start >= from && s.End <= to {
			q.Highlights = append(q.Highlights, TextSpan{Start: s.Start - from + shift, End: s.End - from + shift, Term: s.Term})
		}
	}
	return q
}

func backRunes(s string, at, n, floor int) int {
	for ; n > 0 && at > floor; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:at])
		at -= size
	}
	return at
}

func forwardRunes(s string, at, n, ceil int) int {
	for ; n > 0 && at < ceil; n-- {
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return at
}

// IssueCode is a coding rule made from an issue group, in the code-book
// syntax (ParseCodeBook), with how well it finds the group's answers among
// the answers it was made from.
type IssueCode struct {
	Name string `json:"name"`
	Rule string `json:"rule"`
	// Matched is the number of answers the rule matches; Members how many
	// of those are the group's. Precision = Members / Matched, Recall =
	// Members / the group's size.
	Matched   int     `json:"matched"`
	Members   int     `json:"members"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// Source is the code as a code-book entry: "*name" and the rule.
func (c IssueCode) Source() string {
	return "*" + c.Name + "\n" + c.Rule + "\n"
}

// IssueCodeRule turns a group into a coding rule over its defining terms,
// so that the issue is tracked by the code book from then on: an "or" of
// clauses, each a defining term or two of them joined by "and", chosen
// greedily to maximise F1 (the harmonic mean of precision and recall)
// against the group's answers among docs (the answers the grouping was
// made from). The code is named after the group's label.
//
// A rule sees an answer's terms, not its passages, so an answer whose
// other passage holds a group's words matches too; the figures say how
// well the rule fits.
func IssueCodeRule(g IssueGroup, docs []Doc) IssueCode {
	member := map[int64]bool{}
	for _, id := range g.Answers {
		member[id] = true
	}
	var terms []string
	for _, t := range g.Terms {
		if quoteRuleTerm(t) != "" {
			terms = append(terms, t)
		}
	}
	// Candidate clauses: each defining term as a whole term and, for a
	// word also said inside compounds (案内 in 案内表示, 観光案内所), as a
	// part (*案内*); and each pair of them joined by "and". Every clause is
	// judged by the code book's own matcher, so the figures are what the
	// rule will do.
	type clause struct {
		rule string
		hits []bool // per doc
	}
	hitsOf := func(rule string) []bool {
		cb, err := ParseCodeBook("*c\n" + rule + "\n")
		if err != nil {
			return nil
		}
		out := make([]bool, len(docs))
		for i, d := range docs {
			out[i] = len(cb.Match(d.Terms)) > 0
		}
		return out
	}
	var clauses []clause
	add := func(rule string) {
		if hits := hitsOf(rule); hits != nil {
			clauses = append(clauses, clause{rule: rule, hits: hits})
		}
	}
	for i, t := range terms {
		q := quoteRuleTerm(t)
		add(q)
		if q == t && !strings.Contains(t, "*") && runeLen(t) >= 2 {
			add("*" + t + "*")
		}
		for _, u := range terms[i+1:] {
			add(q + " & " + quoteRuleTerm(u))
		}
	}
	covered := make([]bool, len(docs))
	f1 := func(extra []bool) (float64, int, int) {
		matched, members := 0, 0
		for i, d := range docs {
			if covered[i] || (extra != nil && extra[i]) {
				matched++
				if member[d.ID] {
					members++
				}
			}
		}
		if matched == 0 || len(g.Answers) == 0 {
			return 0, matched, members
		}
		pr := float64(members) / float64(matched)
		re := float64(members) / float64(len(g.Answers))
		if pr+re == 0 {
			return 0, matched, members
		}
		return 2 * pr * re / (pr + re), matched, members
	}
	var chosen []clause
	best, _, _ := f1(nil)
	for len(clauses) > 0 {
		bi, bf := -1, best
		for i, c := range clauses {
			if f, _, _ := f1(c.hits); f > bf+1e-12 {
				bi, bf = i, f
			}
		}
		if bi < 0 {
			break
		}
		c := clauses[bi]
		chosen = append(chosen, c)
		for i, h := range c.hits {
			covered[i] = covered[i] || h
		}
		best = bf
		clauses = append(clauses[:bi], clauses[bi+1:]...)
	}
	code := IssueCode{Name: g.Label}
	var parts []string
	for _, c := range chosen {
		part := c.rule
		if strings.Contains(part, " & ") && len(chosen) > 1 {
			part = "(" + part + ")"
		}
		parts = append(parts, part)
	}
	code.Rule = strings.Join(parts, " | ")
	_, code.Matched, code.Members = f1(nil)
	if code.Matched > 0 {
		code.Precision = float64(code.Members) / float64(code.Matched)
	}
	if len(g.Answers) > 0 {
		code.Recall = float64(code.Members) / float64(len(g.Answers))
	}
	return code
}

// quoteRuleTerm writes a term for a rule: as it is when the rule lexer reads
// it back as that term, in double quotes when it holds an operator, a space
// or spells one ("and"); "" when it cannot be written (it holds a ").
func quoteRuleTerm(t string) string {
	if t == "" || strings.Contains(t, `"`) {
		return ""
	}
	switch strings.ToLower(t) {
	case "and", "or", "not":
		return `"` + t + `"`
	}
	if strings.ContainsFunc(t, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("|&!()｜＆！（）", r)
	}) {
		return `"` + t + `"`
	}
	return t
}
