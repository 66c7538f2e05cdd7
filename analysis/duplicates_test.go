package analysis

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// A template pasted with small edits, word-for-word copies, and short
// answers that coincide without being copied.
func TestFindDuplicates(t *testing.T) {
	tmpl := "生成AIの学習に著作物を無断で使うことには反対です。権利者の許諾を得る仕組みを作ってください。"
	texts := []string{
		tmpl,      // 0
		"駐車場が少ない", // 1: short, repeated below: no copy
		strings.Replace(tmpl, "反対です", "強く反対します", 1), // 2: near
		tmpl,      // 3: exact
		"駐車場が少ない", // 4
		"地域の見守り活動に参加して、住民どうしのつながりが深まったと感じました。",           // 5: unrelated
		"  " + strings.ReplaceAll(tmpl, "。", "．") + "\n", // 6: exact (spacing, punctuation)
		tmpl + "私は漫画家として生計を立てています。",                      // 7: near
		"地域の見守り活動に参加して、住民どうしのつながりが深まったと感じました！また参加したいです。", // 8: near of 5
	}
	d := FindDuplicates(texts, DuplicateOptions{})
	if got := d.Counts(); got != (DuplicateCounts{Exact: 2, Near: 3, Groups: 2}) {
		t.Fatalf("counts %+v, groups %+v", got, d.Groups)
	}
	g := d.Groups[0]
	if g.Template != 0 || g.Variants != 3 || len(g.Members) != 5 {
		t.Fatalf("first group %+v", g)
	}
	var idx []int
	for _, m := range g.Members {
		idx = append(idx, m.Index)
	}
	if !reflect.DeepEqual(idx, []int{0, 2, 3, 6, 7}) {
		t.Errorf("members %v, want the template first then input order", idx)
	}
	byIndex := map[int]DuplicateMember{}
	for _, m := range g.Members {
		byIndex[m.Index] = m
	}
	if !byIndex[3].Exact || !byIndex[6].Exact || byIndex[2].Exact || byIndex[7].Exact {
		t.Errorf("exact flags %+v", g.Members)
	}
	if want := []DiffPart{{"-", "反対です"}, {"+", "強く反対します"}}; !reflect.DeepEqual(byIndex[2].Diff, want) {
		t.Errorf("diff of an edited copy: %+v, want %+v", byIndex[2].Diff, want)
	}
	if want := []DiffPart{{"+", "私は漫画家として生計を立てています。"}}; !reflect.DeepEqual(byIndex[7].Diff, want) {
		t.Errorf("diff of an extended copy: %+v, want %+v", byIndex[7].Diff, want)
	}
	if g2 := d.Groups[1]; g2.Template != 5 || len(g2.Members) != 2 || g2.Members[1].Index != 8 {
		t.Errorf("second group %+v", g2)
	}
	repeats := d.Repeats(len(texts))
	if want := []bool{false, false, true, true, false, false, true, true, true}; !reflect.DeepEqual(repeats, want) {
		t.Errorf("repeats %v, want %v", repeats, want)
	}
	// The same texts give the same groups; so does a copy of the input.
	if again := FindDuplicates(append([]string(nil), texts...), DuplicateOptions{}); !reflect.DeepEqual(again, d) {
		t.Error("a second run differs")
	}
	// Short answers repeat without being copies, unless asked.
	if d := FindDuplicates([]string{"駐車場が少ない", "駐車場が少ない"}, DuplicateOptions{MinRunes: 5}); d.Exact != 1 {
		t.Errorf("MinRunes 5: %+v", d.Counts())
	}
	if d := FindDuplicates(nil, DuplicateOptions{}); len(d.Groups) != 0 {
		t.Errorf("no answers: %+v", d)
	}
}

// On the Fukui questionnaire the copies are one visitor answering at several
// spots of a tour within minutes (verified by hand: the members of every
// group of 福井県に求めるもの share a day, most a half hour), and their
// number matches an independent count of answers repeating an earlier one
// word for word (Python, same normalisation: 37 in 20 sets).
func TestFindDuplicatesFukui(t *testing.T) {
	var texts, when []string
	for _, r := range fukuiRecords(t) {
		if v, ok := r.Answers["福井県に求めるもの"]; ok {
			texts = append(texts, v)
			when = append(when, r.When)
		}
	}
	d := FindDuplicates(texts, DuplicateOptions{})
	if d.Exact != 37 {
		t.Errorf("exact copies %d, want 37", d.Exact)
	}
	if d.Near < 8 || len(d.Groups) < 20 || len(d.Groups) > 35 {
		t.Errorf("counts %+v", d.Counts())
	}
	if g := d.Groups[0]; len(g.Members) != 6 || !strings.HasPrefix(texts[g.Template], "道の駅等のお土産を取り扱っている店を巡った") {
		t.Errorf("largest group: %d answers, template %q", len(g.Members), texts[g.Template])
	}
	sameDay := 0
	for _, g := range d.Groups {
		day := when[g.Template][:10]
		all := true
		for _, m := range g.Members {
			all = all && when[m.Index][:10] == day
		}
		if all {
			sameDay++
		}
	}
	if sameDay*10 < len(d.Groups)*7 {
		t.Errorf("only %d of %d groups answered on one day", sameDay, len(d.Groups))
	}
	// A near-copy: the same visitor, two days, small edits.
	found := false
	for _, g := range d.Groups {
		if texts[g.Template] == "越前ガニと海鮮を、お酒とともに満足するまで食べたい" {
			found = g.Variants == 3 && len(g.Members) == 4
		}
	}
	if !found {
		t.Error("the 越前ガニと海鮮 group (4 answers, 3 wordings) not found")
	}
}

// BenchmarkFindDuplicates: real answers (the Fukui questionnaire's free
// text, then chABSA sentences and aozora paragraphs to reach 100,000).
//
//	go test -run '^$' -bench FindDuplicates -benchtime 3x ./analysis/
func BenchmarkFindDuplicates(b *testing.B) {
	texts := fukuiAnswers(b, 0)
	texts = append(texts, corpusLines(b, "chabsa-sentences.txt")...)
	texts = append(texts, corpusLines(b, "aozora-paragraphs.txt")...)
	for _, n := range []int{16000, 64000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			in := texts[:n]
			var d Duplicates
			cpu0, ok := processCPU()
			for b.Loop() {
				d = FindDuplicates(in, DuplicateOptions{})
			}
			if cpu1, _ := processCPU(); ok {
				// CPU time, which other processes on a shared machine do not inflate.
				b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(len(d.Groups)), "groups")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/answer")
		})
	}
}
