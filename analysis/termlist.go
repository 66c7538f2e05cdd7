package analysis

import (
	"fmt"
	"strconv"
	"strings"
)

// An answer's terms are stored as one text value, a line per term:
//
//	<count> <w|c> <term>
//
// (w: single word, c: compound). One row per answer rather than per term
// makes writing analysed answers cheap, and reading a question's terms is one
// range scan. Terms never contain a newline: the analyzer splits text into
// sentences at line breaks and drops whitespace tokens.

// encodeTerms is the stored form of an answer's terms.
func encodeTerms(terms []Term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(t.Count))
		if t.Kind == KindCompound {
			b.WriteString(" c ")
		} else {
			b.WriteString(" w ")
		}
		b.WriteString(strings.ReplaceAll(t.Text, "\n", " "))
	}
	return b.String()
}

// decodeTerms appends to dst the stored terms for which keep (nil: all)
// returns true. The terms' texts share the memory of s.
func decodeTerms(dst []Term, s string, keep func(string) bool) ([]Term, error) {
	for s != "" {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		sp := strings.IndexByte(line, ' ')
		if sp < 0 || len(line) < sp+4 || line[sp+2] != ' ' {
			return dst, fmt.Errorf("stored term list: malformed line %q", line)
		}
		text := line[sp+3:]
		if keep != nil && !keep(text) {
			continue
		}
		n, err := strconv.Atoi(line[:sp])
		if err != nil {
			return dst, fmt.Errorf("stored term list: count in %q", line)
		}
		kind := KindWord
		if line[sp+1] == 'c' {
			kind = KindCompound
		}
		dst = append(dst, Term{Text: text, Kind: kind, Count: n})
	}
	return dst, nil
}
