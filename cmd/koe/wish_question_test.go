package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// Real answers to the Fukui questionnaire's 施設に求めるもの, stored under two
// questions: one asking what people want and one asking for reasons. The
// same answers get the praise code under the reason question only; the
// wish question's analysis, code-book page and drill-down leave it out and
// the page says why. Both databases.
func TestPraiseIsLeftOutOfWishQuestions(t *testing.T) {
	runBeside(t)
	wishes := testcorpus.CSVColumn(t, "fukui-kanko/fukui-kanko-2022-2024.csv", "施設に求めるもの")
	if len(wishes) < 400 {
		t.Fatalf("%d answers in the corpus", len(wishes))
	}
	wishes = wishes[:400]
	const praise = "評価・よかった点"
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			def := `slug: wish
title: 施設アンケート
questions:
  - key: reason
    type: textarea
    label: 満足度の理由
    analyze: true
  - key: wish
    type: textarea
    label: 施設に求めるもの
    analyze: true
`
			if out, err := koe(t, "", "survey", "apply", "--db", dbURL, "-f", writeFile(t, "wish.yaml", []byte(def))); err != nil {
				t.Fatalf("apply: %q %v", out, err)
			}
			path := filepath.Join(t.TempDir(), "wish.csv")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			w := csv.NewWriter(f)
			w.Write([]string{"No.", "満足度の理由", "施設に求めるもの"})
			for i, a := range wishes {
				w.Write([]string{fmt.Sprint(i + 1), a, a})
			}
			w.Flush()
			if err := f.Close(); err != nil || w.Error() != nil {
				t.Fatal(err, w.Error())
			}
			if out, err := koe(t, "", "import", "--db", dbURL, "--survey", "wish", "--format", "table", path); err != nil {
				t.Fatalf("import: %q %v", out, err)
			}
			docs := map[string]map[string]int{}
			for _, q := range []string{"reason", "wish"} {
				res, _ := analyzeJSON(t, "--db", dbURL, "--survey", "wish", "--question", q)
				docs[q] = map[string]int{}
				for _, c := range res.Codes {
					docs[q][c.Code] = c.Docs
				}
			}
			if docs["reason"][praise] == 0 || docs["reason"]["要望"] == 0 {
				t.Fatalf("under 満足度の理由 the answers are not coded as praise and requests: %v", docs["reason"])
			}
			if n, ok := docs["wish"][praise]; ok {
				t.Errorf("under 施設に求めるもの %d answers are coded as praise", n)
			}
			if docs["wish"]["要望"] != docs["reason"]["要望"] {
				t.Errorf("requests: %d under the wish question, %d under the reason question", docs["wish"]["要望"], docs["reason"]["要望"])
			}

			ts, _ := adminServer(t, dbURL)
			admin := signInAs(t, ts, "admin@koe.test")
			_, page := get(t, admin, ts.URL+"/surveys/wish/codes?question=reason")
			if rows := codeRows(page); rows[praise][0] == "" || rows[praise][0] == "0" {
				t.Errorf("code-book page, reason question: %v", rows)
			}
			_, page = get(t, admin, ts.URL+"/surveys/wish/codes?question=wish")
			if _, ok := codeRows(page)[praise]; ok || !strings.Contains(page, "この設問は要望を尋ねているので、"+praise+"は数えません") {
				t.Errorf("code-book page, wish question: %v", codeRows(page))
			}
			if got := drillTexts(t, admin, ts.URL, "/surveys/wish/answers?question=wish&code="+praise); len(got) != 0 {
				t.Errorf("the praise drill-down of the wish question lists %d answers", len(got))
			}
		})
	}
}
