package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

var (
	analysedRE = regexp.MustCompile(`分析した回答(\d+)件を`)
	repeatsRE  = regexp.MustCompile(`写し・ほぼ同じ回答(\d+)件`)
)

// issueCounts reads the issue section of a dashboard: the answers grouped
// and the copies it names.
func issueCounts(t *testing.T, c *http.Client, u string) (analysed, repeats int, page string) {
	t.Helper()
	resp, page := get(t, c, u)
	a, r := analysedRE.FindStringSubmatch(page), repeatsRE.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || a == nil || r == nil {
		t.Fatalf("%s: %d, analysed %v, copies %v", u, resp.StatusCode, a, r)
	}
	analysed, _ = strconv.Atoi(a[1])
	repeats, _ = strconv.Atoi(r[1])
	return analysed, repeats, page
}

// On a meeting's answers with a text pasted six times, the dashboard's
// issue groups count each group of copies once by default and say so, with
// a switch (?copies=all) to the raw counts, which count every copy and say
// that instead; each view keeps its own counts when asked again (their
// cached blocks are apart).
func TestDashboardSwitchesToRawCounts(t *testing.T) {
	runBeside(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ts, dbURL, _ := fukuiServer(t, kind)
			pasted := ""
			for _, x := range testcorpus.CSVColumn(t, "fukui-kanko/fukui-kanko-2022-2024.csv", "不便さの内容")[150:300] {
				if utf8.RuneCountInString(x) >= 40 {
					pasted = x
					break
				}
			}
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			w.Write([]string{"No.", "不便さの内容"})
			for i := range 5 {
				w.Write([]string{fmt.Sprint(1000 + i), pasted})
			}
			w.Flush()
			if out, err := koe(t, "", "import", "--db", dbURL, "--survey", "fukui-2", "--format", "table", writeFile(t, "copies.csv", b.Bytes())); err != nil {
				t.Fatalf("import: %q %v", out, err)
			}
			admin := signInAs(t, ts, "admin@koe.test")
			dash := ts.URL + "/surveys/fukui-2"

			once, copies, page := issueCounts(t, admin, dash)
			if copies < 5 || !strings.Contains(page, `class="copies-once"`) || !strings.Contains(page, `href="?copies=all" class="copies-toggle"`) {
				t.Fatalf("by default: %d copies named, counted once said %v, switch %v", copies, strings.Contains(page, `class="copies-once"`), strings.Contains(page, `copies=all`))
			}
			all, copiesAll, page := issueCounts(t, admin, dash+"?copies=all")
			if all != once+copies || copiesAll != copies || !strings.Contains(page, `class="copies-all"`) || !strings.Contains(page, `href="?" class="copies-toggle"`) {
				t.Errorf("raw counts: %d answers grouped (counted once %d, copies %d), copies %d, said %v", all, once, copies, copiesAll, strings.Contains(page, `class="copies-all"`))
			}
			if again, _, _ := issueCounts(t, admin, dash); again != once {
				t.Errorf("counted once after the raw counts: %d, want %d", again, once)
			}
			if again, _, _ := issueCounts(t, admin, dash+"?copies=all"); again != all {
				t.Errorf("raw counts again: %d, want %d", again, all)
			}
			t.Logf("%d answers grouped counting copies once, %d counting each of %d copies", once, all, copies)
		})
	}
}
