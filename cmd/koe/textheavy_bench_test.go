package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// textHeavyYAML is one long free-text question, analysed: a consultation
// whose every answer is a paragraph.
const textHeavyYAML = `slug: text-heavy
title: 長文の意見募集
questions:
  - key: opinion
    type: textarea
    label: "ご意見"
    analyze: true
`

// BenchmarkTextHeavyImport imports the aozora paragraphs of
// shared/corpora (25,000 paragraphs, 8 MB of real prose) as the answers of
// one analysed textarea question, with each koe binary, on each database;
// then, in the same iteration, the floor: kagome loading its dictionary and
// tokenizing the same paragraphs on every core as its own process, and
// MeCab tokenizing them when it is installed (apt-get install mecab
// mecab-ipadic-utf8). Gated as the prefecture benchmarks are:
//
//	KOE_PREFECTURE=1 go test -run '^$' -bench TextHeavyImport -benchtime 1x -v ./cmd/koe/
func BenchmarkTextHeavyImport(b *testing.B) {
	_, bins := prefecture(b)
	dir := b.TempDir()
	paragraphs := testcorpus.Lines(b, "aozora-paragraphs.txt")
	csvPath, textPath, yamlPath := filepath.Join(dir, "opinions.csv"), filepath.Join(dir, "texts.txt"), filepath.Join(dir, "text-heavy.yaml")
	f, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"No.", "ご意見"})
	for i, p := range paragraphs {
		w.Write([]string{fmt.Sprint(i + 1), p})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(textPath, []byte(strings.Join(paragraphs, "\n")+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(yamlPath, []byte(textHeavyYAML), 0o644); err != nil {
		b.Fatal(err)
	}
	os.Setenv("KOE_PREFECTURE_TEXTS", textPath) // for the kagome floor's process
	for _, kind := range dbtest.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			for b.Loop() {
				for i, bin := range bins {
					dbURL := dbtest.URL(b, kind)
					timed(b, "", bin, "survey", "apply", "--db", dbURL, "-f", yamlPath)
					wall, rss, cpu := timedCPU(b, "", bin, "import", "--db", dbURL, "--survey", "text-heavy", "--format", "table", csvPath)
					metric(b, wall.Seconds(), fmt.Sprintf("b%d-import-s", i))
					metric(b, cpu.Seconds(), fmt.Sprintf("b%d-import-cpu-s", i))
					metric(b, rss, fmt.Sprintf("b%d-import-MB", i))
				}
				kagome, _, kagomeCPU := timedCPU(b, "", os.Args[0], "-test.run=^TestPrefectureKagomeFloor$", "-test.count=1", "-test.v")
				metric(b, kagome.Seconds(), "floor-kagome-s")
				metric(b, kagomeCPU.Seconds(), "floor-kagome-cpu-s")
				if _, err := exec.LookPath("mecab"); err == nil {
					mecab, _, _ := timedCPU(b, "", "sh", "-c", "mecab < "+textPath+" > /dev/null")
					metric(b, mecab.Seconds(), "mecab-s")
				}
				metric(b, float64(len(paragraphs)), "paragraphs")
			}
		})
	}
}
