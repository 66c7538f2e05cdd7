// Package analysis turns Japanese free-text answers into terms (words,
// compounds, and phrases such as 本数が少ない) and computes statistics over
// them: frequencies, KWIC concordance lines, co-occurrence networks with
// communities, characteristic words per group, coding rules (KH Coder's
// *code syntax, judged per sentence) with cross-tabs, recurring issues
// across the events of a series, answers that say nothing, and copies.
//
// The package is pure: no HTTP, no SQL, no database, no survey. Callers
// compute terms once per answer (Analyzer.Terms, or a Tokenizer in the
// background for a submission or an import), internal/store stores them
// beside the answer, in its transaction, together with Dictionary.Version,
// and statistics are computed over stored terms with the free functions
// (Summarize, Matching, Frequencies, ...).
package analysis

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// pipelineVersion is mixed into Dictionary.Version so that a change to the
// term pipeline itself (POS table, compound rules, empty answers) or to the
// shipped code books and empty-answer list (which every dictionary extends)
// also marks stored results as stale, so koe reanalyze recomputes them.
// Bump it when Terms would give different output for the same text.
//
//	2: contacts blanked before tokenizing
//	3: contacts found as reports mask them (package contact)
//	4: symbols never in terms; hiragana adjectives kept; latin in its usual
//	   spelling; negated predicates by their negative form; phrases; parts
//	   and sentences of terms; empty answers have no terms; named code books
//	5: wishes said by a condition; 訳でもない negates (session 4)
//	6: ほしい after も (ものもほしい) makes a wish too; the @praise tag
const pipelineVersion = "koe-terms-6"

// LegacyCodeBook is the community-work code book koe applied to every
// survey before code books had names; surveys stored before then keep it
// (migration 0010 names it for them).
const LegacyCodeBook = "community"

// DefaultCodeBooks are the code books of a survey that names none (when the
// dictionary has no codes of its own).
var DefaultCodeBooks = []string{"general"}

// Dictionary is the user-tunable data of the analysis: stopwords, synonyms
// (canonical form -> variants), forced words (domain compounds kept whole),
// answers that say nothing (added to the shipped list), named code books
// (coding rules in KH Coder's *code syntax; they add to or replace the
// shipped ones by name) and, from before code books had names, one code
// book applied where a survey names none.
type Dictionary struct {
	Stopwords []string            `yaml:"stopwords"`
	Synonyms  map[string][]string `yaml:"synonyms"` // canonical -> variants
	Words     []string            `yaml:"words"`
	Empty     []string            `yaml:"empty"`
	CodeBooks map[string]string   `yaml:"codebooks"` // name -> code book
	Codes     string              `yaml:"codes"`
}

//go:embed default_dictionary.yaml
var defaultDictionaryYAML []byte

// DefaultDictionaryYAML returns the shipped default dictionary file, e.g. as
// a starting point for users who want to edit it.
func DefaultDictionaryYAML() []byte {
	return append([]byte(nil), defaultDictionaryYAML...)
}

// DefaultDictionary returns the shipped defaults (analysis/default_dictionary.yaml).
// It panics if the embedded file is invalid, which a test guards against.
func DefaultDictionary() Dictionary {
	d, err := ParseDictionary(defaultDictionaryYAML)
	if err != nil {
		panic("analysis: invalid default dictionary: " + err.Error())
	}
	return d
}

// DictionaryError is a problem in a dictionary file, located by line and field.
type DictionaryError struct {
	Line  int    // 1-based line in the YAML file, 0 if unknown
	Field string // e.g. "synonyms.社会福祉協議会" or "codes"
	Msg   string
}

