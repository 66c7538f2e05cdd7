package analysis

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Passages: a long answer (a 2,000-character comment) often raises several
// issues, so it is grouped by the pieces it is made of. An answer is cut at
// line breaks, bullets and numbered items; a line longer than
// maxPassageRunes is cut into runs of sentences of about passageRunes; a
// line shorter than minPassageRunes that is not an item of a list (a
// heading such as 「交通について」, or 「お魚美味しい！」 before the
// sentence that says why) joins the next one.
const (
	maxPassageRunes = 240
	passageRunes    = 160
	minPassageRunes = 24
)

// span is a byte range [start, end) of an answer's normalised text.
type span struct{ start, end int }

// splitPassages returns an answer's normalised text (Normalize(raw)) and
// the byte spans of its passages in it, in text order, without leading or
// trailing space. Lines and items are found in the raw text, because NFKC
// turns ① into 1; each piece is normalised on its own, which gives the same
// text as normalising the whole: the cuts are before line breaks and
// circled numbers, characters that nothing composes with.
func splitPassages(raw string) (string, []span) {
	if !strings.ContainsAny(raw, "\n\r①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳") && utf8.RuneCountInString(raw) <= maxPassageRunes {
		s := Normalize(raw)
		if sp := trimSpan(s, span{0, len(s)}); sp.end > sp.start {
			return s, []span{sp}
		}
		return s, nil
	}
	// Segments: lines, and items that start inside a line (①②…).
	type segment struct {
		span
		item bool // starts with a bullet or a number: never joined to a neighbour
	}
	var segs []segment
	var b strings.Builder
	add := func(piece string) {
		from := b.Len()
		b.WriteString(Normalize(piece))
		sp := trimSpan(b.String(), span{from, b.Len()})
		if sp.end > sp.start {
			lead := strings.TrimLeft(piece, " \t\r\n　")
			r, _ := utf8.DecodeRuneInString(lead)
			item := (r >= '①' && r <= '⑳') || startsItem(b.String()[sp.start:sp.end])
			segs = append(segs, segment{span: sp, item: item})
		}
	}
	start := 0
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == '\n' || r == '\r':
			add(raw[start:i])
			b.WriteString(raw[i : i+size])
			start = i + size
		case r >= '①' && r <= '⑳' && strings.TrimSpace(raw[start:i]) != "":
			add(raw[start:i])
			start = i
		}
		i += size
	}
	add(raw[start:])
	s := b.String()

	var out []span
	pending := -1 // start of short lines waiting to join the next segment
	for _, sg := range segs {
		sp := sg.span
		if pending >= 0 {
			sp.start = pending
			pending = -1
		}
		n := utf8.RuneCountInString(s[sp.start:sp.end])
		switch {
		case n < minPassageRunes && !sg.item:
			pending = sp.start
		case n > maxPassageRunes:
			out = append(out, sentenceRuns(s, sp)...)
		default:
			out = append(out, sp)
		}
	}
	if pending >= 0 {
		sp := trimSpan(s, span{pending, len(s)})
		if len(out) > 0 && utf8.RuneCountInString(s[sp.start:sp.end]) < minPassageRunes {
			// A short last line (「以上です」) joins the passage before it.
			out[len(out)-1].end = sp.end
		} else {
			out = append(out, sp)
		}
	}
	return s, out
}

// sentenceRuns cuts a long line into runs of whole sentences of about
// passageRunes each (a sentence longer than that is a run of its own).
func sentenceRuns(s string, line span) []span {
	var out []span
	runStart, runRunes := line.start, 0
	sentStart := line.start
	text := s[line.start:line.end]
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r != '。' && r != '!' && r != '?' && i < len(text) {
			continue
		}
		end := line.start + i
		n := utf8.RuneCountInString(s[sentStart:end])
		if runRunes > 0 && runRunes+n > passageRunes {
			out = append(out, trimSpan(s, span{runStart, sentStart}))
			runStart, runRunes = sentStart, 0
		}
		runRunes += n
		sentStart = end
	}
	if runStart < line.end {
		out = append(out, trimSpan(s, span{runStart, line.end}))
	}
	return out
}

// trimSpan drops leading and trailing white space from a span of s.
func trimSpan(s string, sp span) span {
	t := s[sp.start:sp.end]
	left := len(t) - len(strings.TrimLeft(t, " \t\r\n　"))
	right := len(strings.TrimRight(t, " \t\r\n　"))
	if right <= left {
		return span{sp.start, sp.start}
	}
	return span{sp.start + left, sp.start + right}
}

