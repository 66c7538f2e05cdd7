package analysis

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/gonum/stat/distuv"
)

// CodeBook is a list of named issue categories, each defined by a rule over
// the terms of an answer, in KH Coder's *code syntax:
//
//	# comment
//	*連携・協働
//	連携 | 協働 | (行政 & 地域)
//
// A line starting with * names a code; the following non-empty lines (joined)
// are its rule. Operators: | or "or", & or "and", ! or "not" (so "and not"
// and "&!" both work), parentheses. Terms written next to each other without
// an operator are or-ed. "double quotes" make a term of anything, e.g. "and".
//
// A term matches a whole term of an answer: a word, a compound or a phrase
// (compared after NFKC and lower-casing latin), not a word that occurs only
// inside a longer compound: 横断 does not match 横断歩道, 成果 not 成果物.
// A term asks for part of a longer term with * at its start or end: 横断*
// matches terms starting with 横断 (横断歩道), *不足 terms ending in 不足
// (人手不足, 担い手不足), *連携* terms containing 連携; *少ない matches the
// phrase 本数が少ない. (A rule line cannot start with *, which names a code:
// put such a term after another one or in parentheses.)
//
// A code name may end with the tag @praise (*評価・よかった点 @praise): the
// code judges something as good, and ForQuestion leaves it out for the
// answers of a question that asks what people want, where a good word names
// what is wished for (新鮮な魚介類 under 施設に求めるもの), not what was found.
//
// Rules are judged sentence by sentence: A & B needs A and B in one
// sentence, A & !B a sentence with A and without B. A rule that is only
// negated (!B, or ! inside |) holds when B is nowhere in the answer.
// Negation in the text is in the terms themselves: a negated predicate is
// counted in its negative form (良くない, 満足できない, 便利ではない), so 良い
// does not match 良くない.
type CodeBook struct {
	Codes []Code
}

// Code is one named rule of a code book.
type Code struct {
	Name string `json:"name"`
	Rule string `json:"rule"`
	Line int    `json:"line"` // line of the *name heading in the source
	// Praise marks a code that judges something as good (tag @praise).
	Praise bool `json:"praise,omitempty"`
	expr   *ruleNode
}

// CodeBookError is a syntax error in a code book, with its 1-based line.
type CodeBookError struct {
	Line int
	Msg  string
}

