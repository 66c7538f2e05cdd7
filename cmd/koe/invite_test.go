package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
)

const inviteSurvey = `slug: %s
title: 取組状況調査
anonymous: %v
questions:
  - key: stage
    type: single
    label: 取組の段階
    required: true
    options: [検討中, 実施中]
`

const inviteList = "\ufeff団体名,メール\n青葉市,aoba@example.jp\n緑町,\n若葉村,wakaba@example.jp\n"

// Invitation codes: each answers once (form and JSON API), a revoked code is
// refused and its reissued code works, the not-yet-answered list is right, and
// an anonymous survey's rows hold no link between an invitee and an answer.
func TestInvitationCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		c := ts.editorClient("invite@example.jp")
		ctx := context.Background()
		for _, anonymous := range []bool{false, true} {
			slug := map[bool]string{false: "invite-named", true: "invite-anon"}[anonymous]
			s := ts.apply(fmt.Sprintf(inviteSurvey, slug, anonymous))
			base := ts.URL + "/surveys/" + slug
			anon := formClient()
			if resp, _ := get(t, anon, ts.URL+"/s/"+slug); resp.StatusCode != http.StatusOK {
				t.Fatalf("open survey before invitations: %d", resp.StatusCode)
			}
			resp, body := postForm(t, c, base+"/invitations", url.Values{"list": {"青葉市,not-an-address\n"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "not-an-address") {
				t.Errorf("bad e-mail: %d", resp.StatusCode)
			}
			resp, _ = postFile(t, c, base+"/invitations", "list.csv", []byte(inviteList))
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d", resp.StatusCode)
			}
			list, err := ts.app.surveys.Invitations(ctx, s)
			if err != nil || len(list) != 3 || list[0].Name != "青葉市" || list[0].Email != "aoba@example.jp" || list[1].Email != "" {
				t.Fatalf("invitations: %+v %v", list, err)
			}
			codeA, codeB, codeC := list[0].Code, list[1].Code, list[2].Code
			if len(codeA) < 20 || codeA == codeB {
				t.Errorf("codes are not unguessable: %q %q", codeA, codeB)
			}
			// Without a code the survey is refused; an unknown code has its own page.
			if resp, _ := get(t, anon, ts.URL+"/s/"+slug); resp.StatusCode != http.StatusForbidden {
				t.Errorf("form without a code: %d", resp.StatusCode)
			}
			if code, _ := ts.postJSON("/api/v1/surveys/"+slug+"/responses", "", `{"answers":{"stage":"検討中"}}`); code != http.StatusForbidden {
				t.Errorf("API without a code: %d", code)
			}
			if resp, _ := get(t, anon, ts.URL+"/s/"+slug+"?code=nosuchcode"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("unknown code: %d", resp.StatusCode)
			}
			// A answers through the short link and the form, once.
			resp, _ = get(t, anon, ts.URL+"/i/"+codeA)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/s/"+slug+"?code="+codeA {
				t.Errorf("/i/{code}: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			resp, body = get(t, anon, ts.URL+"/s/"+slug+"?code="+codeA)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="code" value="`+codeA+`"`) {
				t.Fatalf("form with a code: %d", resp.StatusCode)
			}
			answer := url.Values{"_token": {"tok-a-" + slug}, "code": {codeA}, "q.stage": {"実施中"}}
			if resp, _ := postForm(t, anon, ts.URL+"/s/"+slug, answer); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer with code A: %d", resp.StatusCode)
			}
			if resp, _ := postForm(t, anon, ts.URL+"/s/"+slug, answer); resp.StatusCode != http.StatusSeeOther || ts.count(slug) != 1 {
				t.Errorf("the same form sent twice (a double tap): %d, %d responses", resp.StatusCode, ts.count(slug))
			}
			answer.Set("_token", "tok-a2-"+slug)
			if resp, body := postForm(t, anon, ts.URL+"/s/"+slug, answer); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "既に回答") {
				t.Errorf("second answer with code A: %d", resp.StatusCode)
			}
			if code, _ := ts.postJSON("/api/v1/surveys/"+slug+"/responses?code="+codeA, "", `{"answers":{"stage":"検討中"}}`); code != http.StatusConflict {
				t.Errorf("API with used code A: %d", code)
			}
			// B answers through the API, once; a retry with the same Idempotency-Key is a replay.
			if code, out := ts.postJSON("/api/v1/surveys/"+slug+"/responses?code="+codeB, "retry-b", `{"answers":{"stage":"検討中"}}`); code != http.StatusCreated {
				t.Fatalf("API with code B: %d %v", code, out)
			}
			if code, _ := ts.postJSON("/api/v1/surveys/"+slug+"/responses?code="+codeB, "retry-b", `{"answers":{"stage":"検討中"}}`); code != http.StatusOK {
				t.Errorf("replay of the same Idempotency-Key with code B: %d, want 200", code)
			}
			if code, _ := ts.postJSON("/api/v1/surveys/"+slug+"/responses?code="+codeB, "", `{"answers":{"stage":"検討中"}}`); code != http.StatusConflict {
				t.Errorf("API with used code B: %d", code)
			}
			// C is revoked, then reissued.
			postForm(t, c, fmt.Sprintf("%s/invitations/%d/revoke", base, list[2].ID), nil)
			if resp, body := get(t, anon, ts.URL+"/s/"+slug+"?code="+codeC); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "無効") {
				t.Errorf("revoked code: %d", resp.StatusCode)
			}
			if code, _ := ts.postJSON("/api/v1/surveys/"+slug+"/responses?code="+codeC, "", `{"answers":{"stage":"検討中"}}`); code != http.StatusConflict {
				t.Errorf("API with revoked code: %d", code)
			}
			postForm(t, c, fmt.Sprintf("%s/invitations/%d/reissue", base, list[2].ID), nil)
			list, _ = ts.app.surveys.Invitations(ctx, s)
			if len(list) != 4 || list[3].Name != "若葉村" || list[3].Code == codeC {
				t.Fatalf("reissue: %+v", list)
			}
			if resp, _ := get(t, anon, ts.URL+"/s/"+slug+"?code="+list[3].Code); resp.StatusCode != http.StatusOK {
				t.Errorf("reissued code: %d", resp.StatusCode)
			}
			if n := ts.count(slug); n != 2 {
				t.Errorf("%d responses, want 2", n)
			}
			// Staff see who has answered and who has not.
			resp, body = get(t, c, base+"/invitations")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "回答済み 2 / 3（未回答 1）") || !strings.Contains(body, "/i/"+list[3].Code) {
				t.Errorf("invitation page: %d\n%s", resp.StatusCode, body)
			}
			resp, csvText := get(t, c, base+"/invitations.csv")
			if resp.StatusCode != http.StatusOK {
				t.Errorf("invitations.csv: %d", resp.StatusCode)
			}
			for _, line := range []string{"青葉市,aoba@example.jp,", "緑町,,", "若葉村,wakaba@example.jp,"} {
				if !strings.Contains(csvText, line) {
					t.Errorf("CSV lacks %q:\n%s", line, csvText)
				}
			}
			want := []string{"回答済み", "回答済み", "無効", "未回答"}
			for i, row := range strings.Split(strings.TrimSpace(csvText), "\n")[1:] {
				if !strings.HasSuffix(strings.TrimSpace(row), ","+want[i]) {
					t.Errorf("CSV row %d: %q, want status %s", i, row, want[i])
				}
			}

			// What the database holds.
			var linked []string
			if err := db.NewSelect().Table("invitations").Column("response_id").
				Where("survey_id = ? AND response_id IS NOT NULL", s.ID).Scan(ctx, &linked); err != nil {
				t.Fatal(err)
			}
			if !anonymous && len(linked) != 2 {
				t.Errorf("named survey: %d invitations linked to answers, want 2", len(linked))
			}
			if anonymous {
				if len(linked) != 0 {
					t.Errorf("anonymous survey: invitations point at responses %v", linked)
				}
				var invRows, respRows, ansRows []map[string]any
				db.NewSelect().Table("invitations").Where("survey_id = ?", s.ID).Scan(ctx, &invRows)
				db.NewSelect().Table("responses").Where("survey_id = ?", s.ID).Scan(ctx, &respRows)
				db.NewSelect().Table("answers").Where("response_id IN (SELECT id FROM responses WHERE survey_id = ?)", s.ID).Scan(ctx, &ansRows)
				if len(invRows) != 4 || len(respRows) != 2 || len(ansRows) != 2 {
					t.Fatalf("rows: %d invitations, %d responses, %d answers", len(invRows), len(respRows), len(ansRows))
				}
				answerSide := fmt.Sprint(respRows, ansRows)
				for _, iv := range invRows {
					for col, val := range iv {
						if val == nil || col == "survey_id" || col == "answered" || col == "id" {
							continue
						}
						if s := fmt.Sprint(val); len(s) > 3 && strings.Contains(answerSide, s) {
							t.Errorf("anonymous survey: invitation %s %q appears in the answers' rows", col, s)
						}
					}
				}
				for _, rr := range respRows {
					if strings.Contains(fmt.Sprint(invRows), fmt.Sprint(rr["id"])) {
						t.Errorf("anonymous survey: response %v appears in the invitations' rows", rr["id"])
					}
				}
			}
		}
	})
}
