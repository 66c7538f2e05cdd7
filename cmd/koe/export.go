package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/survey"
)

func exportCmd(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("export")
	slug := fs.String("survey", "", "survey slug")
	format := fs.String("format", "json", "csv or json")
	out := fs.String("o", "", "output file (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		return errors.New("export: --survey SLUG is required")
	}
	if *format != "json" && *format != "csv" {
		return fmt.Errorf("export: --format %q: use csv or json", *format)
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	st := store.New(db, nil)
	s, err := surveyForCommand(ctx, st, "export", *slug)
	if err != nil {
		return err
	}
	responses, err := st.ResponsesOf(ctx, s, true) // the CLI is a staff tool
	if err != nil {
		return err
	}
	var w io.Writer = e.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if *format == "csv" {
		return survey.WriteCSV(w, s, responses)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if responses == nil {
		responses = []survey.StoredResponse{}
	}
	return enc.Encode(map[string]any{"survey": s.Slug, "responses": responses})
}
