package analysis

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestPrintGeneralCodeReviewSample draws the sample of coded answers that
// testdata/general-preset-review.md judges by hand: 8 coded answers from each
// free-text column of the Fukui questionnaire (codes applied as to that
// question, see CodeBook.ForQuestion) and 16 coded chABSA sentences,
// one match of each drawn at random, printed as table rows with the matched
// words in 【】. It is a reading aid, not a check, so it runs only when asked:
//
//	KOE_REVIEW_SEED=777,5 go test -run PrintGeneralCodeReviewSample -v ./analysis/
func TestPrintGeneralCodeReviewSample(t *testing.T) {
	seedText := os.Getenv("KOE_REVIEW_SEED")
	if seedText == "" {
		t.Skip("set KOE_REVIEW_SEED=a,b to print a review sample of the general code book")
	}
	var seed [2]uint64
	for i, part := range strings.SplitN(seedText, ",", 2) {
		n, err := strconv.ParseUint(strings.TrimSpace(part), 10, 64)
		if err != nil {
			t.Fatalf("KOE_REVIEW_SEED=%q: want two numbers such as 777,5", seedText)
		}
		seed[i] = n
	}
	rng := rand.New(rand.NewPCG(seed[0], seed[1]))
	a := testAnalyzer(t)
	cb, err := a.CodeBooks("general")
	if err != nil {
		t.Fatal(err)
	}
	row := 0
	draw := func(source string, cb CodeBook, texts []string, n int) {
		order := rng.Perm(len(texts))
		found := 0
		for _, i := range order {
			if found == n {
				break
			}
			matches := a.CodeMatches(cb, texts[i])
			if len(matches) == 0 {
				continue
			}
			m := matches[rng.IntN(len(matches))]
			found++
			row++
			fmt.Printf("| %d | %s | %s | %s | |\n", row, source, m.Code, marked(m))
		}
	}
	for _, column := range fukuiTextColumns {
		// Each column's label is its question, as a survey applies codes.
		draw("Fukui "+column, cb.ForQuestion(column), fukuiColumn(t, column), 8)
	}
	draw("chabsa", cb, corpusLines(t, "chabsa-sentences.txt"), 16)
}

// marked is the sentence of a match with its matched spans in 【】.
func marked(m CodeMatch) string {
	var b strings.Builder
	last := 0
	for _, span := range m.Marks {
		b.WriteString(m.Text[last:span[0]])
		b.WriteString("【" + m.Text[span[0]:span[1]] + "】")
		last = span[1]
	}
	b.WriteString(m.Text[last:])
	return strings.ReplaceAll(b.String(), "|", "｜")
}
