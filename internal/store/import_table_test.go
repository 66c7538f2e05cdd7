package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// paperWorkbook is what a 事務局 types from paper questionnaires: a header
// row in its own order, a serial-number column and a remarks column no
// question has, no timestamp, two respondents who answered alike.
func paperWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportASpreadsheetWithoutTimestamp(t *testing.T) {
	paper := [][]any{
		{"No.", "ご所属", "満足度", "ご感想", "備考"},
		{1, "市町村", 4, "担い手不足が深刻です", "手書き"},
		{2, "県", 5, "", ""},
		{3, "市町村", 4, "担い手不足が深刻です", ""}, // answered like row 1
	}
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "paper")
		before := time.Now().Add(-time.Minute)
		res, err := st.Import(ctx, s, "紙のアンケート.xlsx", paperWorkbook(t, paper), survey.ImportOptions{})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if res.Format != survey.FormatTable || res.Stored != 3 {
			t.Fatalf("result %+v, want 3 stored as a table", res)
		}
		notes := strings.Join(res.Notes, "\n")
		for _, want := range []string{"「ご所属」", "「満足度」", "「ご感想」", "列「No.」は設問に対応しないため取り込みません", "列「備考」", "取り込んだ時刻", "未回答"} {
			if !strings.Contains(notes, want) {
				t.Errorf("notes lack %q:\n%s", want, notes)
			}
		}
		got := stored(t, st, s)
		if len(got) != 3 {
			t.Fatalf("%d stored, want 3 (two respondents who answered alike stay two)", len(got))
		}
		for _, r := range got {
			if r.SubmittedAt.Before(before) || r.SubmittedAt.After(time.Now().Add(time.Minute)) {
				t.Errorf("an undated row is dated %s, want the time of the import", r.SubmittedAt)
			}
		}
		if got[0].Answers["role"] != "市町村" || got[0].Answers["satisfaction"] != 4.0 || got[0].Answers["comments"] != "担い手不足が深刻です" {
			t.Errorf("first row stored as %#v", got[0].Answers)
		}

		// The same file again stores nothing; with one row added, that row.
		again, err := st.Import(ctx, s, "紙のアンケート.xlsx", paperWorkbook(t, paper), survey.ImportOptions{})
		if err != nil || again.Stored != 0 || again.Skipped != 3 {
			t.Fatalf("second import: %+v %v, want 0 stored, 3 skipped", again, err)
		}
		more := append(paper, []any{4, "市町村", 4, "担い手不足が深刻です", ""})
		third, err := st.Import(ctx, s, "紙のアンケート.xlsx", paperWorkbook(t, more), survey.ImportOptions{})
		if err != nil || third.Stored != 1 || third.Skipped != 3 {
			t.Fatalf("third import: %+v %v, want the one new row stored", third, err)
		}
	})
}

func TestImportATableWithADateColumnAndCSV(t *testing.T) {
	csv := "記入日,ご所属,満足度\n2024/10/01,県,3\n2024/10/02,市町村,5\n"
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "paper-csv")
		res, err := st.Import(ctx, s, "typed.csv", []byte(csv), survey.ImportOptions{})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if res.Format != survey.FormatTable || res.Stored != 2 || !strings.Contains(strings.Join(res.Notes, "\n"), "列「記入日」を回答日時として読みます") {
			t.Fatalf("result %+v", res)
		}
		got := stored(t, st, s)
		if at := got[0].SubmittedAt.UTC().Format(time.RFC3339); at != "2024-09-30T15:00:00Z" {
			t.Errorf("first row dated %s, want 2024-10-01 in Japan", at)
		}
	})
}

func TestImportATableThatMatchesNoQuestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		st := store.New(db, nil)
		s := applyImportSurvey(t, st, "paper-none")
		_, err := st.Import(ctx, s, "other.csv", []byte("所属,感想\n県,よかった\n"), survey.ImportOptions{})
		var ie *survey.ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != 1 || !strings.Contains(ie.Problems[0].Message, "どの列の見出しも設問の見出しと一致しません") {
			t.Fatalf("err %v, want one problem saying no column matches", err)
		}
		if n := len(stored(t, st, s)); n != 0 {
			t.Errorf("%d stored", n)
		}
	})
}
