package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/hostile"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// importFixture returns a file of survey/testdata, shared with the import tests of internal/store.
func importFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "survey", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exportedAnswers runs koe export --format json and returns the responses.
func exportedAnswers(t *testing.T, db, slug string) []map[string]any {
	t.Helper()
	out, err := koe(t, "", "export", "--db", db, "--survey", slug, "--format", "json")
	var exp struct {
		Responses []map[string]any `json:"responses"`
	}
	if err != nil || json.Unmarshal([]byte(out), &exp) != nil {
		t.Fatalf("export %s: %v %q", slug, err, out)
	}
	return exp.Responses
}

func TestCLIImport(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.URL(t, kind)
			def := writeFile(t, "import-survey.yaml", importFixture(t, "import-survey.yaml"))
			if out, err := koe(t, "", "survey", "apply", "--db", db, "-f", def); err != nil {
				t.Fatalf("apply: %q %v", out, err)
			}
			file := writeFile(t, "回答.csv", importFixture(t, "googleforms-download.csv"))
			out, err := koe(t, "", "import", "--db", db, "--survey", "import-test", "--dry-run", file)
			if err != nil || !strings.Contains(out, "4 would be stored") || !strings.Contains(out, "nothing stored") {
				t.Fatalf("dry run: %q %v", out, err)
			}
			if n := len(exportedAnswers(t, db, "import-test")); n != 0 {
				t.Fatalf("the dry run stored %d responses", n)
			}
			// Flags after the file work too.
			out, err = koe(t, "", "import", file, "--db", db, "--survey", "import-test", "--format", "googleforms")
			if err != nil || !strings.Contains(out, "4 stored, 0 already imported") || !strings.Contains(out, "連絡先") {
				t.Fatalf("import: %q %v", out, err)
			}
			out, err = koe(t, "", "import", "--db", db, "--survey", "import-test", file)
			if err != nil || !strings.Contains(out, "0 stored, 4 already imported") {
				t.Fatalf("second import: %q %v", out, err)
			}
			got := exportedAnswers(t, db, "import-test")
			if len(got) != 4 || got[0]["submitted_at"] != "2020-09-08T19:00:00Z" {
				t.Fatalf("after importing twice: %v", got)
			}

			bad := writeFile(t, "bad.csv", importFixture(t, "bad-values.csv"))
			out, err = koe(t, "", "import", "--db", db, "--survey", "import-test", bad)
			if err == nil || !strings.Contains(err.Error(), "7 problem(s)") || !strings.Contains(err.Error(), "nothing stored") {
				t.Errorf("bad file: %v", err)
			}
			if !strings.Contains(out, "3行目・列「満足度」: 1〜5で回答してください") || !strings.Contains(out, "近い選択肢:「参考になった」") {
				t.Errorf("bad file output does not name row, column and hint:\n%s", out)
			}
			if n := len(exportedAnswers(t, db, "import-test")); n != 4 {
				t.Errorf("a bad file changed the stored responses: %d", n)
			}
			for _, args := range [][]string{
				{"import", "--db", db, "--survey", "import-test"},
				{"import", "--db", db, file},
				{"import", "--db", db, "--survey", "nope", file},
				{"import", "--db", db, "--survey", "import-test", "--format", "typeform", file},
				{"import", "--db", db, "--survey", "import-test", "--tz", "Mars/Olympus", file},
				{"import", "--db", db, "--survey", "import-test", filepath.Join(t.TempDir(), "missing.csv")},
			} {
				if _, err := koe(t, "", args...); err == nil {
					t.Errorf("koe %v succeeded", args)
				}
			}
		})
	}
}

