package main

import (
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// fukuiByAge imports n real answers of 不便さの内容 with the respondent's
// 年代 as an attribute into one survey (fukui-age) and returns the age
// values that occur.
func fukuiByAge(t *testing.T, dbURL string, n int) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(testcorpus.Dir(t), "fukui-kanko/fukui-kanko-2022-2024.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	age, text := slices.Index(header, "年代"), slices.Index(header, "不便さの内容")
	var rows [][]string
	var ages []string
	for len(rows) < n {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(row[text]) == "" || row[age] == "" {
			continue
		}
		rows = append(rows, []string{fmt.Sprint(len(rows) + 1), row[age], row[text]})
		if !slices.Contains(ages, row[age]) {
			ages = append(ages, row[age])
		}
	}
	slices.Sort(ages)
	def := "slug: fukui-age\ntitle: 福井 観光アンケート（年代つき）\nquestions:\n" +
		"  - {key: age, type: single, label: 年代, attribute: true, options: [" + strings.Join(ages, ", ") + "]}\n" +
		"  - {key: inconvenience, type: textarea, label: 不便さの内容, analyze: true}\n"
	if out, err := koe(t, "", "survey", "apply", "--db", dbURL, "-f", writeFile(t, "age.yaml", []byte(def))); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"No.", "年代", "不便さの内容"})
	w.WriteAll(rows)
	if out, err := koe(t, "", "import", "--db", dbURL, "--survey", "fukui-age", "--format", "table", writeFile(t, "age.csv", []byte(b.String()))); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	return ages
}

var filterOptionRE = regexp.MustCompile(`<select name="(group|event)"><option value="">すべて</option>(.*?)</select>`)

// A drill-down page narrows its answers by the attribute (a survey) or the
// event (a series): on real answers, both databases, the form offers every
// value, each value's list holds only answers of that value, and the lists
// add up to the whole; the dashboard's panel links to that page.
func TestDrillDownNarrowsByAttributeAndEvent(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, dbURL, _ := fukuiServer(t, kind)
			ages := fukuiByAge(t, dbURL, 300)
			admin := signInAs(t, ts, "admin@koe.test")
			for _, c := range []struct {
				page, link string
				values     []string
			}{
				{"/surveys/fukui-age", "/surveys/fukui-age/answers?question=inconvenience&issue=", ages},
				{"/series/fukui-test", "/series/fukui-test/answers?issue=", []string{"2024-01-01 第1回", "2024-02-01 第2回"}},
			} {
				_, page := get(t, admin, ts.URL+c.page)
				cards, _ := issueCardLinks(t, page)
				if len(cards) == 0 {
					t.Fatalf("%s: no issue cards", c.page)
				}
				link := cards[0][2]
				whole, _ := drillCount(t, admin, ts.URL, link)
				_, full := get(t, admin, ts.URL+link)
				m := filterOptionRE.FindStringSubmatch(full)
				if m == nil {
					t.Fatalf("%s: the drill-down page has no filter form", link)
				}
				name := m[1]
				var offered []string
				for _, o := range regexp.MustCompile(`<option>([^<]*)</option>`).FindAllStringSubmatch(m[2], -1) {
					offered = append(offered, html.UnescapeString(o[1]))
				}
				if !slices.Equal(offered, c.values) {
					t.Errorf("%s offers %q, want %q", name, offered, c.values)
				}
				sum, narrower := 0, false
				for _, v := range offered {
					said, listed := drillCount(t, admin, ts.URL, link+"&"+name+"="+url.QueryEscape(v))
					if said > whole || (listed != said && listed != 100) {
						t.Errorf("%s=%s: says %d, lists %d, of %d", name, v, said, listed, whole)
					}
					sum += said
					narrower = narrower || (said > 0 && said < whole)
				}
				if sum != whole || !narrower {
					t.Errorf("%s: the %s lists add up to %d of %d (narrower: %v)", link, name, sum, whole, narrower)
				}
				if _, frag := get(t, admin, ts.URL+link+"&fragment=1"); !strings.Contains(frag, "別のページで開く") {
					t.Errorf("%s: the panel does not link to the page with the filter", link)
				}
			}
		})
	}
}
