package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// reportCmd writes the self-contained HTML report of a survey or a series.
func reportCmd(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("report")
	slug := fs.String("survey", "", "survey slug")
	series := fs.String("series", "", "series key")
	out := fs.String("o", "", "output file (FILE.html)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *slug == "" && *series == "":
		return errors.New("report: give --survey SLUG or --series KEY")
	case *slug != "" && *series != "":
		return errors.New("report: give either --survey or --series, not both")
	case *out == "":
		return errors.New("report: -o FILE.html is required")
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	st := store.New(db, nil)
	var s *survey.Survey
	if *slug != "" { // look the name up before loading the analyzer
		if s, err = st.SurveyBySlug(ctx, *slug); errors.Is(err, survey.ErrNotFound) {
			return fmt.Errorf("report: no survey %q (koe survey list shows them)", *slug)
		} else if err != nil {
			return err
		}
	} else if _, _, err := st.SurveysInSeries(ctx, *series); errors.Is(err, survey.ErrNotFound) {
		return fmt.Errorf("report: no series %q (koe survey list shows the series of each survey)", *series)
	} else if err != nil {
		return err
	}
	texts, err := openAnalysis(ctx, db)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	var what string
	if s != nil {
		r, err := reports.BuildReport(ctx, st, texts, s)
		if err != nil {
			return err
		}
		if s.Series != nil { // the summary says what changed since the series' previous event
			_, list, err := st.SurveysInSeries(ctx, s.Series.Key)
			if err != nil {
				return err
			}
			if before := reports.PreviousEvent(list, s); before != nil {
				if err := reports.AddPrevious(ctx, st, &r, s, before); err != nil {
					return err
				}
			}
		}
		if err := reports.WriteReport(&buf, r); err != nil {
			return err
		}
		what = fmt.Sprintf("survey %s, %d responses", s.Slug, r.Responses)
	} else {
		se, err := reports.BuildSeries(ctx, st, texts, *series)
		if err != nil {
			return err
		}
		if err := reports.WriteSeries(&buf, se); err != nil {
			return err
		}
		what = fmt.Sprintf("series %s, %d events", se.Key, len(se.Events))
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s, %d KiB)\n", *out, what, (buf.Len()+1023)/1024)
	return nil
}

// writeFileAtomic writes data beside path and renames it into place, so a
// failure never leaves half a report.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".koe-report-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
