package analysis

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseCodeBook: no code book makes the parser panic or hang; a parsed one
// matches any terms, and an error is a *CodeBookError with a line in the input.
//
//	go test -run '^$' -fuzz FuzzParseCodeBook -fuzztime 5m ./analysis/
func FuzzParseCodeBook(f *testing.F) {
	f.Add("*連携・協働\n連携 | 協働 | (行政 & 地域)\n*異動\n異動 | 担当者 & 変わる\n")
	f.Add("*住民参加\n住民参加 | (住民 & (参加 | 主体 | 関わる))\n# comment\n*否定\n!連携 & 課題\n")
	f.Add("*A\n(x\n| y)\n")
	f.Add("*A\n\"x y\" | z\r\n")
	f.Fuzz(func(t *testing.T, src string) {
		cb, err := ParseCodeBook(src)
		if err != nil {
			var ce *CodeBookError
			if !errors.As(err, &ce) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if ce.Line < 1 || ce.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("error on line %d of a %d-line input: %v", ce.Line, strings.Count(src, "\n")+1, err)
			}
			return
		}
		var terms []Term
		for _, c := range cb.Codes {
			for _, x := range c.Terms() {
				terms = append(terms, Term{Text: x, Kind: KindWord, Count: 1})
			}
		}
		cb.Match(terms)
		cb.Match(nil)
		cb.Names()
		cb.MapTerms(strings.ToUpper)
	})
}