func (e *DictionaryError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func dictErr(n *yaml.Node, field, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &DictionaryError{Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// ParseDictionary reads a dictionary from YAML. Errors name the line and
// the field, and what would be valid. Entries are NFKC-normalised; the code
// book is parsed so that a broken rule is reported with its line in the file.
func ParseDictionary(data []byte) (Dictionary, error) {
	var d Dictionary
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return d, fmt.Errorf("dictionary: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return d, nil // empty file: empty dictionary
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return d, nil
	}
	if root.Kind != yaml.MappingNode {
		return d, dictErr(root, "", "expected a mapping with the fields %s", dictionaryFields)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return d, dictErr(k, k.Value, "field given twice")
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "stopwords":
			d.Stopwords, err = stringList(v, "stopwords")
		case "words":
			d.Words, err = stringList(v, "words")
		case "synonyms":
			d.Synonyms, err = synonymMap(v)
		case "empty":
			d.Empty, err = stringList(v, "empty")
			for i, e := range d.Empty {
				if err == nil && emptyKey(e) == "" {
					err = dictErr(v.Content[i], fmt.Sprintf("empty[%d]", i), "%q has no letters; answers of only punctuation or dashes are recognised as empty already", e)
				}
			}
		case "codebooks":
			d.CodeBooks, err = codeBookMap(v)
		case "codes":
			if isNull(v) {
				continue
			}
			d.Codes, err = codeBookText(v, "codes")
		default:
			return d, dictErr(k, k.Value, "unknown field (valid: %s)", dictionaryFields)
		}
		if err != nil {
			return d, err
		}
	}
	return d, nil
}

const dictionaryFields = "stopwords, synonyms, words, empty, codebooks, codes"

// codeBookText reads a code book given as a text block and reports a rule
// error at its line in the file.
func codeBookText(v *yaml.Node, field string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", dictErr(v, field, "expected the code book as a text block (%s: |), got %s", field, kindName(v))
	}
	if _, cerr := ParseCodeBook(v.Value); cerr != nil {
		var ce *CodeBookError
		line := v.Line
		if errors.As(cerr, &ce) {
			if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				line = v.Line + ce.Line // block scalars start on the next line
			} else {
				line = v.Line + ce.Line - 1
			}
			return "", &DictionaryError{Line: line, Field: field, Msg: ce.Msg}
		}
		return "", &DictionaryError{Line: line, Field: field, Msg: cerr.Error()}
	}
	return v.Value, nil
}

// codeBookMap reads the named code books: name -> code book text block.
func codeBookMap(n *yaml.Node) (map[string]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, dictErr(n, "codebooks", "expected a mapping from a code book name to its rules (general: |), got %s", kindName(n))
	}
	out := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := strings.TrimSpace(k.Value)
		if name == "" || strings.ContainsAny(name, ", \t\n") {
			return nil, dictErr(k, "codebooks", "code book name %q: write a name without spaces or commas, e.g. general", k.Value)
		}
		if _, dup := out[name]; dup {
			return nil, dictErr(k, "codebooks."+name, "code book given twice")
		}
		text, err := codeBookText(v, "codebooks."+name)
		if err != nil {
			return nil, err
		}
		out[name] = text
	}
	return out, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func stringList(n *yaml.Node, field string) ([]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, dictErr(n, field, "expected a list of words, got %s", kindName(n))
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		if c.Kind != yaml.ScalarNode {
			return nil, dictErr(c, f, "expected a word, got %s", kindName(c))
		}
		s := normalizeEntry(c.Value)
		if s == "" {
			return nil, dictErr(c, f, "empty word")
		}
		out = append(out, s)
	}
	return out, nil
}

