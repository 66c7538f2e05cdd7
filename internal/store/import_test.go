package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// applyImportSurvey stores survey/testdata/import-survey.yaml under the given slug,
// so one test can import the same answers into several fresh surveys.
func applyImportSurvey(t testing.TB, st *store.Store, slug string) *survey.Survey {
	t.Helper()
	src := strings.Replace(string(readFixture(t, "import-survey.yaml")), "slug: import-test", "slug: "+slug, 1)
	d, err := survey.ParseDefinition("import-survey.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), d, src); err != nil {
		t.Fatal(err)
	}
	s, err := st.SurveyBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "survey", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func stored(t *testing.T, st *store.Store, s *survey.Survey) []survey.StoredResponse {
	t.Helper()
	got, err := st.ResponsesOf(context.Background(), s, true)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// want is one expected response: its time in UTC and its answers as JSON shapes.
type want struct {
	at      string
	answers survey.Answers
}

func checkResponses(t *testing.T, got []survey.StoredResponse, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%d responses stored, want %d", len(got), len(wants))
	}
	for i, w := range wants { // ResponsesOf is oldest first; wants are too
		if at := got[i].SubmittedAt.UTC().Format(time.RFC3339); at != w.at {
			t.Errorf("response %d: submitted at %s, want %s", i, at, w.at)
		}
		if !reflect.DeepEqual(got[i].Answers, w.answers) {
			t.Errorf("response %d (%s):\n got %#v\nwant %#v", i, w.at, got[i].Answers, w.answers)
		}
	}
}

func TestImportGoogleFormsDownload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		res, err := st.Import(ctx, s, "回答.csv", readFixture(t, "googleforms-download.csv"), survey.ImportOptions{})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if res.Format != survey.FormatGoogleForms || res.Rows != 4 || res.Stored != 4 || res.Skipped != 0 {
			t.Errorf("result %+v", res)
		}
		if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "連絡先") {
			t.Errorf("the e-mail column is not reported as mapped to 連絡先: %q", res.Notes)
		}
		checkResponses(t, stored(t, st, s), []want{
			{"2020-09-08T19:00:00Z", survey.Answers{ // 12:30 午前 at GMT+5:30
				"role": "社会福祉協議会", "satisfaction": 3.0, "comments": "=1+1 と書く人",
				"program": map[string]string{"事例紹介": "参考にならなかった", "質疑応答": "参考になった"}}},
			{"2020-09-09T02:05:30Z", survey.Answers{
				"role": "大学", "satisfaction": 5.0, "recommend": 10.0, "comments": "改行を含む\n感想です", "day": "2020-09-09",
				"useful": []string{"財源の確保; 補助金", "人材育成", "地域の勉強会"}, "contact": "b@example.jp"}},
			{"2020-09-09T04:00:00Z", survey.Answers{
				"role": "市町村", "satisfaction": 4.0, "recommend": 8.0, "comments": "連携の工夫を知りたい", "day": "2020-09-09",
				"program": map[string]string{"事例紹介": "参考になった", "質疑応答": "どちらともいえない"},
				"useful":  []string{"協働の考え方", "企画, 運営の工夫"}, "contact": "a@example.jp"}},
			{"2020-09-10T03:00:00Z", survey.Answers{
				"role": "県", "satisfaction": 2.0, "recommend": 0.0, "useful": []string{"協働の考え方", "自由; 記述"}}},
		})
		again, err := st.Import(ctx, s, "回答.csv", readFixture(t, "googleforms-download.csv"), survey.ImportOptions{})
		if err != nil || again.Stored != 0 || again.Skipped != 4 {
			t.Errorf("second import: %+v %v, want nothing stored and 4 skipped", again, err)
		}
		if n := len(stored(t, st, s)); n != 4 {
			t.Errorf("%d responses after importing twice, want 4", n)
		}
	})
}

func TestImportGoogleFormsDownloadInEnglish(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		if _, err := st.Import(context.Background(), s, "responses.csv", readFixture(t, "googleforms-download-en.csv"), survey.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		checkResponses(t, stored(t, st, s), []want{
			{"2020-09-09T04:00:00Z", survey.Answers{"role": "市町村", "satisfaction": 4.0, "recommend": 7.0,
				"program": map[string]string{"事例紹介": "参考になった"}, "useful": []string{"人材育成"}, "contact": "a@example.jp"}},
			{"2020-09-09T04:15:00Z", survey.Answers{"role": "県", "satisfaction": 5.0}}, // 12:15 AM at GMT-4
		})
	})
}

