package main

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
)

var (
	importColumnRow = regexp.MustCompile(`(?s)<tr(?: class="ignored")?><td>([A-Z]+)</td><td>(.*?)</td><td>(.*?)</td></tr>`)
	tags            = regexp.MustCompile(`<[^>]*>`)
)

// importColumns reads the preview's table of columns: for each column's
// letter, its header and what the import makes of it, as a person reads them.
func importColumns(t *testing.T, page string) map[string][2]string {
	t.Helper()
	table := between(page, `<table class="import-columns"`, `</table>`)
	out := map[string][2]string{}
	for _, m := range importColumnRow.FindAllStringSubmatch(table, -1) {
		out[m[1]] = [2]string{html.UnescapeString(tags.ReplaceAllString(m[2], "")), html.UnescapeString(tags.ReplaceAllString(m[3], ""))}
	}
	return out
}

// Through the real server, on both databases: the preview of an upload says,
// for each column of the file, which question it fills or that it is left
// out and why, before anything is stored; a table with one matching column
// and one no question has, and a Google Forms export with its timestamp and
// matrix columns.
func TestImportPreviewListsColumnsUsedAndIgnored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(importFixture(t, "import-survey.yaml")))
		staff := signedInStaff(t, ts)
		page := ts.URL + "/surveys/import-test/import"
		preview := func(name string, file []byte) map[string][2]string {
			t.Helper()
			code, body, _ := postUpload(t, staff, page, map[string]string{"dry_run": "1", "format": "auto", "tz": "Asia/Tokyo"}, name, file)
			if code != http.StatusOK {
				t.Fatalf("preview of %s: %d\n%s", name, code, body)
			}
			if n := ts.count("import-test"); n != 0 {
				t.Fatalf("the preview of %s stored %d responses", name, n)
			}
			if !strings.Contains(body, "を取り込む</button>") {
				t.Errorf("the preview of %s offers no import to confirm", name)
			}
			return importColumns(t, body)
		}

		// Paper answers typed into a spreadsheet: a remarks column no
		// question has, and the two questions the survey requires.
		cols := preview("紙.csv", []byte("備考,満足度,ご所属\n手書き,4,県\n,5,市町村\n"))
		want := map[string][2]string{
			"A": {"備考", "取り込みません: 見出しが一致する設問がありません"},
			"B": {"満足度", "設問「満足度」"},
			"C": {"ご所属", "設問「ご所属」"},
		}
		if len(cols) != len(want) {
			t.Errorf("columns listed: %q, want %q", cols, want)
		}
		for letter, w := range want {
			if got := cols[letter]; got[0] != w[0] || !strings.HasPrefix(got[1], w[1]) {
				t.Errorf("column %s: %q, want %q", letter, got, w)
			}
		}

		// Without a column for a required question, the problem names the
		// question, and the columns are still listed.
		code, body, _ := postUpload(t, staff, page, map[string]string{"dry_run": "1", "format": "auto", "tz": "Asia/Tokyo"}, "紙.csv", []byte("備考,満足度\n手書き,4\n"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "<td>ご所属</td><td>選択してください（必須）</td>") {
			t.Errorf("a file without a required question's column: %d, the problem does not name ご所属", code)
		}
		if got := importColumns(t, body)["B"]; got != [2]string{"満足度", "設問「満足度」"} {
			t.Errorf("refused, column B is listed as %q", got)
		}

		// A Google Forms export: its timestamp is the date, each matrix row
		// has its column, and every question is filled.
		cols = preview("sheet.csv", importFixture(t, "googleforms-sheet.csv"))
		for letter, w := range map[string][2]string{
			"A": {"タイムスタンプ", "回答日時"},
			"B": {"ご所属", "設問「ご所属」"},
			"D": {"各プログラムはいかがでしたか [事例紹介]", "設問「各プログラムはいかがでしたか」の「事例紹介」"},
			"J": {"連絡先", "設問「連絡先」"},
		} {
			if got := cols[letter]; got != w {
				t.Errorf("Google Forms column %s: %q, want %q", letter, got, w)
			}
		}
		for letter, c := range cols {
			if strings.Contains(c[1], "取り込みません") {
				t.Errorf("Google Forms column %s %q is ignored: %s", letter, c[0], c[1])
			}
		}
	})
}
