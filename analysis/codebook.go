package analysis

import (
	"fmt"
	"math"
	"strings"
	"unicode"

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
// an operator are or-ed. A term matches an answer whose terms contain it
// (compound or single word, compared after NFKC and lower-casing latin);
// "double quotes" make a term of anything, e.g. "and".
type CodeBook struct {
	Codes []Code
}

// Code is one named rule of a code book.
type Code struct {
	Name string `json:"name"`
	Rule string `json:"rule"`
	Line int    `json:"line"` // line of the *name heading in the source
	expr *ruleNode
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

type ruleNode struct {
	op   ruleOp
	term string // folded, for opTerm
	kids []*ruleNode
}

func (n *ruleNode) eval(has func(string) bool) bool {
	switch n.op {
	case opTerm:
		return has(n.term)
	case opNot:
		return !n.kids[0].eval(has)
	case opAnd:
		for _, k := range n.kids {
			if !k.eval(has) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range n.kids {
			if k.eval(has) {
				return true
			}
		}
	}
	return false
}

// evalBits evaluates the rule for many answers at once: postings holds, per
// term, a bitset of the answers that contain it. Bits past the last answer
// may be set (by NOT); callers read only the answers' bits.
func (n *ruleNode) evalBits(postings map[string][]uint64, words int) []uint64 {
	out := make([]uint64, words)
	switch n.op {
	case opTerm:
		copy(out, postings[n.term])
	case opNot:
		for i, w := range n.kids[0].evalBits(postings, words) {
			out[i] = ^w
		}
	case opAnd:
		for i := range out {
			out[i] = ^uint64(0)
		}
		for _, k := range n.kids {
			for i, w := range k.evalBits(postings, words) {
				out[i] &= w
			}
		}
	case opOr:
		for _, k := range n.kids {
			for i, w := range k.evalBits(postings, words) {
				out[i] |= w
			}
		}
	}
	return out
}

func (n *ruleNode) mapTerms(f func(string) string) *ruleNode {
	c := &ruleNode{op: n.op, term: n.term}
	if n.op == opTerm {
		c.term = fold(f(n.term))
	}
	for _, k := range n.kids {
		c.kids = append(c.kids, k.mapTerms(f))
	}
	return c
}

func (n *ruleNode) terms(out *[]string) {
	if n.op == opTerm {
		*out = append(*out, n.term)
	}
	for _, k := range n.kids {
		k.terms(out)
	}
}

// Names returns the code names in code book order.
func (c CodeBook) Names() []string {
	out := make([]string, len(c.Codes))
	for i, k := range c.Codes {
		out[i] = k.Name
	}
	return out
}

// Terms returns the (folded) terms a code's rule refers to, in rule order.
func (k Code) Terms() []string {
	var out []string
	if k.expr != nil {
		k.expr.terms(&out)
	}
	return out
}

// MapTerms returns a copy of the code book whose rule terms are replaced by
// f(term), e.g. Analyzer.Canonical so rules written with a variant match.
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
	kind byte // 't' term, '|', '&', '!', '(', ')'
	text string
	line int
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
		if strings.HasPrefix(s, "*") {
			if err := finish(); err != nil {
				return CodeBook{}, err
			}
			name := strings.TrimSpace(normalizeEntry(s[1:]))
			if name == "" {
				return CodeBook{}, &CodeBookError{Line: line, Msg: "empty code name after *"}
			}
			if prev, ok := names[name]; ok {
				return CodeBook{}, &CodeBookError{Line: line, Msg: fmt.Sprintf("code %q already defined on line %d", name, prev)}
			}
			names[name] = line
			cur = &pending{code: Code{Name: name, Line: line}}
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
			out = append(out, ruleTok{kind: 't', text: t, line: line})
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
		f := fold(t.text)
		return &ruleNode{op: opTerm, term: f}, nil
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

// termSet is the folded term texts of one answer.
type termSet map[string]struct{}

func newTermSet(terms []Term) termSet {
	s := make(termSet, len(terms))
	for _, t := range terms {
		// Terms come from the analyzer, already NFKC-normalised and trimmed:
		// of fold only the case remains to do (the whole fold was most of
		// the cost of coding 100k answers).
		s[lowerASCII(t.Text)] = struct{}{}
	}
	return s
}

func (s termSet) has(t string) bool { _, ok := s[t]; return ok }

// Match returns the names of the codes whose rule matches the terms of one
// answer, in code book order.
func (c CodeBook) Match(terms []Term) []string {
	set := newTermSet(terms)
	var out []string
	for _, k := range c.Codes {
		if k.expr != nil && k.expr.eval(set.has) {
			out = append(out, k.Name)
		}
	}
	return out
}

func (c CodeBook) matchMask(terms []Term) []bool {
	set := newTermSet(terms)
	out := make([]bool, len(c.Codes))
	for i, k := range c.Codes {
		out[i] = k.expr != nil && k.expr.eval(set.has)
	}
	return out
}

// masks returns, per answer, which codes match it (in code book order).
// Rules are evaluated over bitsets (a bit per answer, per rule term) for all
// answers at once: evaluating each rule answer by answer, with a set of terms
// per answer, was most of a summary's time at 100k answers.
func (c CodeBook) masks(docs []Doc) [][]bool {
	words := (len(docs) + 63) / 64
	postings := map[string][]uint64{}
	for _, k := range c.Codes {
		for _, t := range k.Terms() {
			if _, ok := postings[t]; !ok {
				postings[t] = make([]uint64, words)
			}
		}
	}
	for j, d := range docs {
		for _, t := range d.Terms {
			if p, ok := postings[lowerASCII(t.Text)]; ok { // see newTermSet
				p[j/64] |= 1 << (j % 64)
			}
		}
	}
	flat := make([]bool, len(docs)*len(c.Codes))
	out := make([][]bool, len(docs))
	for j := range out {
		out[j] = flat[j*len(c.Codes) : (j+1)*len(c.Codes)]
	}
	for i, k := range c.Codes {
		if k.expr == nil {
			continue
		}
		bits := k.expr.evalBits(postings, words)
		for j := range docs {
			out[j][i] = bits[j/64]>>(j%64)&1 == 1
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
			if k.expr.eval(newTermSet(d.Terms).has) {
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
