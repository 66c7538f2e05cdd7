package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/hostile"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// heapBound is the most an import may grow the heap by, whatever the file.
// The hostile files below took 150 MB to over 4 GB before imports were
// bounded (the 30 KB shared string bomb alone: 2 GB); bounded, an import
// holds a row, a batch of 1,000 rows and its read buffers, a few MB. 100 MB
// leaves a wide margin for the garbage collector, whose heap may hold twice
// what is live, and for the database drivers.
const heapBound = 100 << 20

// hostileFile is a file an import must refuse with one clear problem.
type hostileFile struct {
	name string
	data []byte
	want []string // parts of the problem: where, which limit, what is allowed
}

func hostileFiles() []hostileFile {
	return []hostileFile{
		{"shared-string-bomb.xlsx", hostile.SharedStringBomb(1<<20, 2000),
			[]string{"2行目（ほか1,999行）・列「ご感想」", "セルが長すぎます", "20,000文字まで"}},
		{"huge-dimensions.xlsx", hostile.HugeDimensions(20000),
			[]string{"2行目・列「XFD」", "16,384列目に値があります", "1,000列まで"}},
		{"zip-bomb.xlsx", hostile.ZipBombSheet(300),
			[]string{"シートは展開すると300MB", "256MBまで"}},
		{"many-columns.csv", hostile.ManyColumnsCSV(5000, 12<<20),
			[]string{"1行目", "列が多すぎます（5,010列）", "1,000列まで"}},
		{"big-cell.csv", hostile.BigCellCSV(50 << 20),
			[]string{"2行目", "1行の大きさが上限（1MB）を超えています", "引用符"}},
	}
}

func TestImportRefusesHostileFilesInBoundedMemory(t *testing.T) {
	files := hostileFiles()
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		for _, f := range files {
			for _, dryRun := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/dry-run=%v", f.name, dryRun), func(t *testing.T) {
					var err error
					grew := hostile.PeakHeapGrowth(func() {
						_, err = st.Import(context.Background(), s, f.name, f.data, survey.ImportOptions{DryRun: dryRun})
					})
					problems := importProblems(t, err)
					if len(problems) != 1 || !hasProblem(problems, f.want...) {
						t.Errorf("problems %q, want one saying %q", problems, f.want)
					}
					t.Logf("heap growth %.1f MB", float64(grew)/(1<<20))
					if grew > heapBound {
						t.Errorf("the import grew the heap by %d MB (bound %d MB)", grew>>20, heapBound>>20)
					}
					if n := len(stored(t, st, s)); n != 0 {
						t.Errorf("%d responses stored", n)
					}
				})
			}
		}
	})
}

// A zip bomb in a part of the workbook that the import does not need is
// never unpacked: the workbook imports as if it were not there.
func TestImportLeavesAZipBombInAnUnusedPartPacked(t *testing.T) {
	data := hostile.ZipBombPart(1024)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		var res *survey.ImportResult
		var err error
		grew := hostile.PeakHeapGrowth(func() {
			res, err = st.Import(context.Background(), s, "bomb.xlsx", data, survey.ImportOptions{})
		})
		if err != nil || res.Stored != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if grew > heapBound {
			t.Errorf("the import grew the heap by %d MB", grew>>20)
		}
	})
}

// A problem in every row is one line with a count; many different ones are
// the first few and a count of the rest. The messages stay short.
func TestImportSummarisesItsProblems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "import-test")
		_, err := st.Import(context.Background(), s, "bad.csv", hostile.BadRowsCSV(50000), survey.ImportOptions{})
		problems := importProblems(t, err)
		if len(problems) != 1 || !hasProblem(problems, "2行目（ほか49,999行）・列「満足度」: 1〜5で回答してください") {
			t.Errorf("a bad value in every row: %q", problems)
		}
		if !strings.HasPrefix(err.Error(), "50,000件の問題") {
			t.Errorf("error %q does not count every problem", err)
		}

		_, err = st.Import(context.Background(), s, "wide.csv", hostile.ManyColumnsCSV(900, 2<<20), survey.ImportOptions{})
		problems = importProblems(t, err)
		var ie *survey.ImportError
		if len(problems) != 20 || !errors.As(err, &ie) || ie.Unlisted != 880 || ie.Count() != 900 {
			t.Errorf("900 unknown columns: %d listed, %+v", len(problems), ie)
		}
		if !hasProblem(problems, "列「自由記述欄1」", "対応する設問がありません") || len(err.Error()) > 500 {
			t.Errorf("900 unknown columns: %q, error of %d bytes", problems[0], len(err.Error()))
		}
		if n := len(stored(t, st, s)); n != 0 {
			t.Errorf("%d responses stored", n)
		}
	})
}

// writeLargeCSV writes a valid Google Sheet CSV of rows rows, each with a
// time of its own (and every tenth a comment), to a temporary file.
func writeLargeCSV(t *testing.T, rows int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("large-%d.csv", rows))
	var b bytes.Buffer
	b.WriteString(hostile.GoogleHeader + "\r\n")
	roles := []string{"県", "市町村", "社会福祉協議会", "NPO・市民活動団体", "大学"}
	start := time.Date(2020, 9, 9, 13, 0, 0, 0, time.UTC)
	for i := range rows {
		comment := ""
		if i%10 == 0 {
			comment = fmt.Sprintf("住民の担い手が高齢化しており、次の世代につなぐ仕組みが必要だと感じた（%d）", i)
		}
		fmt.Fprintf(&b, "%s,,%s,%d,,,,,%s,\r\n", start.Add(time.Duration(i)*time.Second).Format("2006/01/02 15:04:05"), roles[i%5], 1+i%5, comment)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// importFile imports a file as the CLI does, reading it a part at a time,
// and returns how far the heap grew.
func importFile(t *testing.T, st *store.Store, s *survey.Survey, path string, rows int) uint64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	var res *survey.ImportResult
	grew := hostile.PeakHeapGrowth(func() {
		res, err = st.ImportFrom(context.Background(), s, path, f, info.Size(), survey.ImportOptions{})
	})
	if err != nil || res.Rows != rows || res.Stored != rows {
		t.Fatalf("import of %d rows: %+v %v", rows, res, err)
	}
	return grew
}

// The memory an import takes does not grow with the file: ten times the rows
// take about the same (the one thing kept per row is 16 bytes of its key, to
// find a row repeated in the file: 3 MB for 200,000).
func TestImportOfALargeFileTakesBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 220,000 rows")
	}
	smallRows := largeImportRows / 10
	small, large := writeLargeCSV(t, smallRows), writeLargeCSV(t, largeImportRows)
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		st := store.New(db, nil)
		smallGrew := importFile(t, st, applyImportSurvey(t, st, "small"), small, smallRows)
		largeGrew := importFile(t, st, applyImportSurvey(t, st, "large"), large, largeImportRows)
		t.Logf("heap growth: %d rows %d MB, %d rows %d MB", smallRows, smallGrew>>20, largeImportRows, largeGrew>>20)
		if largeGrew > heapBound || largeGrew > 2*smallGrew+16<<20 {
			t.Errorf("heap growth: %d rows %d MB, %d rows %d MB: it grows with the file", smallRows, smallGrew>>20, largeImportRows, largeGrew>>20)
		}
	})
}