func (e *CodeBookError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

type ruleOp uint8

const (
	opTerm ruleOp = iota
	opOr
	opAnd
	opNot
)

// termMatch is how a rule term is compared with an answer's terms.
type termMatch uint8

const (
	matchWhole    termMatch = iota // 横断: the term itself
	matchPrefix                    // 横断*: terms starting with it
	matchSuffix                    // *不足: terms ending with it
	matchContains                  // *連携*: terms containing it
)

type ruleNode struct {
	op    ruleOp
	term  string // folded, for opTerm
	match termMatch
	kids  []*ruleNode
}

// matches reports whether a folded term text matches the rule term.
func (n *ruleNode) matches(text string) bool {
	switch n.match {
	case matchPrefix:
		return strings.HasPrefix(text, n.term)
	case matchSuffix:
		return strings.HasSuffix(text, n.term)
	case matchContains:
		return strings.Contains(text, n.term)
	}
	return text == n.term
}

// pattern is the rule term as written back: with its * for a part.
func (n *ruleNode) pattern() string {
	switch n.match {
	case matchPrefix:
		return n.term + "*"
	case matchSuffix:
		return "*" + n.term
	case matchContains:
		return "*" + n.term + "*"
	}
	return n.term
}

// allSentences is every sentence of an answer.
const allSentences = ^uint64(0)

// sentences evaluates the rule over one answer: look gives, for a rule term,
// the sentences (bits as in Term.Sentences) where the answer has a whole
// term it matches. The result has a bit for each sentence where the rule
// holds; a rule that holds only by negation (!B alone) gives allSentences.
func (n *ruleNode) sentences(look func(*ruleNode) uint64) uint64 {
	switch n.op {
	case opTerm:
		return look(n)
	case opNot:
		if n.kids[0].sentences(look) == 0 {
			return allSentences
		}
		return 0
	case opAnd:
		in, positive := allSentences, false
		for _, k := range n.kids {
			if k.op != opNot {
				in &= k.sentences(look)
				positive = true
			}
		}
		for _, k := range n.kids {
			if k.op == opNot {
				if positive {
					in &^= k.kids[0].sentences(look) // a sentence with A and without B
				} else {
					in &= k.sentences(look)
				}
			}
		}
		return in
	case opOr:
		var out uint64
		for _, k := range n.kids {
			out |= k.sentences(look)
		}
		return out
	}
	return 0
}

// candidates evaluates, for many answers at once, a relaxed rule that every
// answer the rule matches also matches: each negation taken as true, terms
// anywhere in the answer. postings holds a bitset of answers per rule term.
// Bits past the last answer may be set; callers read only the answers' bits.
func (n *ruleNode) candidates(postings func(*ruleNode) []uint64, words int) []uint64 {
	out := make([]uint64, words)
	switch n.op {
	case opTerm:
		copy(out, postings(n))
	case opNot:
		for i := range out {
			out[i] = ^uint64(0)
		}
	case opAnd:
		for i := range out {
			out[i] = ^uint64(0)
		}
		for _, k := range n.kids {
			for i, w := range k.candidates(postings, words) {
				out[i] &= w
			}
		}
	case opOr:
		for _, k := range n.kids {
			for i, w := range k.candidates(postings, words) {
				out[i] |= w
			}
		}
	}
	return out
}

func (n *ruleNode) mapTerms(f func(string) string) *ruleNode {
	c := &ruleNode{op: n.op, term: n.term, match: n.match}
	if n.op == opTerm && n.match == matchWhole {
		c.term = fold(f(n.term))
	}
	for _, k := range n.kids {
		c.kids = append(c.kids, k.mapTerms(f))
	}
	return c
}

// leaves calls fn for every term of the rule; negated is set under a !.
func (n *ruleNode) leaves(negated bool, fn func(t *ruleNode, negated bool)) {
	if n.op == opTerm {
		fn(n, negated)
		return
	}
	for _, k := range n.kids {
		k.leaves(negated != (n.op == opNot), fn)
	}
}

// Only returns the code book with only the code named name (empty when it
// has none).
func (c CodeBook) Only(name string) CodeBook {
	for _, k := range c.Codes {
		if k.Name == name {
			return CodeBook{Codes: []Code{k}}
		}
	}
	return CodeBook{}
}

// ForQuestion returns the codes that apply to the answers of the question
// labelled label: all of them, except that a question asking what people
// want (AsksForWishes) leaves out the @praise codes. There 美味しいもの and
// 新鮮な魚介類 name what is wished for; read as praise they made most of the
// general preset's wrong codes on real questionnaires.
func (c CodeBook) ForQuestion(label string) CodeBook {
	if !AsksForWishes(label) {
		return c
	}
	out := CodeBook{Codes: make([]Code, 0, len(c.Codes))}
	for _, k := range c.Codes {
		if !k.Praise {
			out.Codes = append(out.Codes, k)
		}
	}
	return out
}

// AsksForWishes reports whether a question's label asks what people want
// (施設に求めるもの, 今後取り上げてほしいテーマ, ご要望) rather than what they
// found; a label that also asks for opinions, impressions or reasons
// (ご意見・ご要望, 満足度の理由) does not count: praise is an answer there.
func AsksForWishes(label string) bool {
	l := normalizeEntry(label)
	for _, w := range []string{"意見", "感想", "理由", "良かった", "よかった", "満足", "評価", "印象"} {
		if strings.Contains(l, w) {
			return false
		}
	}
	for _, w := range []string{"求める", "求めたい", "要望", "希望", "ほしい", "欲しい", "望む", "望み", "期待する", "期待したい", "提案", "改善点", "改善案", "改善すべき", "あったらいい", "あればいい", "あると良い", "あるといい"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// Names returns the code names in code book order.
func (c CodeBook) Names() []string {
	out := make([]string, len(c.Codes))
	for i, k := range c.Codes {
		out[i] = k.Name
	}
	return out
}

// Terms returns the (folded) whole terms a code's rule refers to, in rule
// order; see Patterns for the terms asked for as parts.
func (k Code) Terms() []string {
	var out []string
	if k.expr != nil {
		k.expr.leaves(false, func(t *ruleNode, _ bool) {
			if t.match == matchWhole {
				out = append(out, t.term)
			}
		})
	}
	return out
}

// Patterns returns the rule's terms that ask for part of a term, as written
// (*不足, 横断*), in rule order.
func (k Code) Patterns() []string {
	var out []string
	if k.expr != nil {
		k.expr.leaves(false, func(t *ruleNode, _ bool) {
			if t.match != matchWhole {
				out = append(out, t.pattern())
			}
		})
	}
	return out
}

// Wants reports whether a stored term (as Term.Text) can take part in a
// rule of the code book: a rule term, or a term one of its patterns
// matches. Callers that load only some terms of each answer keep these.
func (c CodeBook) Wants(term string) bool {
	t := lowerASCII(term)
	for _, k := range c.Codes {
		if k.expr == nil {
			continue
		}
		found := false
		k.expr.leaves(false, func(n *ruleNode, _ bool) { found = found || n.matches(t) })
		if found {
			return true
		}
	}
	return false
}

// MapTerms returns a copy of the code book whose whole rule terms are
// replaced by f(term), e.g. Analyzer.Canonical so rules written with a
// variant match.
func (c CodeBook) MapTerms(f func(string) string) CodeBook {
	out := CodeBook{Codes: make([]Code, len(c.Codes))}
	for i, k := range c.Codes {
		out.Codes[i] = k
		if k.expr != nil {
			out.Codes[i].expr = k.expr.mapTerms(f)
		}
	}
	return out
}

type ruleTok struct {
	kind   byte // 't' term, '|', '&', '!', '(', ')'
	text   string
	quoted bool
	line   int
}

// ParseCodeBook parses a code book in KH Coder's *code syntax. Errors give
// the 1-based line in src.
func ParseCodeBook(src string) (CodeBook, error) {
	var cb CodeBook
	type pending struct {
		code Code
		toks []ruleTok
	}
	var cur *pending
	names := map[string]int{}
	finish := func() error {
		if cur == nil {
			return nil
		}
		if len(cur.toks) == 0 {
			return &CodeBookError{Line: cur.code.Line, Msg: fmt.Sprintf("code %q has no rule (write the terms on the next line, e.g. 連携 | 協働)", cur.code.Name)}
		}
		p := ruleParser{toks: cur.toks, endLine: cur.toks[len(cur.toks)-1].line}
		e, err := p.parse()
		if err != nil {
			return err
		}
		cur.code.expr = e
		cb.Codes = append(cb.Codes, cur.code)
		cur = nil
		return nil
	}
	for i, raw := range strings.Split(src, "\n") {
		line := i + 1
		s := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, "*") || strings.HasPrefix(s, "＊") {
			if err := finish(); err != nil {
				return CodeBook{}, err
			}
			name, praise, err := codeHeading(normalizeEntry(s)[1:], line)
			if err != nil {
				return CodeBook{}, err
			}
			if name == "" {
				return CodeBook{}, &CodeBookError{Line: line, Msg: "empty code name after *"}
			}
			if strings.Contains(name, "|") {
				return CodeBook{}, &CodeBookError{Line: line, Msg: fmt.Sprintf("a line starting with * names a code, and a code name cannot hold |: to start a rule with a part such as *%s, put it in parentheses: (*%s)", strings.TrimSpace(strings.Split(name, "|")[0]), strings.TrimSpace(strings.Split(name, "|")[0]))}
			}
			if prev, ok := names[name]; ok {
				return CodeBook{}, &CodeBookError{Line: line, Msg: fmt.Sprintf("code %q already defined on line %d", name, prev)}
			}
			names[name] = line
			cur = &pending{code: Code{Name: name, Line: line, Praise: praise}}
			continue
		}
		if cur == nil {
			return CodeBook{}, &CodeBookError{Line: line, Msg: "rule before any code name (start a code with a line like *連携・協働)"}
		}
		toks, err := lexRule(s, line)
		if err != nil {
			return CodeBook{}, err
		}
		if cur.code.Rule != "" {
			cur.code.Rule += " "
		}
		cur.code.Rule += s
		cur.toks = append(cur.toks, toks...)
	}
	if err := finish(); err != nil {
		return CodeBook{}, err
	}
	return cb, nil
}

// codeHeading splits a code heading (after its *) into the code's name and
// its tags; @praise is the only tag.
func codeHeading(s string, line int) (name string, praise bool, err error) {
	name = strings.TrimSpace(s)
	for {
		at := strings.LastIndex(name, "@")
		if at < 0 || (at > 0 && !unicode.IsSpace(rune(name[at-1]))) {
			return name, praise, nil // an @ inside a name (a@b) is part of it
		}
		switch tag := strings.TrimSpace(name[at+1:]); tag {
		case "praise":
			praise = true
		default:
			return "", false, &CodeBookError{Line: line, Msg: fmt.Sprintf("unknown tag @%s after the code name (the only tag is @praise, for a code that judges something as good)", tag)}
		}
		name = strings.TrimSpace(name[:at])
	}
}

func lexRule(s string, line int) ([]ruleTok, error) {
	var out []ruleTok
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '|' || r == '&' || r == '!' || r == '(' || r == ')' || r == '｜' || r == '＆' || r == '！' || r == '（' || r == '）':
			k := map[rune]byte{'｜': '|', '＆': '&', '！': '!', '（': '(', '）': ')'}[r]
			if k == 0 {
				k = byte(r)
			}
			out = append(out, ruleTok{kind: k, line: line})
			i++
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if j == len(rs) {
				return nil, &CodeBookError{Line: line, Msg: "unclosed double quote"}
			}
			t := strings.TrimSpace(string(rs[i+1 : j]))
			if t == "" {
				return nil, &CodeBookError{Line: line, Msg: "empty quoted term"}
			}
			out = append(out, ruleTok{kind: 't', text: t, quoted: true, line: line})
			i = j + 1
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("|&!()｜＆！（）\"", rs[j]) {
				j++
			}
			w := string(rs[i:j])
			switch strings.ToLower(w) {
			case "or":
				out = append(out, ruleTok{kind: '|', line: line})
			case "and":
				out = append(out, ruleTok{kind: '&', line: line})
			case "not":
				out = append(out, ruleTok{kind: '!', line: line})
			default:
				out = append(out, ruleTok{kind: 't', text: w, line: line})
			}
			i = j
		}
	}
	return out, nil
}