// sheetWants is what googleforms-sheet.csv holds, read in Asia/Tokyo.
var sheetWants = []want{
	{"2024-10-06T10:51:06Z", survey.Answers{
		"role": "市町村", "satisfaction": 4.0, "recommend": 8.0, "comments": "住民との対話が大切だと感じた", "day": "2024-10-06",
		"program": map[string]string{"事例紹介": "参考になった", "質疑応答": "参考になった"},
		"useful":  []string{"企画, 運営の工夫", "協働の考え方"}, "contact": "c@example.jp"}},
	{"2024-10-06T11:00:00Z", survey.Answers{
		"role": "NPO・市民活動団体", "satisfaction": 5.0, "useful": []string{"財源の確保; 補助金", "その他の自由, 記述"}}},
	{"2024-10-06T23:03:09Z", survey.Answers{
		"role": "ボランティア団体", "satisfaction": 3.0, "recommend": 5.0, "comments": `引用符"を含む, 感想`,
		"program": map[string]string{"事例紹介": "どちらともいえない"}, "useful": []string{"人材育成"}}},
}

func TestImportGoogleSheetCSVInEachEncoding(t *testing.T) {
	utf8 := readFixture(t, "googleforms-sheet.csv")
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes(utf8)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(sjis, utf8) {
		t.Fatal("the Shift_JIS fixture is not Shift_JIS")
	}
	files := map[string][]byte{
		"utf8":     utf8,
		"utf8-bom": append([]byte("\uFEFF"), utf8...),
		"sjis":     sjis,
		"sjis-bom": append([]byte("\uFEFF"), sjis...),
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		for name, data := range files {
			t.Run(name, func(t *testing.T) {
				s := applyImportSurvey(t, st, "sheet-"+name)
				res, err := st.Import(context.Background(), s, "sheet.csv", data, survey.ImportOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if wantEnc := map[bool]string{true: "Shift_JIS", false: "UTF-8"}[strings.HasPrefix(name, "sjis")]; res.Encoding != wantEnc {
					t.Errorf("encoding %q, want %q", res.Encoding, wantEnc)
				}
				checkResponses(t, stored(t, st, s), sheetWants)
			})
		}
	})
}

func TestImportReadsSheetTimesInTheGivenZone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		res, err := st.Import(context.Background(), s, "sheet.csv", readFixture(t, "googleforms-sheet.csv"),
			survey.ImportOptions{Location: time.UTC, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if at := res.Preview[0].At.UTC().Format(time.RFC3339); at != "2024-10-06T19:51:06Z" {
			t.Errorf("with --tz UTC the first row is at %s", at)
		}
	})
}

func TestImportRefusesAnUnreadableEncoding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		eucjp, _ := japanese.EUCJP.NewEncoder().Bytes(readFixture(t, "googleforms-sheet.csv"))
		_, err := st.Import(context.Background(), s, "sheet.csv", eucjp, survey.ImportOptions{})
		var ie *survey.ImportError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), "Shift_JIS") || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("EUC-JP file: %v, want a message naming the encodings koe reads", err)
		}
		if n := len(stored(t, st, s)); n != 0 {
			t.Errorf("%d responses stored from an unreadable file", n)
		}
	})
}

// msFormsXLSX builds a workbook the way Microsoft Forms' "Excel で開く" writes
// it: the metadata columns, completion times as date cells (one as text, as a
// file re-typed by hand has), multi-selects with a trailing ";".
func msFormsXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"ID", "開始時刻", "完了時刻", "メール", "名前", "最終変更時刻", "ご所属", "満足度",
			"各プログラムはいかがでしたか [事例紹介]", "各プログラムはいかがでしたか [質疑応答]",
			"役に立った内容（いくつでも）", "同僚に勧めたいと思いますか", "ご感想", "参加日"},
		{1, time.Date(2024, 10, 6, 19, 40, 0, 0, time.UTC), time.Date(2024, 10, 6, 19, 51, 6, 0, time.UTC), "anonymous", "", "",
			"市町村", 4, "参考になった", "どちらともいえない", "協働の考え方;企画, 運営の工夫;", 9, "とても良かった", "2024/10/6"},
		{2, "2024/10/7 8:00:00", "2024/10/7 8:03:09", "d@example.jp", "山田 花子", "",
			"地域包括支援センター", 5, "", "", "財源の確保; 補助金;地域の勉強会;", 10, "", ""},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportMicrosoftFormsXLSX(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		res, err := st.Import(ctx, s, "アンケート(1-2).xlsx", msFormsXLSX(t), survey.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != survey.FormatMSForms || res.Stored != 2 {
			t.Errorf("result %+v", res)
		}
		checkResponses(t, stored(t, st, s), []want{
			{"2024-10-06T10:51:06Z", survey.Answers{ // 完了時刻, not 開始時刻, read in Asia/Tokyo
				"role": "市町村", "satisfaction": 4.0, "recommend": 9.0, "comments": "とても良かった", "day": "2024-10-06",
				"program": map[string]string{"事例紹介": "参考になった", "質疑応答": "どちらともいえない"},
				"useful":  []string{"協働の考え方", "企画, 運営の工夫"}}},
			{"2024-10-06T23:03:09Z", survey.Answers{
				"role": "地域包括支援センター", "satisfaction": 5.0, "recommend": 10.0,
				"useful": []string{"財源の確保; 補助金", "地域の勉強会"}, "contact": "d@example.jp"}},
		})
		if again, err := st.Import(ctx, s, "again.xlsx", msFormsXLSX(t), survey.ImportOptions{Format: survey.FormatMSForms}); err != nil || again.Stored != 0 {
			t.Errorf("second import: %+v %v", again, err)
		}
	})
}

