package analysis

import (
	"fmt"
	"strconv"
	"strings"
)

// An answer's terms are stored as one text value, a line per term:
//
//	<count> <kind>[<sentences>] <term>
//
// kind: w word, c compound, p phrase, i part (a word used only inside
// longer terms); sentences: Term.Sentences in hex, absent when 0 (lists
// written before sentences were kept decode with 0: every sentence). One
// row per answer rather than per term makes writing analysed answers cheap,
// and reading a question's terms is one range scan. Terms never contain a
// newline: the analyzer splits text into sentences at line breaks and drops
// whitespace tokens.

var kindLetters = map[string]byte{KindWord: 'w', KindCompound: 'c', KindPhrase: 'p', KindPart: 'i'}

// EncodeTerms is the stored form of an answer's terms.
func EncodeTerms(terms []Term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(t.Count))
		b.WriteByte(' ')
		k, ok := kindLetters[t.Kind]
		if !ok {
			k = 'w'
		}
		b.WriteByte(k)
		if t.Sentences != 0 {
			b.WriteString(strconv.FormatUint(t.Sentences, 16))
		}
		b.WriteByte(' ')
		b.WriteString(strings.ReplaceAll(t.Text, "\n", " "))
	}
	return b.String()
}

// DecodeTerms appends to dst the stored terms for which keep (nil: all)
// returns true. The terms' texts share the memory of s.
func DecodeTerms(dst []Term, s string, keep func(string) bool) ([]Term, error) {
	for s != "" {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		sp := strings.IndexByte(line, ' ')
		if sp < 0 || sp+2 >= len(line) {
			return dst, fmt.Errorf("stored term list: malformed line %q", line)
		}
		sp2 := strings.IndexByte(line[sp+1:], ' ')
		if sp2 < 1 {
			return dst, fmt.Errorf("stored term list: malformed line %q", line)
		}
		sp2 += sp + 1
		text := line[sp2+1:]
		if text == "" {
			return dst, fmt.Errorf("stored term list: malformed line %q", line)
		}
		if keep != nil && !keep(text) {
			continue
		}
		n, err := strconv.Atoi(line[:sp])
		if err != nil {
			return dst, fmt.Errorf("stored term list: count in %q", line)
		}
		t := Term{Text: text, Kind: KindWord, Count: n}
		switch line[sp+1] {
		case 'c':
			t.Kind = KindCompound
		case 'p':
			t.Kind = KindPhrase
		case 'i':
			t.Kind = KindPart
		}
		if hex := line[sp+2 : sp2]; hex != "" {
			if t.Sentences, err = strconv.ParseUint(hex, 16, 64); err != nil {
				return dst, fmt.Errorf("stored term list: sentences in %q", line)
			}
		}
		dst = append(dst, t)
	}
	return dst, nil
}
