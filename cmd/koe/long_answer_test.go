package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
	"github.com/koe-project/koe/survey"
	"github.com/koe-project/koe/survey/examples"
)

// Real prose of the longest allowed length, sent to the JSON API and typed
// into the web form, is stored whole on both databases and comes back
// intact in the JSON and CSV exports and the staff CSV download. PostgreSQL
// used to refuse such an answer with a 500 (an index entry over 2,704
// bytes), and the form respondent lost what they had typed.
func TestLongestAnswersThroughAPIFormAndExports(t *testing.T) {
	apiText := testcorpus.Prose(t, survey.MaxTextareaLen, 200)
	formText := testcorpus.Prose(t, survey.MaxTextareaLen, 300)
	otherText := testcorpus.Prose(t, survey.MaxTextLen, 400) // その他 of the role question
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := context.Background()
			dbURL := dbtest.URL(t, kind)
			db, err := openDB(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ts := newTestServer(t, db)
			s := ts.apply(string(examples.File("meeting-feedback.yaml")))

			body, _ := json.Marshal(map[string]any{"answers": map[string]any{"role": otherText, "satisfaction": 4, "comments": apiText}})
			if code, out := ts.postJSON(meetingAPI, "", string(body)); code != http.StatusCreated {
				t.Fatalf("API: %d %v", code, out)
			}

			c := formClient()
			resp, err := c.Get(ts.URL + "/s/" + s.Slug)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			token := between(string(page), `name="_token" value="`, `"`)
			form := url.Values{"_token": {token}, "q.role": {"その他"}, "q.role.other": {otherText}, "q.satisfaction": {"5"},
				"q.comments": {strings.ReplaceAll(formText, "\n", "\r\n")}} // as a browser sends line breaks
			resp, err = c.PostForm(ts.URL+"/s/"+s.Slug, form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("form: %d, want 303 to the thank-you page", resp.StatusCode)
			}

			want := []string{apiText, formText}
			var exported []string
			for _, r := range exportedAnswers(t, dbURL, s.Slug) {
				answers, _ := r["answers"].(map[string]any)
				if answers["role"] != otherText {
					t.Errorf("JSON export: the その他 text came back changed")
				}
				text, _ := answers["comments"].(string)
				exported = append(exported, text)
			}
			if !slices.Equal(exported, want) {
				t.Errorf("JSON export: the long comments came back changed (lengths %d, want %d and %d)", lengths(exported), len(apiText), len(formText))
			}

			csvFile := writeFile(t, "long.csv", nil)
			if out, err := koe(t, "", "export", "--db", dbURL, "--survey", s.Slug, "--format", "csv", "-o", csvFile); err != nil {
				t.Fatalf("export csv: %q %v", out, err)
			}
			fromCLI, _ := os.ReadFile(csvFile)
			resp, err = signedInStaff(t, ts).Get(ts.URL + "/surveys/" + s.Slug + "/responses.csv")
			if err != nil {
				t.Fatal(err)
			}
			downloaded, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for name, data := range map[string][]byte{"koe export": fromCLI, "staff download": downloaded} {
				comments, roles := csvColumn(t, data, "ご感想・ご意見（自由記述）"), csvColumn(t, data, "ご所属を教えてください")
				if !slices.Equal(comments, want) {
					t.Errorf("%s CSV: the long comments came back changed (lengths %d)", name, lengths(comments))
				}
				if len(roles) != 2 || roles[0] != otherText || roles[1] != otherText {
					t.Errorf("%s CSV: the その他 texts came back changed", name)
				}
			}
		})
	}
}

// csvColumn returns the cells of a koe CSV's column, by its header.
func csvColumn(t *testing.T, data []byte, header string) []string {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("CSV: %v", err)
	}
	col := slices.Index(records[0], header)
	if col < 0 {
		t.Fatalf("no column %q in %q", header, records[0])
	}
	var out []string
	for _, r := range records[1:] {
		out = append(out, r[col])
	}
	return out
}

func lengths(texts []string) []int {
	var n []int
	for _, s := range texts {
		n = append(n, len(s))
	}
	return n
}
