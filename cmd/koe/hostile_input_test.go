package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
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
