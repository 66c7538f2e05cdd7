package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/koe-project/koe/internal/progress"
	"github.com/koe-project/koe/internal/store"
)

func reanalyzeCmd(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("reanalyze")
	slug := fs.String("survey", "", "only this survey (default: every survey)")
	all := fs.Bool("all", false, "recompute every analysed answer, not only those made with another dictionary")
	if err := parse(fs, args); err != nil {
		return err
	}
	limitMemory(streamMemoryLimit)
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var surveyID int64
	if *slug != "" {
		s, err := surveyForCommand(ctx, store.New(db, nil), "reanalyze", *slug)
		if err != nil {
			return err
		}
		surveyID = s.ID
	}
	texts, err := openAnalysis(ctx, db)
	if err != nil {
		return err
	}
	var bar *progress.Bar
	n, err := texts.Reanalyze(ctx, surveyID, *all, func(done, total int) {
		if bar == nil {
			bar = progress.New(e.stderr, "reanalyze", total)
		}
		bar.Set(done)
	})
	if bar != nil {
		bar.Done()
	}
	if err != nil {
		return fmt.Errorf("reanalyze stopped after %d answers (run it again to resume): %w", n, err)
	}
	fmt.Fprintf(e.stdout, "reanalysed %d answers with dictionary %s\n", n, texts.Version())
	return nil
}

func dictionaryCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "apply" && args[0] != "show") {
		return errors.New("dictionary: expected apply -f FILE.yaml or show")
	}
	fs, dbURL := e.flags("dictionary " + args[0])
	file := fs.String("f", "", "dictionary (YAML: stopwords, synonyms, words, codes)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "show" {
		_, src, err := store.ActiveDictionary(ctx, db)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(src)
		return err
	}
	if *file == "" {
		return errors.New("dictionary apply: -f FILE.yaml is required (koe dictionary show prints the one in use to start from)")
	}
	src, err := os.ReadFile(*file)
	if err != nil {
		return fmt.Errorf("dictionary apply: %w", err)
	}
	d, err := store.SaveDictionary(ctx, db, src)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	fmt.Fprintf(e.stdout, "dictionary %s is now in use; run koe reanalyze to recompute stored answers\n", d.Version())
	return nil
}