// signedInStaff returns a client signed in as a staff member.
func signedInStaff(t *testing.T, ts *testServer) *http.Client {
	t.Helper()
	const password = "取り込み担当の長いパスワードです二十四文字以上"
	if _, err := ts.app.users.AddUser(context.Background(), "import@example.jp", password, "staff"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := formClient()
	c.Jar = jar
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"email": {"import@example.jp"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return c
}

// postUpload posts the import form as a browser does (multipart).
func postUpload(t *testing.T, c *http.Client, target string, fields map[string]string, fileName string, file []byte) (int, string, http.Header) {
	t.Helper()
	return send(t, c, uploadRequest(target, fields, fileName, file))
}

func uploadRequest(target string, fields map[string]string, fileName string, file []byte) *http.Request {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("file", fileName)
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", target, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

func send(t *testing.T, c *http.Client, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(page), resp.Header
}

func TestImportUploadPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(importFixture(t, "import-survey.yaml")))
		page := ts.URL + "/surveys/import-test/import"

		anon := formClient()
		resp, _ := anon.Get(page)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous GET: %d, want 401", resp.StatusCode)
		}
		if code, _, _ := postUpload(t, anon, page, nil, "sheet.csv", importFixture(t, "googleforms-sheet.csv")); code != http.StatusUnauthorized {
			t.Errorf("anonymous upload: %d, want 401", code)
		}

		staff := signedInStaff(t, ts)
		resp, _ = staff.Get(page)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `enctype="multipart/form-data"`) {
			t.Fatalf("GET import page: %d", resp.StatusCode)
		}

		code, html1, _ := postUpload(t, staff, page, map[string]string{"dry_run": "1", "format": "auto", "tz": "Asia/Tokyo"},
			"sheet.csv", importFixture(t, "googleforms-sheet.csv"))
		for _, want := range []string{"新しく保存: 3件", "Google スプレッドシートから保存した CSV", "企画, 運営の工夫;協働の考え方", "2024/10/06 19:51", "この内容で3件を取り込む"} {
			if !strings.Contains(html1, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if code != 200 || ts.count("import-test") != 0 {
			t.Fatalf("dry run: %d, %d stored", code, ts.count("import-test"))
		}

		code, html2, _ := postUpload(t, staff, page, map[string]string{"dry_run": "1", "format": "googleforms", "tz": "UTC"},
			"bad.csv", importFixture(t, "bad-values.csv"))
		for _, want := range []string{"何も保存していません", "問題の一覧（7件）", "<td>満足度</td>", "1〜5で回答してください",
			"近い選択肢:「参考になった」", `value="UTC"`, `<option value="googleforms" selected>`, "選択済み: bad.csv"} {
			if !strings.Contains(html2, want) {
				t.Errorf("page for a bad file lacks %q", want)
			}
		}
		if code != http.StatusUnprocessableEntity || ts.count("import-test") != 0 {
			t.Fatalf("bad file: %d, %d stored", code, ts.count("import-test"))
		}

		if code, html3, _ := postUpload(t, staff, page, map[string]string{"format": "auto"}, "", nil); code != http.StatusUnprocessableEntity || !strings.Contains(html3, "ファイルを選んでください") {
			t.Errorf("no file: %d", code)
		}

		// The preview carries the file: importing it needs no second upload.
		data := html.UnescapeString(between(html1, `name="data" value="`, `"`))
		code, _, hdr := postUpload(t, staff, page, map[string]string{"data": data, "filename": "sheet.csv", "format": "auto", "tz": "Asia/Tokyo"}, "", nil)
		if code != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "stored=3") {
			t.Fatalf("import from the preview: %d %q", code, hdr.Get("Location"))
		}
		if n := ts.count("import-test"); n != 3 {
			t.Fatalf("%d responses stored, want 3", n)
		}
		resp, _ = staff.Get(ts.URL + hdr.Get("Location"))
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "3件を保存しました") {
			t.Errorf("the page after the import does not say what was stored")
		}
	})
}