func importProblems(t *testing.T, err error) []string {
	t.Helper()
	var ie *survey.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an *ImportError", err)
	}
	var out []string
	for _, p := range ie.Problems {
		out = append(out, p.String())
	}
	return out
}

func hasProblem(problems []string, parts ...string) bool {
next:
	for _, p := range problems {
		for _, part := range parts {
			if !strings.Contains(p, part) {
				continue next
			}
		}
		return true
	}
	return false
}

func TestImportNamesUnmappedColumnsAndMissingQuestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		_, err := st.Import(context.Background(), s, "bad.csv", readFixture(t, "bad-columns.csv"), survey.ImportOptions{})
		problems := importProblems(t, err)
		for _, p := range [][]string{
			{"1行目", "列「満足度（5段階）」", "対応する設問がありません", "近い設問:「満足度」"},
			{"1行目", "列「備考欄」", "対応する設問がありません"},
			{"1行目", "列「満足度」", "対応する列がありません", "近い列:「満足度（5段階）」"},
		} {
			if !hasProblem(problems, p...) {
				t.Errorf("no problem saying %q in %q", p, problems)
			}
		}
		if len(problems) != 3 {
			t.Errorf("%d problems, want 3: %q", len(problems), problems)
		}
		if n := len(stored(t, st, s)); n != 0 {
			t.Errorf("%d responses stored", n)
		}
	})
}

func TestImportReportsEveryBadValueAndStoresNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		_, err := st.Import(context.Background(), s, "bad.csv", readFixture(t, "bad-values.csv"), survey.ImportOptions{})
		problems := importProblems(t, err)
		for _, p := range [][]string{
			{"3行目", "列「満足度」", "1〜5"},
			{"3行目", "列「各プログラムはいかがでしたか [事例紹介]」", "とても参考になった", "近い選択肢:「参考になった」"},
			{"3行目", "列「同僚に勧めたいと思いますか」", "数値"},
			{"3行目", "列「参加日」", "YYYY-MM-DD"},
			{"3行目", "列「連絡先」", "メールアドレス"},
			{"4行目", "列「タイムスタンプ」", "きのう"},
			{"4行目", "列「ご所属」", "必須"},
		} {
			if !hasProblem(problems, p...) {
				t.Errorf("no problem saying %q in\n%s", p, strings.Join(problems, "\n"))
			}
		}
		if len(problems) != 7 {
			t.Errorf("%d problems, want 7:\n%s", len(problems), strings.Join(problems, "\n"))
		}
		if n := len(stored(t, st, s)); n != 0 {
			t.Errorf("a file with bad rows stored %d responses (row 2 is fine, but it is all or nothing)", n)
		}
	})
}

func TestImportDryRunWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		res, err := st.Import(ctx, s, "sheet.csv", readFixture(t, "googleforms-sheet.csv"), survey.ImportOptions{DryRun: true})
		if err != nil || !res.DryRun || res.Stored != 3 || len(res.Preview) != 3 || res.Preview[0].Row != 2 {
			t.Fatalf("dry run: %+v %v", res, err)
		}
		if n := len(stored(t, st, s)); n != 0 {
			t.Fatalf("a dry run stored %d responses", n)
		}
		if _, err := st.Import(ctx, s, "sheet.csv", readFixture(t, "googleforms-sheet.csv"), survey.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		res, err = st.Import(ctx, s, "sheet.csv", readFixture(t, "googleforms-sheet.csv"), survey.ImportOptions{DryRun: true})
		if err != nil || res.Stored != 0 || res.Skipped != 3 || !res.Preview[0].Duplicate {
			t.Errorf("dry run after the import: %+v %v, want every row marked as already imported", res, err)
		}
	})
}

func TestImportRefusesAFormatThatDoesNotMatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		for format, data := range map[string][]byte{
			survey.FormatKoe:     readFixture(t, "googleforms-sheet.csv"),
			survey.FormatMSForms: readFixture(t, "googleforms-sheet.csv"),
			"":                   []byte("名前,年齢\n山田,30\n"),
		} {
			if _, err := st.Import(context.Background(), s, "x.csv", data, survey.ImportOptions{Format: format}); err == nil {
				t.Errorf("format %q accepted a file it does not describe", format)
			}
		}
	})
}
