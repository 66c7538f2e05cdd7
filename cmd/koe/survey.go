package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

func surveyCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return errors.New("survey: expected apply or list")
	}
	switch args[0] {
	case "apply":
		return surveyApply(ctx, e, args[1:])
	case "list":
		return surveyList(ctx, e, args[1:])
	}
	return fmt.Errorf("survey: unknown subcommand %q (apply or list)", args[0])
}

func surveyApply(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("survey apply")
	file := fs.String("f", "", "survey definition (YAML)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("survey apply: -f FILE.yaml is required")
	}
	src, err := os.ReadFile(*file)
	if err != nil {
		return fmt.Errorf("survey apply: %w", err)
	}
	d, err := survey.ParseDefinition(*file, src)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	dict, _, err := store.ActiveDictionary(ctx, db)
	if err != nil {
		return err
	}
	if err := dict.CheckCodeBookNames(d.CodeBooks); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	created, err := store.New(db, nil).Apply(ctx, d, string(src))
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	verb := "updated"
	if created {
		verb = "created"
	}
	fmt.Fprintf(e.stdout, "%s survey %s (%d questions): /s/%s\n", verb, d.Slug, len(d.Questions), d.Slug)
	return nil
}

func surveyList(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("survey list")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := store.New(db, nil).SurveySummaries(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tRESPONSES\tSERIES\tDATE\tTITLE")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", s.Slug, s.Responses, s.SeriesKey, s.EventDate, s.Title)
	}
	return tw.Flush()
}