// googleCSV generates a Forms download of n rows for import-survey.yaml, with
// free text for the analysis to chew on.
func googleCSV(n int) []byte {
	var b strings.Builder
	b.WriteString(`"タイムスタンプ","メールアドレス","ご所属","満足度","各プログラムはいかがでしたか [事例紹介]","各プログラムはいかがでしたか [質疑応答]","役に立った内容（いくつでも）","同僚に勧めたいと思いますか","ご感想","参加日"` + "\r\n")
	roles := []string{"県", "市町村", "社会福祉協議会", "NPO・市民活動団体", "大学"}
	useful := []string{"協働の考え方;企画, 運営の工夫", "財源の確保; 補助金;人材育成", "人材育成", "協働の考え方;地域の勉強会", ""}
	comments := []string{"行政担当者が異動しても連携を維持することが課題です。", "社協と地域包括支援センターの役割分担を知りたい。",
		"住民の担い手が高齢化しており、次の世代につなぐ仕組みが必要だと感じた。", "", "事例紹介が具体的で参考になりました。"}
	start := time.Date(2020, 9, 9, 13, 0, 0, 0, time.FixedZone("", 9*3600))
	for i := range n {
		at := start.Add(time.Duration(i) * time.Second)
		h := at.Hour() % 12
		if h == 0 {
			h = 12
		}
		ampm := map[bool]string{true: "午後", false: "午前"}[at.Hour() >= 12]
		fmt.Fprintf(&b, `"%s %d:%s %s GMT+9","","%s","%d","参考になった","どちらともいえない","%s","%d","%s",""`+"\r\n",
			at.Format("2006/01/02"), h, at.Format("04:05"), ampm, roles[i%5], 1+i%5, useful[i%5], i%11, comments[i%5])
	}
	return []byte(b.String())
}

