package analysis

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"
)

// TestPrintFukuiTextFigures prints the figures issue 14 asks for on the Fukui
// questionnaire: per free-text column, the answers that say nothing (記入なし)
// and the copies and near-copies; the 20 most frequent phrases of 不便さの内容;
// and the time to find the copies among all 64,000-odd rows' answers. A
// reading aid for the closing note, run only when asked:
//
//	KOE_FUKUI_FIGURES=1 go test -run PrintFukuiTextFigures -v ./analysis/
func TestPrintFukuiTextFigures(t *testing.T) {
	if os.Getenv("KOE_FUKUI_FIGURES") == "" {
		t.Skip("set KOE_FUKUI_FIGURES=1 to print the Fukui text figures")
	}
	a := testAnalyzer(t)
	fmt.Println("| column | answers | 記入なし | share | exact copies | near copies | groups | largest |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- |")
	total, empty := 0, 0
	for _, col := range fukuiTextColumns {
		texts := fukuiColumn(t, col)
		n := 0
		for _, x := range texts {
			if a.IsEmptyAnswer(x) {
				n++
			}
		}
		total += len(texts)
		empty += n
		d := FindDuplicates(texts, DuplicateOptions{})
		largest := 0
		if len(d.Groups) > 0 {
			largest = len(d.Groups[0].Members)
		}
		fmt.Printf("| %s | %d | %d | %.1f %% | %d | %d | %d | %d |\n", col, len(texts), n, 100*float64(n)/float64(len(texts)), d.Exact, d.Near, len(d.Groups), largest)
	}
	fmt.Printf("| all | %d | %d | %.1f %% | | | | |\n\n", total, empty, 100*float64(empty)/float64(total))

	counts := map[string]int{}
	for _, x := range fukuiColumn(t, "不便さの内容") {
		seen := map[string]bool{}
		for _, term := range a.Terms(x) {
			if term.Kind == KindPhrase && !seen[term.Text] {
				seen[term.Text] = true
				counts[term.Text]++
			}
		}
	}
	type phrase struct {
		text string
		n    int
	}
	var list []phrase
	for k, v := range counts {
		list = append(list, phrase{k, v})
	}
	slices.SortFunc(list, func(x, y phrase) int { return cmp.Or(y.n-x.n, cmp.Compare(x.text, y.text)) })
	fmt.Println("Top 20 phrases of 不便さの内容 (answers):")
	for i, p := range list[:min(20, len(list))] {
		fmt.Printf("%d. %s %d\n", i+1, p.text, p.n)
	}

	all := fukuiAnswers(t, 0)
	start := time.Now()
	d := FindDuplicates(all, DuplicateOptions{})
	fmt.Printf("\nFindDuplicates over all %d free-text answers (one list): %v, %d groups, %d exact, %d near\n", len(all), time.Since(start).Round(time.Millisecond), len(d.Groups), d.Exact, d.Near)
}