func synonymMap(n *yaml.Node) (map[string][]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, dictErr(n, "synonyms", "expected a mapping canonical form -> list of variants, got %s", kindName(n))
	}
	out := make(map[string][]string, len(n.Content)/2)
	owner := map[string]string{} // folded variant or canonical -> canonical
	ownerLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		canon := normalizeEntry(k.Value)
		field := "synonyms." + k.Value
		if canon == "" {
			return nil, dictErr(k, "synonyms", "empty canonical form")
		}
		if _, dup := out[canon]; dup {
			return nil, dictErr(k, field, "canonical form given twice")
		}
		var variants []string
		switch {
		case isNull(v):
		case v.Kind == yaml.ScalarNode:
			variants = []string{v.Value}
		case v.Kind == yaml.SequenceNode:
			for j, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					return nil, dictErr(c, fmt.Sprintf("%s[%d]", field, j), "expected a variant spelling, got %s", kindName(c))
				}
				variants = append(variants, c.Value)
			}
		default:
			return nil, dictErr(v, field, "expected a list of variants, got %s", kindName(v))
		}
		clean := make([]string, 0, len(variants))
		for j, s := range append([]string{canon}, variants...) {
			node := k
			if j > 0 && v.Kind == yaml.SequenceNode {
				node = v.Content[j-1]
			}
			s = normalizeEntry(s)
			if s == "" {
				return nil, dictErr(node, field, "empty variant")
			}
			f := fold(s)
			if o, ok := owner[f]; ok && o != canon {
				return nil, dictErr(node, field, "%q is already a form of %q (line %d); a spelling can belong to one canonical form only", s, o, ownerLine[f])
			}
			owner[f] = canon
			ownerLine[f] = node.Line
			if j > 0 && fold(s) != fold(canon) {
				clean = append(clean, s)
			}
		}
		out[canon] = clean
	}
	return out, nil
}

// Version is a short stable hash of the dictionary content (and of the term
// pipeline version); store it beside every result computed with it.
// Order of synonyms in the file does not matter; order of lists does not either.
func (d Dictionary) Version() string {
	type canonical struct {
		P string              `json:"p"`
		S []string            `json:"s"`
		Y map[string][]string `json:"y"`
		W []string            `json:"w"`
		E []string            `json:"e,omitempty"`
		B map[string]string   `json:"b,omitempty"`
		C string              `json:"c"`
	}
	c := canonical{P: pipelineVersion, S: sortedCopy(d.Stopwords), W: sortedCopy(d.Words), C: strings.TrimSpace(d.Codes)}
	if len(d.Empty) > 0 {
		c.E = sortedCopy(d.Empty)
	}
	if len(d.CodeBooks) > 0 {
		c.B = make(map[string]string, len(d.CodeBooks))
		for k, v := range d.CodeBooks {
			c.B[k] = strings.TrimSpace(v)
		}
	}
	c.Y = make(map[string][]string, len(d.Synonyms))
	for k, v := range d.Synonyms {
		c.Y[k] = sortedCopy(v)
	}
	b, _ := json.Marshal(c) // maps are marshalled with sorted keys
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// normalizeEntry normalises a dictionary entry the way text is normalised,
// but keeps the case of latin letters (for display of canonical forms).
func normalizeEntry(s string) string {
	return strings.TrimSpace(norm.NFKC.String(s))
}

// fold is the matching key of a word: NFKC plus lower-case ASCII latin.
func fold(s string) string {
	return lowerASCII(norm.NFKC.String(strings.TrimSpace(s)))
}

// lowerASCII lower-cases A-Z only, so byte offsets stay unchanged (NFKC has
// already turned full-width latin into ASCII). It does not allocate when
// there is nothing to change.
func lowerASCII(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Normalize returns text the way the analysis sees it for display: NFKC
// (full-width latin and digits to ASCII, half-width katakana to full-width),
// case kept. Byte offsets in KWIC lines refer to this form.
func Normalize(text string) string {
	return norm.NFKC.String(text)
}

func isAllHiragana(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'ぁ' || r > 'ゖ') && r != 'ー' && r != 'ゝ' && r != 'ゞ' {
			return false
		}
	}
	return true
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// CheckCodeBookNames refuses a name in names that is neither a shipped
// code book nor one of d's, saying which names would be valid.
func (d Dictionary) CheckCodeBookNames(names []string) error {
	known := map[string]bool{}
	for n := range DefaultDictionary().CodeBooks {
		known[n] = true
	}
	for n := range d.CodeBooks {
		known[n] = true
	}
	for _, n := range names {
		if !known[n] {
			list := make([]string, 0, len(known))
			for k := range known {
				list = append(list, k)
			}
			sort.Strings(list)
			return fmt.Errorf("code_books: %q is not a code book (valid: %s)", n, strings.Join(list, ", "))
		}
	}
	return nil
}
