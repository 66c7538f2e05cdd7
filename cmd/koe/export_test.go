package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/survey/examples"
)

// roundTrips are answers through the JSON API that a CSV must carry back
// exactly: その他 texts (one with the multi-select separator in it), cells a
// spreadsheet would run as formulas, line breaks, partial grids, personal
// fields and consent.
var roundTrips = map[string][]string{
	"meeting-feedback.yaml": {
		validAnswer,
		`{"answers":{"role":"大学","satisfaction":2,"useful":["地域; 連携の勉強会","財源の確保"],"program":{"質疑応答":"どちらともいえない"},"comments":"=SUM(A1:A9)","next_theme":"-マイナスから始まる意見"}}`,
		`{"answers":{"role":"NPO・市民活動団体","satisfaction":5,"recommend":0,"comments":"@メンション\n改行のある感想","next_time":"都合が合えば参加したい"}}`,
	},
	"registration.yaml": {
		`{"answers":{"name":"山田 花子","org":"+プラス市","email":"hanako@example.jp","contact_ok":"はい","privacy":true,"questions_for_speakers":"多機関協働の、始め方は？"}}`,
		`{"answers":{"name":"佐藤 一郎","org":"社会福祉協議会","department":"地域福祉課","email":"ichiro@example.jp","contact_ok":"いいえ","privacy":true}}`,
	},
}

func TestExportCSVRoundTrip(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := dbtest.URL(t, kind)
			db, err := openDB(context.Background(), dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ts := newTestServer(t, db)
			for file, answers := range roundTrips {
				src := string(examples.File(file))
				s := ts.apply(src)
				for _, a := range answers {
					if code, out := ts.postJSON("/api/v1/surveys/"+s.Slug+"/responses", "", a); code != http.StatusCreated {
						t.Fatalf("%s: %d %v", file, code, out)
					}
				}
				csvFile := writeFile(t, s.Slug+".csv", nil)
				if out, err := koe(t, "", "export", "--db", dbURL, "--survey", s.Slug, "--format", "csv", "-o", csvFile); err != nil {
					t.Fatalf("export csv: %q %v", out, err)
				}
				data, _ := os.ReadFile(csvFile)
				checkCSVShape(t, file, data)

				copySlug := s.Slug + "-copy"
				def := writeFile(t, "copy.yaml", []byte(strings.Replace(src, "slug: "+s.Slug, "slug: "+copySlug, 1)))
				if out, err := koe(t, "", "survey", "apply", "--db", dbURL, "-f", def); err != nil {
					t.Fatalf("apply copy: %q %v", out, err)
				}
				if out, err := koe(t, "", "import", "--db", dbURL, "--survey", copySlug, "--format", "koe", csvFile); err != nil {
					t.Fatalf("import the export: %q %v", out, err)
				}
				want, got := comparable(t, exportedAnswers(t, dbURL, s.Slug)), comparable(t, exportedAnswers(t, dbURL, copySlug))
				if len(want) != len(answers) || strings.Join(want, "\n") != strings.Join(got, "\n") {
					t.Errorf("%s: the copy differs from the original\noriginal:\n%s\ncopy:\n%s", file, strings.Join(want, "\n"), strings.Join(got, "\n"))
				}
			}
		})
	}
}

// comparable renders exported responses without their ids and with times to
// the second (the CSV's precision), sorted, for comparing two surveys.
func comparable(t *testing.T, responses []map[string]any) []string {
	t.Helper()
	var out []string
	for _, r := range responses {
		at, err := time.Parse(time.RFC3339Nano, r["submitted_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r["answers"])
		out = append(out, at.Truncate(time.Second).UTC().Format(time.RFC3339)+" "+string(b))
	}
	sort.Strings(out)
	return out
}

// checkCSVShape checks what Excel and Google Sheets rely on in koe's CSV.
func checkCSVShape(t *testing.T, file string, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Errorf("%s: the CSV has no BOM; Excel on Windows would show mojibake", file)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	header := strings.Join(records[0], "|")
	if !strings.HasPrefix(header, "回答日時|ID|") {
		t.Errorf("%s: header %q", file, header)
	}
	all := string(data)
	switch file {
	case "meeting-feedback.yaml":
		for _, want := range []string{"各プログラムはいかがでしたか [事例紹介]", "各プログラムはいかがでしたか [質疑応答]"} {
			if !strings.Contains(header, want) {
				t.Errorf("no grid column %q in %q", want, header)
			}
		}
		for _, want := range []string{"協働の考え方;財源の確保", "地域; 連携の勉強会;財源の確保", "'=SUM(A1:A9)", "'-マイナスから始まる意見", "'@メンション"} {
			if !strings.Contains(all, want) {
				t.Errorf("the CSV lacks %q", want)
			}
		}
	case "registration.yaml":
		for _, want := range []string{"山田 花子", "hanako@example.jp", "'+プラス市", "同意"} {
			if !strings.Contains(all, want) {
				t.Errorf("the staff CSV lacks %q (personal fields are for staff)", want)
			}
		}
	}
}

func TestStaffCSVDownloadIncludesPersonalFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		s := ts.apply(string(examples.File("registration.yaml")))
		if code, _ := ts.postJSON("/api/v1/surveys/"+s.Slug+"/responses", "", roundTrips["registration.yaml"][0]); code != http.StatusCreated {
			t.Fatalf("submit: %d", code)
		}
		resp, err := signedInStaff(t, ts).Get(ts.URL + "/surveys/" + s.Slug + "/responses.csv")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		checkCSVShape(t, "registration.yaml", body)
	})
}
