package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/progress"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

// streamMemoryLimit is the soft limit of the Go heap for commands that work
// through a file or a table of any size a batch at a time (koe import, koe
// reanalyze). What they keep live is the tokenizer's dictionary and one
// batch; without a limit the collector lets the heap grow to twice what is
// live before it collects (GOGC=100), and the Fukui import (64,292 rows)
// peaked at 373 MB of memory on SQLite (289 MB on PostgreSQL). Measured in
// one session: 160 MiB brought SQLite to 267 MB but cost PostgreSQL's
// import a third more CPU; 180 MiB gives 283 MB and 207 MB; 200 MiB left
// SQLite at 303 MB (its page cache is outside the Go heap). GOMEMLIMIT,
// when set, is kept.
const streamMemoryLimit = 180 << 20

// limitMemory sets the Go heap's soft limit unless GOMEMLIMIT sets one.
func limitMemory(n int64) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(n)
	}
}

// importCmd brings in answers collected with Google Forms, Microsoft Forms or
// another koe: koe import --survey SLUG [--format F] [--dry-run] [--tz ZONE] FILE
func importCmd(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("import")
	slug := fs.String("survey", "", "survey slug")
	format := fs.String("format", survey.FormatAuto, "auto, table, koe, googleforms or msforms")
	dryRun := fs.Bool("dry-run", false, "check the file and say what would be stored, store nothing")
	tz := fs.String("tz", "Asia/Tokyo", "time zone of timestamps that carry none (Google Sheets, Microsoft Forms)")
	// Flags may come after the file too (koe import FILE --survey x): the flag
	// package stops at the first argument, so parse what follows it again.
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("import: give the file to import: koe import --survey SLUG FILE")
	}
	file := fs.Arg(0)
	if err := parse(fs, fs.Args()[1:]); err != nil {
		return err
	}
	if *slug == "" {
		return errors.New("import: --survey SLUG is required")
	}
	ok := false
	for _, f := range survey.ImportFormats {
		ok = ok || f == *format
	}
	if !ok {
		return fmt.Errorf("import: --format %q: use auto, table, koe, googleforms or msforms", *format)
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("import: --tz %q: not a time zone (such as Asia/Tokyo or UTC)", *tz)
	}
	limitMemory(streamMemoryLimit)
	f, err := os.Open(file) // read a part at a time: a file of any length imports in bounded memory
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	db, err := openDB(ctx, database.Unmapped(*dbURL))
	if err != nil {
		return err
	}
	defer db.Close()
	st := store.New(db, nil)
	if !*dryRun {
		// Imported free text goes through the same analysis as a web answer,
		// in the same transaction. A dry run stores nothing, so it skips
		// loading the tokenizer.
		texts, err := openAnalysis(ctx, db)
		if err != nil {
			return err
		}
		st = store.New(db, texts.Tokenizer())
	}
	s, err := surveyForCommand(ctx, st, "import", *slug)
	if err != nil {
		return err
	}

	var bar *progress.Bar
	opt := survey.ImportOptions{Format: *format, Location: loc, DryRun: *dryRun,
		Progress: func(done, total int64) {
			if bar == nil && total >= 1<<20 { // small files finish before a bar helps
				bar = progress.New(e.stderr, "reading KB", int(total>>10))
			}
			bar.Set(int(done >> 10))
		}}
	res, err := st.ImportFrom(ctx, s, file, f, info.Size(), opt)
	bar.Done()
	var ie *survey.ImportError
	if errors.As(err, &ie) {
		for _, p := range ie.Problems {
			fmt.Fprintln(e.stderr, p)
		}
		if ie.Unlisted > 0 {
			fmt.Fprintln(e.stderr, survey.UnlistedNote(ie.Unlisted))
		}
		return fmt.Errorf("import: %d problem(s) in %s, nothing stored", ie.Count(), file)
	}
	if err != nil {
		return err
	}
	for _, n := range res.Notes {
		fmt.Fprintln(e.stderr, "note:", n)
	}
	if res.DryRun {
		fmt.Fprintf(e.stdout, "dry run: %s (%s, %s): %d rows, %d would be stored, %d already imported; nothing stored\n",
			file, res.Format, res.Encoding, res.Rows, res.Stored, res.Skipped)
		return nil
	}
	fmt.Fprintf(e.stdout, "imported %s (%s, %s) into %s: %d stored, %d already imported\n",
		file, res.Format, res.Encoding, s.Slug, res.Stored, res.Skipped)
	return nil
}