type ruleParser struct {
	toks    []ruleTok
	pos     int
	endLine int
}

func (p *ruleParser) peek() (ruleTok, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return ruleTok{}, false
}

func (p *ruleParser) errAt(msg string) error {
	line := p.endLine
	if t, ok := p.peek(); ok {
		line = t.line
	}
	return &CodeBookError{Line: line, Msg: msg}
}

func (p *ruleParser) parse() (*ruleNode, error) {
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t, ok := p.peek(); ok {
		return nil, p.errAt(fmt.Sprintf("unexpected %q", tokText(t)))
	}
	return e, nil
}

func tokText(t ruleTok) string {
	if t.kind == 't' {
		return t.text
	}
	return string(t.kind)
}

func (p *ruleParser) or() (*ruleNode, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	kids := []*ruleNode{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind == ')' {
			break
		}
		if t.kind == '|' {
			p.pos++
		} else if t.kind != 't' && t.kind != '(' && t.kind != '!' {
			break
		} // else: juxtaposition means or
		k, err := p.and()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &ruleNode{op: opOr, kids: kids}, nil
}

func (p *ruleParser) and() (*ruleNode, error) {
	first, err := p.not()
	if err != nil {
		return nil, err
	}
	kids := []*ruleNode{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind != '&' {
			break
		}
		p.pos++
		k, err := p.not()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &ruleNode{op: opAnd, kids: kids}, nil
}

func (p *ruleParser) not() (*ruleNode, error) {
	t, ok := p.peek()
	if ok && t.kind == '!' {
		p.pos++
		k, err := p.not()
		if err != nil {
			return nil, err
		}
		return &ruleNode{op: opNot, kids: []*ruleNode{k}}, nil
	}
	return p.primary()
}

func (p *ruleParser) primary() (*ruleNode, error) {
	t, ok := p.peek()
	if !ok {
		return nil, p.errAt("rule ends where a term or ( was expected")
	}
	switch t.kind {
	case 't':
		p.pos++
		return termNode(t)

	case '(':
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		c, ok := p.peek()
		if !ok || c.kind != ')' {
			return nil, p.errAt("missing )")
		}
		p.pos++
		return e, nil
	}
	return nil, p.errAt(fmt.Sprintf("expected a term or ( but found %q", tokText(t)))
}

// termNode makes a rule term: * at its start or end asks for part of a term
// (unless the term is in double quotes, where * is a character).
func termNode(t ruleTok) (*ruleNode, error) {
	text := normalizeEntry(t.text)
	if t.quoted {
		return &ruleNode{op: opTerm, term: fold(text)}, nil
	}
	m := matchWhole
	head, tail := strings.HasPrefix(text, "*"), strings.HasSuffix(text, "*")
	inner := strings.TrimSuffix(strings.TrimPrefix(text, "*"), "*")
	switch {
	case head && tail:
		m = matchContains
	case head:
		m = matchSuffix
	case tail:
		m = matchPrefix
	}
	if inner == "" || strings.Contains(inner, "*") {
		return nil, &CodeBookError{Line: t.line, Msg: fmt.Sprintf("term %q: write * only at the start or end of a term (*不足, 横断*), around at least one character", t.text)}
	}
	return &ruleNode{op: opTerm, term: fold(inner), match: m}, nil
}

// sentencesOf is the bits of Term.Sentences with "not known" read as every
// sentence.
func sentencesOf(t *Term) uint64 {
	if t.Sentences == 0 {
		return allSentences
	}
	return t.Sentences
}

// lookIn returns the look function of ruleNode.sentences for the terms of
// one answer.
func lookIn(terms []Term) func(*ruleNode) uint64 {
	return func(n *ruleNode) uint64 {
		var out uint64
		for i := range terms {
			t := &terms[i]
			// Terms come from the analyzer, already NFKC-normalised and
			// trimmed: of fold only the case remains to do.
			if t.Kind != KindPart && n.matches(lowerASCII(t.Text)) {
				out |= sentencesOf(t)
				if n.match == matchWhole {
					break // each text is listed once
				}
			}
		}
		return out
	}
}

// Match returns the names of the codes whose rule matches the terms of one
// answer, in code book order.
func (c CodeBook) Match(terms []Term) []string {
	var out []string
	look := lookIn(terms)
	for _, k := range c.Codes {
		if k.expr != nil && k.expr.sentences(look) != 0 {
			out = append(out, k.Name)
		}
	}
	return out
}

func (c CodeBook) matchMask(terms []Term) []bool {
	look := lookIn(terms)
	out := make([]bool, len(c.Codes))
	for i, k := range c.Codes {
		out[i] = k.expr != nil && k.expr.sentences(look) != 0
	}
	return out
}

// masks returns, per answer, which codes match it (in code book order).
// Rules are first evaluated over bitsets (a bit per answer, per rule term)
// for all answers at once, with negations relaxed and terms anywhere in an
// answer: evaluating each rule answer by answer, with a set of terms per
// answer, was most of a summary's time at 100k answers. Only the answers
// that pass are then judged sentence by sentence, from the few rule terms
// each of them holds.
func (c CodeBook) masks(docs []Doc) [][]bool {
	words := (len(docs) + 63) / 64
	// Rule terms: one id per distinct (match, text).
	ids := map[*ruleNode]int{}
	byKey := map[string]int{}
	var patterns []*ruleNode // the first node of each id that is a pattern
	var patternIDs []int
	for _, k := range c.Codes {
		if k.expr == nil {
			continue
		}
		k.expr.leaves(false, func(n *ruleNode, _ bool) {
			key := n.pattern()
			id, ok := byKey[key]
			if !ok {
				id = len(byKey)
				byKey[key] = id
				if n.match != matchWhole {
					patterns = append(patterns, n)
					patternIDs = append(patternIDs, id)
				}
			}
			ids[n] = id
		})
	}
	whole := map[string]int{}
	for key, id := range byKey {
		if !strings.HasPrefix(key, "*") && !strings.HasSuffix(key, "*") {
			whole[key] = id
		}
	}
	postings := make([][]uint64, len(byKey))
	for i := range postings {
		postings[i] = make([]uint64, words)
	}
	// Per answer, the rule terms it holds with their sentences.
	type hit struct {
		id        int
		sentences uint64
	}
	var hits []hit
	start := make([]int32, len(docs)+1)
	// The rule terms a stored term text matches, worked out once per text.
	matched := make(map[string][]int, 4096)
	for j := range docs {
		start[j] = int32(len(hits))
		for ti := range docs[j].Terms {
			t := &docs[j].Terms[ti]
			if t.Kind == KindPart {
				continue
			}
			ids, ok := matched[t.Text]
			if !ok {
				text := lowerASCII(t.Text)
				if id, ok := whole[text]; ok {
					ids = append(ids, id)
				}
				for pi, n := range patterns {
					if n.matches(text) {
						ids = append(ids, patternIDs[pi])
					}
				}
				matched[t.Text] = ids
			}
			for _, id := range ids {
				hits = append(hits, hit{id, sentencesOf(t)})
				postings[id][j/64] |= 1 << (j % 64)
			}
		}
	}
	start[len(docs)] = int32(len(hits))
	flat := make([]bool, len(docs)*len(c.Codes))
	out := make([][]bool, len(docs))
	for j := range out {
		out[j] = flat[j*len(c.Codes) : (j+1)*len(c.Codes)]
	}
	post := func(n *ruleNode) []uint64 { return postings[ids[n]] }
	for i, k := range c.Codes {
		if k.expr == nil {
			continue
		}
		// The rule with its terms numbered, so that judging an answer is
		// a walk over slices (a map lookup per term and answer was most of
		// the time at 64k answers).
		prog := compileRule(k.expr, ids)
		cand := k.expr.candidates(post, words)
		for w, set := range cand {
			for set != 0 {
				b := set & -set
				set ^= b
				j := w*64 + bits.TrailingZeros64(b)
				if j >= len(docs) {
					break
				}
				doc := hits[start[j]:start[j+1]]
				out[j][i] = prog.sentences(func(id int) uint64 {
					var s uint64
					for _, h := range doc {
						if h.id == id {
							s |= h.sentences
						}
					}
					return s
				}) != 0
			}
		}
	}
	return out
}

// compiledRule is a rule whose terms are numbered (see masks).
type compiledRule struct {
	op   ruleOp
	id   int
	kids []compiledRule
}

func compileRule(n *ruleNode, ids map[*ruleNode]int) compiledRule {
	c := compiledRule{op: n.op, id: ids[n]}
	for _, k := range n.kids {
		c.kids = append(c.kids, compileRule(k, ids))
	}
	return c
}

// sentences is ruleNode.sentences over numbered terms.
func (n *compiledRule) sentences(look func(id int) uint64) uint64 {
	switch n.op {
	case opTerm:
		return look(n.id)
	case opNot:
		if n.kids[0].sentences(look) == 0 {
			return allSentences
		}
		return 0
	case opAnd:
		in, positive := allSentences, false
		for i := range n.kids {
			if k := &n.kids[i]; k.op != opNot {
				in &= k.sentences(look)
				positive = true
				if in == 0 {
					return 0
				}
			}
		}
		for i := range n.kids {
			if k := &n.kids[i]; k.op == opNot {
				if positive {
					in &^= k.kids[0].sentences(look)
				} else {
					in &= k.sentences(look)
				}
			}
		}
		return in
	case opOr:
		var out uint64
		for i := range n.kids {
			out |= n.kids[i].sentences(look)
		}
		return out
	}
	return 0
}

// CodeMatch is a sentence of an answer where a code's rule holds, with the
// words that made it hold: what a quote shows, with the words highlighted.
type CodeMatch struct {
	Code     string `json:"code"`
	Sentence int    `json:"sentence"` // index of the sentence in the answer (0: first; 63 stands for 63 and later)
	// Text is the sentence as in Normalize(answer), without its final 。!?;
	// Start is its byte offset there.
	Text  string `json:"text"`
	Start int    `json:"start"`
	// Marks are the byte spans in Text of the terms that matched (merged
	// where they overlap), in order.
	Marks [][2]int `json:"marks"`
}

// CodeMatches returns, for each code of cb (in code book order) and each
// sentence of the answer where its rule holds (in order), the sentence and
// the spans of the terms that matched. cb should come from this analyzer
// (CodeBook, CodeBooks) so its terms are canonical. A rule that holds only
// by negation (!B) marks nothing and gives the first sentence.
func (a *Analyzer) CodeMatches(cb CodeBook, text string) []CodeMatch {
	if a.empty.match(text) {
		return nil
	}
	type occ struct {
		text       string
		sentence   int
		start, end int
	}
	var occs []occ
	var terms []Term
	idx := map[string]int{}
	a.scan(text, func(o occurrence) {
		if !o.whole {
			return
		}
		key := lowerASCII(o.text)
		occs = append(occs, occ{key, o.sentence, o.start, o.end})
		i, ok := idx[key]
		if !ok {
			i = len(terms)
			idx[key] = i
			terms = append(terms, Term{Text: key, Kind: o.kind})
		}
		terms[i].Sentences |= sentenceBit(o.sentence)
	})
	disp := Normalize(text)
	var sents [][2]int
	splitSentences(analysisText(text), func(sent string, off int) { sents = append(sents, [2]int{off, off + len(sent)}) })
	look := lookIn(terms)
	var out []CodeMatch
	for _, k := range cb.Codes {
		if k.expr == nil {
			continue
		}
		bits := k.expr.sentences(look)
		if bits == 0 {
			continue
		}
		var positive []*ruleNode
		k.expr.leaves(false, func(n *ruleNode, negated bool) {
			if !negated {
				positive = append(positive, n)
			}
		})
		for si := range sents {
			if bits&sentenceBit(si) == 0 || si > 63 {
				continue
			}
			m := CodeMatch{Code: k.Name, Sentence: si, Start: sents[si][0], Text: disp[sents[si][0]:sents[si][1]]}
			for _, o := range occs {
				if min(o.sentence, 63) != si {
					continue
				}
				for _, n := range positive {
					if n.matches(o.text) {
						m.Marks = append(m.Marks, [2]int{o.start - m.Start, o.end - m.Start})
						break
					}
				}
			}
			m.Marks = mergeSpans(m.Marks)
			if len(m.Marks) == 0 && bits != allSentences {
				continue // a sentence counted only through bit 63's neighbours
			}
			out = append(out, m)
			if bits == allSentences && len(m.Marks) == 0 {
				break
			}
		}
	}
	return out
}

// mergeSpans sorts spans and merges those that overlap.
func mergeSpans(s [][2]int) [][2]int {
	if len(s) < 2 {
		return s
	}
	sort.Slice(s, func(i, j int) bool { return s[i][0] < s[j][0] || s[i][0] == s[j][0] && s[i][1] > s[j][1] })
	out := s[:1]
	for _, x := range s[1:] {
		if last := &out[len(out)-1]; x[0] < last[1] {
			last[1] = max(last[1], x[1])
		} else {
			out = append(out, x)
		}
	}
	return out
}

// CodeBooks returns the named code books joined in the order given (e.g.
// the ones a survey names), rule terms canonicalised. Code names must not
// repeat across them.
func (a *Analyzer) CodeBooks(names ...string) (CodeBook, error) {
	var out CodeBook
	seen := map[string]string{}
	for _, name := range names {
		b, ok := a.books[name]
		if !ok {
			return CodeBook{}, fmt.Errorf("コードブック %q はありません（使えるもの: %s）", name, strings.Join(a.CodeBookNames(), ", "))
		}
		for _, c := range b.Codes {
			if other, dup := seen[c.Name]; dup {
				return CodeBook{}, fmt.Errorf("コード %q がコードブック %s と %s の両方にあります", c.Name, other, name)
			}
			seen[c.Name] = name
			out.Codes = append(out.Codes, c)
		}
	}
	return out, nil
}

// SurveyCodeBook returns the code book a survey applies: the books it
// names in order (none: CodeBook, the dictionary's codes or the general
// preset), then its own rules (own, in the code-book syntax; the rules staff
// wrote or made from an issue group), rule terms canonicalised. Codes are
// judged over stored terms when results are read, so a survey's books can
// change without reanalysis.
//
// A name the analyzer does not know, a rule that does not parse or a code
// name given twice is an error; the book returned then still holds every
// code that could be read, so a dictionary changed after a survey was saved
// leaves its dashboards working (callers that save a survey refuse the
// error instead).
func (a *Analyzer) SurveyCodeBook(names []string, own string) (CodeBook, error) {
	var out CodeBook
	var problems []string
	if len(names) == 0 {
		out.Codes = append(out.Codes, a.codes.Codes...)
	}
	seen := map[string]string{}
	for _, c := range out.Codes {
		seen[c.Name] = "既定"
	}
	add := func(book CodeBook, from string) {
		for _, c := range book.Codes {
			if other, dup := seen[c.Name]; dup {
				problems = append(problems, fmt.Sprintf("コード %q が%sと%sの両方にあります", c.Name, other, from))
				continue
			}
			seen[c.Name] = from
			out.Codes = append(out.Codes, c)
		}
	}
	for _, name := range names {
		b, ok := a.books[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("コードブック %q はありません（使えるもの: %s）", name, strings.Join(a.CodeBookNames(), ", ")))
			continue
		}
		add(b, "コードブック "+name)
	}
	if strings.TrimSpace(own) != "" {
		book, err := ParseCodeBook(own)
		if err != nil {
			problems = append(problems, "この調査のコード: "+err.Error())
		} else {
			add(book.MapTerms(a.Canonical), "この調査のコード")
		}
	}
	if len(problems) > 0 {
		return out, errors.New(strings.Join(problems, "。"))
	}
	return out, nil
}

// CodeBookNames returns the names of the code books the analyzer knows (the
// shipped presets and the dictionary's own), sorted.
func (a *Analyzer) CodeBookNames() []string {
	out := make([]string, 0, len(a.books))
	for n := range a.books {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// CodePreview is what one code finds among answers, for staff deciding on
// a rule before they save it: how many answers it matches and which.
type CodePreview struct {
	Code     string
	Terms    []string // the terms the rule looks for, as written (*不足 marks a part); not those it excludes
	Answers  int
	Examples []int64 // IDs of up to n of the answers, shortest first
}

// PreviewCodes counts the answers each code of cb matches among docs, in
// code book order, with up to n examples each: the answers (by Doc.Text)
// nearest a sentence in length, so a reader sees at a glance why each matched.
func PreviewCodes(cb CodeBook, docs []Doc, n int) []CodePreview {
	out := make([]CodePreview, len(cb.Codes))
	matched := make([][]*Doc, len(cb.Codes))
	for i, k := range cb.Codes {
		out[i].Code = k.Name
		if k.expr != nil {
			k.expr.leaves(false, func(n *ruleNode, negated bool) {
				if !negated { // 不便がない in 不便 & !不便がない is an exception, not a term of the code
					out[i].Terms = append(out[i].Terms, n.pattern())
				}
			})
		}
	}
	for d, m := range cb.masks(docs) {
		for i, hit := range m {
			if hit {
				out[i].Answers++
				matched[i] = append(matched[i], &docs[d])
			}
		}
	}
	// A sentence's worth of text reads best: "遠い" alone says little, a
	// 2,000-character answer hides why it matched.
	const readable = 40
	far := func(d *Doc) int {
		n := utf8.RuneCountInString(d.Text) - readable
		return max(n, -n)
	}
	for i, list := range matched {
		sort.SliceStable(list, func(x, y int) bool { return far(list[x]) < far(list[y]) })
		for _, d := range list[:min(n, len(list))] {
			out[i].Examples = append(out[i].Examples, d.ID)
		}
	}
	return out
}

// CodeCount is the number of answers a code matches.
type CodeCount struct {
	Code string `json:"code"`
	Docs int    `json:"docs"`
}

// CodeCounts counts the answers each code matches, in code book order
// (codes that match nothing are included with 0).
func CodeCounts(cb CodeBook, docs []Doc) []CodeCount {
	out := make([]CodeCount, len(cb.Codes))
	for i, k := range cb.Codes {
		out[i].Code = k.Name
	}
	for _, m := range cb.masks(docs) {
		for i, hit := range m {
			if hit {
				out[i].Docs++
			}
		}
	}
	return out
}

// CodeDocs returns the IDs of the answers a code matches (the answers behind
// a number), in input order.
func CodeDocs(cb CodeBook, code string, docs []Doc) []int64 {
	var out []int64
	for _, k := range cb.Codes {
		if k.Name != code || k.expr == nil {
			continue
		}
		for _, d := range docs {
			if k.expr.sentences(lookIn(d.Terms)) != 0 {
				out = append(out, d.ID)
			}
		}
	}
	return out
}

// CrossTab is codes by group (attribute value): answers per cell and tests.
//
// Counts[g][c] is the number of answers of group g that match code c.
// ChiSquare, DF and P test the groups × codes table of code mentions
// (rows and columns with no mention are left out of the test).
// Residuals[g][c] is the adjusted standardized residual of cell (g, c) in the
// 2 × groups table of code c (answers with / without the code): above 1.96
// means group g raises code c more often than the other groups (p < .05).
// CodeChiSquare[c] and CodeP[c] test that table (DF = groups - 1), as KH
// Coder does for its code × variable cross-tab.
type CrossTab struct {
	Groups        []string    `json:"groups"`
	GroupDocs     []int       `json:"group_docs"`
	Codes         []string    `json:"codes"`
	Counts        [][]int     `json:"counts"`
	ChiSquare     float64     `json:"chi_square"`
	DF            int         `json:"df"`
	P             float64     `json:"p"`
	Residuals     [][]float64 `json:"residuals"`
	CodeChiSquare []float64   `json:"code_chi_square"`
	CodeP         []float64   `json:"code_p"`
}

// CodeCrossTab cross-tabulates codes by Doc.Group. Groups are in order of
// first appearance; answers without a group are left out.
func CodeCrossTab(cb CodeBook, docs []Doc) CrossTab {
	return codeCrossTab(cb, docs, cb.masks(docs))
}

// codeCrossTab is CodeCrossTab with the codes of each answer already known.
func codeCrossTab(cb CodeBook, docs []Doc, masks [][]bool) CrossTab {
	ct := CrossTab{Codes: cb.Names()}
	gi := map[string]int{}
	for j, d := range docs {
		if d.Group == "" {
			continue
		}
		g, ok := gi[d.Group]
		if !ok {
			g = len(ct.Groups)
			gi[d.Group] = g
			ct.Groups = append(ct.Groups, d.Group)
			ct.GroupDocs = append(ct.GroupDocs, 0)
			ct.Counts = append(ct.Counts, make([]int, len(cb.Codes)))
		}
		ct.GroupDocs[g]++
		for c, m := range masks[j] {
			if m {
				ct.Counts[g][c]++
			}
		}
	}
	G, C := len(ct.Groups), len(ct.Codes)
	ct.Residuals = make([][]float64, G)
	for g := range ct.Residuals {
		ct.Residuals[g] = make([]float64, C)
	}
	ct.CodeChiSquare = make([]float64, C)
	ct.CodeP = make([]float64, C)
	for c := range ct.CodeP {
		ct.CodeP[c] = 1
	}
	ct.P = 1
	if G == 0 || C == 0 {
		return ct
	}
	// Overall test on the mentions table.
	ct.ChiSquare, ct.DF = chiSquare(ct.Counts)
	if ct.DF > 0 {
		ct.P = distuv.ChiSquared{K: float64(ct.DF)}.Survival(ct.ChiSquare)
	}
	// Per code: 2 × G table.
	N := 0
	for _, n := range ct.GroupDocs {
		N += n
	}
	for c := 0; c < C; c++ {
		tab := make([][]int, G)
		with := 0
		for g := 0; g < G; g++ {
			tab[g] = []int{ct.Counts[g][c], ct.GroupDocs[g] - ct.Counts[g][c]}
			with += ct.Counts[g][c]
		}
		x, df := chiSquare(tab)
		ct.CodeChiSquare[c] = x
		if df > 0 {
			ct.CodeP[c] = distuv.ChiSquared{K: float64(df)}.Survival(x)
		}
		for g := 0; g < G; g++ {
			ct.Residuals[g][c] = adjustedResidual(ct.Counts[g][c], ct.GroupDocs[g], with, N)
		}
	}
	return ct
}

// adjustedResidual of cell count o with row total r, column total c, grand total n.
func adjustedResidual(o, r, c, n int) float64 {
	if n == 0 || r == 0 || c == 0 || r == n || c == n {
		return 0
	}
	N := float64(n)
	e := float64(r) * float64(c) / N
	v := e * (1 - float64(r)/N) * (1 - float64(c)/N)
	if v <= 0 {
		return 0
	}
	return (float64(o) - e) / math.Sqrt(v)
}

// chiSquare is Pearson's χ² of a table, leaving out empty rows and columns.
func chiSquare(tab [][]int) (float64, int) {
	if len(tab) == 0 {
		return 0, 0
	}
	rows := make([]float64, len(tab))
	cols := make([]float64, len(tab[0]))
	var n float64
	for i, r := range tab {
		for j, v := range r {
			rows[i] += float64(v)
			cols[j] += float64(v)
			n += float64(v)
		}
	}
	if n == 0 {
		return 0, 0
	}
	nr, nc := 0, 0
	for _, v := range rows {
		if v > 0 {
			nr++
		}
	}
	for _, v := range cols {
		if v > 0 {
			nc++
		}
	}
	var x float64
	for i, r := range tab {
		for j, v := range r {
			if rows[i] == 0 || cols[j] == 0 {
				continue
			}
			e := rows[i] * cols[j] / n
			d := float64(v) - e
			x += d * d / e
		}
	}
	df := (nr - 1) * (nc - 1)
	if df <= 0 {
		return 0, 0
	}
	return x, df
}