// startsItem reports whether a normalised line starts like an item of a
// list: a bullet (・ ● ○ ■ □ ◆ ◇ ▪ • - * ※ ◎), a number followed by . ) 、
// or :, or a number in brackets.
func startsItem(line string) bool {
	r, size := utf8.DecodeRuneInString(line)
	switch {
	case strings.ContainsRune("・●○■□◆◇▪•-*※◎", r):
		return true
	case r == '(' || r == '[' || r == '【':
		rest := line[size:]
		d := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
		return d > 0 && d < len(rest) && strings.ContainsRune(")]】", rune(rest[d]))
	case r >= '0' && r <= '9':
		rest := strings.TrimLeft(line, "0123456789")
		if rest == "" {
			return false
		}
		next, _ := utf8.DecodeRuneInString(rest)
		return strings.ContainsRune(".)、:", next)
	}
	return false
}

// termHit is an occurrence of an answer's term in its normalised text.
type termHit struct {
	term       int // index into the answer's terms
	start, end int
}

// locateTerms finds where each of an answer's stored terms occurs in low,
// the answer's normalised text with ASCII lower-cased (same byte offsets as
// Normalize(text)). Terms were stored without positions, so they are found
// by spelling: the term, then its variants (other spellings counted under
// it, when a variants function is given), then for an inflected word (a
// term ending in kana: 少ない, 行く) its stem followed by kana (少なく, 行った).
// Hits are sorted by start, longer first; a part inside a compound is a hit
// of its own (the compound's span holds it).
func locateTerms(low string, terms []Term, variants func(string) []string) []termHit {
	var hits []termHit
	for ti, t := range terms {
		forms := []string{lowerASCII(t.Text)}
		if variants != nil {
			for _, v := range variants(t.Text) {
				if v = lowerASCII(v); v != "" && v != forms[0] {
					forms = append(forms, v)
				}
			}
		}
		found := false
		for _, f := range forms {
			for off := 0; ; {
				i := strings.Index(low[off:], f)
				if i < 0 {
					break
				}
				hits = append(hits, termHit{term: ti, start: off + i, end: off + i + len(f)})
				found = true
				off += i + len(f)
			}
		}
		if found {
			continue
		}
		if stem := inflectionStem(forms[0]); stem != "" {
			for off := 0; ; {
				i := strings.Index(low[off:], stem)
				if i < 0 {
					break
				}
				at := off + i + len(stem)
				if r, _ := utf8.DecodeRuneInString(low[at:]); isHiragana(r) {
					// Cover the kana the inflected form shares with the base
					// form: 少な in 少なかった, not only 少.
					end, tail := at, forms[0][len(stem):]
					for tail != "" {
						r, size := utf8.DecodeRuneInString(tail)
						if q, qsize := utf8.DecodeRuneInString(low[end:]); q != r || qsize != size {
							break
						}
						end += size
						tail = tail[size:]
					}
					hits = append(hits, termHit{term: ti, start: off + i, end: end})
				}
				off = at
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].start != hits[j].start {
			return hits[i].start < hits[j].start
		}
		if hits[i].end != hits[j].end {
			return hits[i].end > hits[j].end
		}
		return hits[i].term < hits[j].term
	})
	return hits
}

// inflectionStem is a base form without its trailing hiragana (少な for
// 少ない, 行 for 行く), or "" when the term does not end in hiragana or is
// all hiragana.
func inflectionStem(term string) string {
	r, size := utf8.DecodeLastRuneInString(term)
	if !isHiragana(r) || size == len(term) {
		return ""
	}
	return strings.TrimRightFunc(term, isHiragana)
}

func isHiragana(r rune) bool { return r >= 'ぁ' && r <= 'ゖ' }

// sentenceAround returns the span of the sentence of s (cut at 。 ! ? and
// line breaks) that holds byte offset at, within the bounds of sp.
func sentenceAround(s string, sp span, at int) span {
	start := sp.start
	for i := sp.start; i < at; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if isSentenceEnd(r) {
			start = i
		}
	}
	end := sp.end
	for i := at; i < sp.end; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if isSentenceEnd(r) {
			end = i
			if r == '\n' || r == '\r' {
				end -= size
			}
			break
		}
	}
	return trimSpan(s, span{start, end})
}

func isSentenceEnd(r rune) bool { return r == '。' || r == '!' || r == '?' || r == '\n' || r == '\r' }
