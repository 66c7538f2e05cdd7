package survey

import (
	"fmt"
	"sort"
	"strings"
)

// gridValue reads one row of a grid question: one of its columns.
func gridValue(q *Question, cell string) (string, string) {
	s := strings.TrimSpace(cell)
	n := normLabel(s)
	for _, c := range q.Columns {
		if c == s || normLabel(c) == n {
			return c, ""
		}
	}
	return "", notIn(s, q.Columns)
}

func notAnOption(q *Question, s string) string { return notIn(s, q.Options) }

func notIn(s string, options []string) string {
	if hint := closest(s, options); hint != "" {
		return fmt.Sprintf("「%s」は選択肢にありません。近い選択肢:「%s」", s, hint)
	}
	return fmt.Sprintf("「%s」は選択肢（%s）にありません", s, strings.Join(options, "・"))
}

// matchOption finds an option equal to s, exactly or after NFKC (a file
// re-saved on another machine may have widened or narrowed characters).
func matchOption(q *Question, s string) (string, bool) {
	for _, o := range q.Options {
		if o == s {
			return o, true
		}
	}
	n := normLabel(s)
	for _, o := range q.Options {
		if normLabel(o) == n {
			return o, true
		}
	}
	return "", false
}

// splitChoices reads a checkbox cell. The tools join the ticked options with
// a separator (";" or ", ") that an option may itself contain, and write an
// その他 answer as the typed text among them, so the cell is read by matching
// the known options, longest first, where each must end at a separator or at
// the end of the cell. What no option covers is その他 text, kept verbatim up
// to the separator before the next known option. items keeps the cell's
// order; others lists the その他 texts among them.
func splitChoices(q *Question, cell string, sep byte) (items, others []string) {
	opts := append([]string(nil), q.Options...)
	sort.SliceStable(opts, func(i, j int) bool { return len(opts[i]) > len(opts[j]) })
	s := strings.TrimSpace(cell)
	skipSpace := func(i int) int {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		return i
	}
	matchAt := func(i int) string {
		for _, o := range opts {
			if o != "" && strings.HasPrefix(s[i:], o) {
				if k := skipSpace(i + len(o)); k == len(s) || s[k] == sep {
					return o
				}
			}
		}
		return ""
	}
	for pos := 0; pos < len(s); {
		pos = skipSpace(pos)
		if pos >= len(s) {
			break
		}
		if s[pos] == sep { // an empty item, such as Microsoft's trailing ";"
			pos++
			continue
		}
		if o := matchAt(pos); o != "" {
			items = append(items, o)
			pos += len(o)
			continue
		}
		end := len(s)
		for j := pos; j < len(s); j++ {
			if s[j] == sep && matchAt(skipSpace(j+1)) != "" {
				end = j
				break
			}
		}
		if text := strings.TrimRight(strings.TrimSpace(s[pos:end]), string(sep)+" "); text != "" {
			items = append(items, text)
			others = append(others, text)
		}
		pos = end
	}
	return items, others
}

// undefuse takes back the quote koe's CSV export puts before a cell a
// spreadsheet would run as a formula, so an export imports as it was.
func undefuse(c string) string {
	if len(c) >= 2 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
		return c[1:]
	}
	return c
}