// BenchmarkImportGoogleCSV imports a 10,000-row Google Forms CSV into a fresh
// survey on SQLite, in one transaction, with and without the Japanese text
// analysis a web answer gets.
//
//	go test -run '^$' -bench ImportGoogleCSV -benchtime 3x ./cmd/koe/
func BenchmarkImportGoogleCSV(b *testing.B) {
	const rows = 10000
	data := googleCSV(rows)
	db := dbtest.Open(b, database.SQLite)
	texts, err := openAnalysis(context.Background(), db)
	if err != nil {
		b.Fatal(err)
	}
	src := string(mustRead(b, filepath.Join("..", "..", "survey", "testdata", "import-survey.yaml")))
	surveys := 0 // b.Run calls each function more than once: every import gets a new survey
	for _, bc := range []struct {
		name     string
		analysis bool
	}{{"analysis", true}, {"no-analysis", false}} {
		b.Run(bc.name, func(b *testing.B) {
			st := store.New(db, nil)
			if bc.analysis {
				st = store.New(db, texts.Tokenizer())
			}
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				surveys++
				slug := fmt.Sprintf("bench-%d", surveys)
				d, err := survey.ParseDefinition("import-survey.yaml", []byte(strings.Replace(src, "slug: import-test", "slug: "+slug, 1)))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := st.Apply(context.Background(), d, src); err != nil {
					b.Fatal(err)
				}
				s, err := st.SurveyBySlug(context.Background(), slug)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				res, err := st.Import(context.Background(), s, "bench.csv", data, survey.ImportOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if res.Stored != rows {
					b.Fatalf("import: %d of %d rows stored", res.Stored, rows)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func mustRead(b *testing.B, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// The upload page refuses each hostile file with its problem, within a
// memory bound, and its page stays small: the problems are summarised, and
// a file that cannot be read to its end is not carried back in the page.
func TestImportUploadRefusesHostileFilesInBoundedMemory(t *testing.T) {
	// As in survey's TestImportRefusesHostileFilesInBoundedMemory, with room
	// for the upload itself, up to 20 MB: the form as read, the file, its
	// copy in base64 for the page, the page, and the page as the client
	// reads it (the test's client is in this process too).
	const heapBound = 150 << 20
	files := []struct {
		name    string
		data    []byte
		want    string
		stopped bool // read to a limit: the page does not carry it back
	}{
		{"shared-string-bomb.xlsx", hostile.SharedStringBomb(1<<20, 2000), "セルが長すぎます", false},
		{"huge-dimensions.xlsx", hostile.HugeDimensions(20000), "16,384列目に値があります", true},
		{"zip-bomb.xlsx", hostile.ZipBombSheet(1024), "展開すると1,024MB", true},
		{"many-columns.csv", hostile.ManyColumnsCSV(5000, 12<<20), "列が多すぎます（5,010列）", true},
		{"big-cell.csv", hostile.BigCellCSV(19 << 20), "1行の大きさが上限（1MB）を超えています", true},
		{"bad-rows.csv", hostile.BadRowsCSV(100000), "ほか99,999行", false},
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(importFixture(t, "import-survey.yaml")))
		staff := signedInStaff(t, ts)
		page := ts.URL + "/surveys/import-test/import"
		for _, f := range files {
			for _, dryRun := range []string{"1", ""} {
				t.Run(f.name+"/dry-run="+dryRun, func(t *testing.T) {
					req := uploadRequest(page, map[string]string{"dry_run": dryRun, "format": "auto", "tz": "Asia/Tokyo"}, f.name, f.data)
					var code int
					var body string
					grew := hostile.PeakHeapGrowth(func() { code, body, _ = send(t, staff, req) })
					if code != http.StatusUnprocessableEntity || !strings.Contains(body, f.want) || !strings.Contains(body, "何も保存していません") {
						t.Errorf("%d, page without %q", code, f.want)
					}
					carried := len(between(body, `name="data" value="`, `"`))
					if f.stopped && carried > 0 {
						t.Errorf("the page carries back a file that cannot be read (%d bytes)", carried)
					}
					if n := len(body) - carried; n > 64<<10 {
						t.Errorf("a page of %d KB besides the file", n>>10)
					}
					t.Logf("heap growth %.1f MB, page %d KB", float64(grew)/(1<<20), len(body)>>10)
					if grew > heapBound {
						t.Errorf("the upload grew the heap by %d MB (bound %d MB)", grew>>20, heapBound>>20)
					}
					if n := ts.count("import-test"); n != 0 {
						t.Errorf("%d responses stored", n)
					}
				})
			}
		}
	})
}

// A file near the upload cap comes back from its preview in a form field,
// a third larger than the file: the form must take it (it was refused as
// unreadable above 13.5 MB, so the preview offered an import that failed).
func TestImportUploadTakesALargeFileBackFromItsPreview(t *testing.T) {
	runBeside(t)
	var file bytes.Buffer
	file.WriteString(hostile.GoogleHeader + "\r\n")
	comment := strings.Repeat("地域の担い手が高齢化しています。", 550) // 9,350 characters, 28 KB
	rows := 0
	for ; file.Len() < 15<<20; rows++ {
		fmt.Fprintf(&file, "\"2020/09/09 1:%02d:%02d 午後 GMT+9\",\"\",\"県\",\"4\",\"\",\"\",\"\",\"\",\"%s\",\"\"\r\n", rows/60, rows%60, comment)
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ts := newTestServer(t, db)
		ts.apply(string(importFixture(t, "import-survey.yaml")))
		staff := signedInStaff(t, ts)
		data := base64.StdEncoding.EncodeToString(file.Bytes())
		code, body, _ := postUpload(t, staff, ts.URL+"/surveys/import-test/import",
			map[string]string{"data": data, "filename": "large.csv", "dry_run": "1", "format": "auto", "tz": "Asia/Tokyo"}, "", nil)
		if want := fmt.Sprintf("新しく保存: %d件", rows); code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("a %d MB file sent back from its preview: %d, page without %q", file.Len()>>20, code, want)
		}
	})
}
