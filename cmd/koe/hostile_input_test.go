package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
)

// incompressible returns n characters PostgreSQL cannot compress into an index row.
func incompressible(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// A NUL byte (or bytes that are not UTF-8) typed into any staff form is
// refused with 422 and a message saying what is wrong, on both databases
// (PostgreSQL refuses such text; it gave 500 on both), and nothing is stored.
func TestStaffFormsRefuseUnstorableText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		if _, err := ts.app.users.AddUser(context.Background(), "admin@example.jp", editorPassword, "admin"); err != nil {
			t.Fatal(err)
		}
		admin := signInAs(t, ts, "admin@example.jp")
		if resp, _ := postForm(t, admin, ts.URL+"/surveys/new", url.Values{"slug": {"s1"}, "title": {"元のタイトル"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("new survey: %d", resp.StatusCode)
		}
		const nul = "\x00"
		editor := url.Values{"op": {"save"}, "title": {"元のタイトル"}, "n": {"1"},
			"q0.key": {"q1"}, "q0.type": {"single"}, "q0.label": {"設問"}, "q0.options": {"はい\nいい" + nul + "え"}}
		for _, tc := range []struct {
			form, path string
			values     url.Values
			want       string
		}{
			{"login e-mail with a NUL", "/login", url.Values{"email": {"admin@example.jp" + nul}, "password": {editorPassword}}, "使えない文字"},
			{"staff account e-mail with a NUL", "/admin/users", url.Values{"email": {"new" + nul + "@example.jp"}, "role": {"staff"}, "password": {editorPassword}}, "メールアドレスの形ではありません"},
			{"new survey title with a NUL", "/surveys/new", url.Values{"slug": {"s2"}, "title": {"題" + nul}}, "使えない文字"},
			{"editor option with a NUL", "/surveys/s1/edit", editor, "cannot be stored"},
			{"editor title not in UTF-8", "/surveys/s1/edit", url.Values{"op": {"save"}, "title": {"題\xff"}, "n": {"1"},
				"q0.key": {"q1"}, "q0.type": {"text"}, "q0.label": {"設問"}}, "cannot be stored"},
			{"uploaded YAML with a NUL", "/surveys/s1/edit/yaml", url.Values{"yaml": {"slug: s1\ntitle: \"題\\0\"\nquestions:\n  - key: q1\n    type: text\n    label: 設問\n"}}, "upload.yaml:2: title: contains a character that cannot be stored"},
			{"duplicate title with a NUL", "/surveys/s1/duplicate", url.Values{"new_slug": {"s3"}, "new_title": {"写し" + nul}}, "新しいタイトルに使えない文字"},
			{"share e-mail with a NUL", "/surveys/s1/shares", url.Values{"email": {"a" + nul + "@example.jp"}, "level": {"view"}}, "メールアドレスに使えない文字"},
			{"share e-mail of 100 KB", "/surveys/s1/shares", url.Values{"email": {incompressible(100_000) + "@example.jp"}, "level": {"view"}}, "長すぎます（254文字まで）"},
			{"invitation name with a NUL", "/surveys/s1/invitations", url.Values{"list": {"山田" + nul + "太郎,yamada@example.jp"}}, "1行目: 使えない文字"},
		} {
			resp, page := postForm(t, admin, ts.URL+tc.path, tc.values)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) {
				t.Errorf("%s: %d, want 422 saying %q", tc.form, resp.StatusCode, tc.want)
			}
		}
		s, err := ts.app.surveys.SurveyBySlug(context.Background(), "s1")
		if err != nil {
			t.Fatal(err)
		}
		if s.Title != "元のタイトル" {
			t.Errorf("title changed to %q", s.Title)
		}
		for _, table := range []string{"survey_shares", "invitations"} {
			if n, _ := db.NewSelect().Table(table).Count(context.Background()); n != 0 {
				t.Errorf("%d rows stored in %s", n, table)
			}
		}
		if n, _ := db.NewSelect().Table("surveys").Count(context.Background()); n != 1 {
			t.Errorf("%d surveys, want only s1", n)
		}
	})
}

// csvRecords downloads a CSV as c and parses it.
func csvRecords(t *testing.T, c *http.Client, u string) [][]string {
	t.Helper()
	resp, body := get(t, c, u)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// In the answers CSV a number is written as a number (-7, not '-7, which a
// spreadsheet reads as text and does not add up) while text that a
// spreadsheet would run as a formula is still defused.
func TestAnswersCSVWritesNumbersAsNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply("slug: cells\ntitle: 気温の記録\nquestions:\n  - key: temp\n    type: number\n    label: 気温\n    min: -50\n    max: 50\n  - key: note\n    type: text\n    label: メモ\n")
		for _, answer := range []string{`{"answers":{"temp":-7,"note":"-7"}}`, `{"answers":{"temp":-0.5,"note":"=1+1"}}`} {
			if code, out := ts.postJSON("/api/v1/surveys/cells/responses", "", answer); code != http.StatusCreated {
				t.Fatalf("answer %s: %d %v", answer, code, out)
			}
		}
		records := csvRecords(t, signedInStaff(t, ts), ts.URL+"/surveys/cells/responses.csv")
		var got []string
		for _, rec := range records[1:] {
			got = append(got, rec[2]+" | "+rec[3])
		}
		slices.Sort(got)
		if want := []string{"-0.5 | '=1+1", "-7 | '-7"}; !slices.Equal(got, want) {
			t.Errorf("number | text cells: %q, want %q", got, want)
		}
	})
}

// The invitation list downloaded for a mail merge defuses names a
// spreadsheet would run as formulas, and uploading it again gives the
// names as they were.
func TestInvitationCSVDefusesFormulas(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		staff := ts.editorClient("invite@example.jp")
		if resp, _ := postForm(t, staff, ts.URL+"/surveys/new", url.Values{"slug": {"inv"}, "title": {"招待"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("new survey: %d", resp.StatusCode)
		}
		names := []string{`=HYPERLINK("https://evil.example","開く")`, "+81 青葉市", "-緑町", "@SUM(1+1)", "普通の名前"}
		var list strings.Builder
		w := csv.NewWriter(&list)
		for _, n := range names {
			w.Write([]string{n})
		}
		w.Flush()
		if resp, body := postForm(t, staff, ts.URL+"/surveys/inv/invitations", url.Values{"list": {list.String()}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", resp.StatusCode, body)
		}
		download := ts.URL + "/surveys/inv/invitations.csv"
		var got []string
		for _, rec := range csvRecords(t, staff, download)[1:] {
			got = append(got, rec[0])
		}
		want := []string{`'=HYPERLINK("https://evil.example","開く")`, "'+81 青葉市", "'-緑町", "'@SUM(1+1)", "普通の名前"}
		if !slices.Equal(got, want) {
			t.Errorf("names in the download: %q, want %q", got, want)
		}

		_, body := get(t, staff, download)
		if resp, page := postFile(t, staff, ts.URL+"/surveys/inv/invitations", "list.csv", []byte(body)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload of the download: %d\n%s", resp.StatusCode, page)
		}
		s, _ := ts.app.surveys.SurveyBySlug(context.Background(), "inv")
		all, err := ts.app.surveys.Invitations(context.Background(), s)
		if err != nil || len(all) != 2*len(names) {
			t.Fatalf("%d invitations, %v", len(all), err)
		}
		for i, iv := range all[len(names):] {
			if iv.Name != names[i] {
				t.Errorf("uploaded again: %q, want %q", iv.Name, names[i])
			}
		}
	})
}
