// Command koe collects questionnaires and post-event feedback, analyses the
// Japanese free text, and renders reports. Run `koe help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/migrations"
	"github.com/koe-project/koe/survey"
)

const usage = `koe — questionnaires and feedback for community work

usage:
  koe serve [--addr :8080] [--db URL] [--demo]   web app; --demo loads the examples with sample answers
  koe migrate [--db URL]                          apply migrations (serve also does)
  koe migrate status [--db URL]                   list the migrations, applied or pending
  koe survey apply -f FILE.yaml                   create or update a survey
  koe survey list
  koe import --survey SLUG [--format auto|table|koe|googleforms|msforms] [--dry-run] [--tz ZONE] FILE
  koe export --survey SLUG [--format csv|json] [-o FILE]
  koe analyze --survey SLUG [--question KEY] [--by ATTR] [--group VALUE] [--top N] [--json]
  koe analyze --series KEY [--question KEY] [--event SLUG] [--top N] [--json]
  koe report --survey SLUG -o FILE.html           self-contained HTML report (opens offline, prints on A4)
  koe report --series KEY -o FILE.html            the events of a series compared
  koe reanalyze [--survey SLUG] [--all]          after a dictionary change
  koe dictionary show | apply -f FILE.yaml        the dictionary in use (stopwords, synonyms, words, codes)
  koe user add --email ADDR [--role admin|staff]  (password from stdin)

Every command takes --db URL (sqlite:PATH or postgres://…; env KOE_DB; default sqlite:koe.db).
`

// command is one subcommand: it parses its own flags and does its work.
type command func(ctx context.Context, env *env, args []string) error

// env is what every command may use: where to write, and how to reach the database.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	stopProfile, err := startCPUProfile(os.Getenv("KOE_CPUPROFILE"))
	if err == nil {
		err = run(ctx, e, os.Args[1:])
		stopProfile()
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "koe: "+strings.TrimSpace(err.Error()))
		os.Exit(1)
	}
}

func run(ctx context.Context, e *env, args []string) error {
	commands := map[string]command{
		"serve":      serveCmd,
		"migrate":    migrateCmd,
		"survey":     surveyCmd,
		"export":     exportCmd,
		"import":     importCmd,
		"user":       userCmd,
		"analyze":    analyzeCmd,
		"reanalyze":  reanalyzeCmd,
		"dictionary": dictionaryCmd,
		"report":     reportCmd,
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q (run koe help)", args[0])
	}
	return cmd(ctx, e, args[1:])
}

// flags returns a FlagSet that reports errors instead of exiting, with --db.
func (e *env) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("koe "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	def := e.getenv("KOE_DB")
	if def == "" {
		def = database.DefaultURL
	}
	db := fs.String("db", def, "database URL: sqlite:PATH or postgres://… (env KOE_DB)")
	fs.Lookup("db").DefValue = database.Redact(def) // shown by --help; KOE_DB may hold a password
	return fs, db
}

// parse parses flags and refuses stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// openDB opens the database and brings its schema up to date.
func openDB(ctx context.Context, url string) (*bun.DB, error) {
	db, err := database.Open(url)
	if err != nil {
		return nil, err
	}
	if _, err := migrations.Apply(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if database.KindOf(db) == database.SQLite {
		// As SQLite advises for each process (PostgreSQL's autovacuum does
		// it). Not worth failing a command for: while another process holds
		// the write lock, this one's reads go on and the next open analyses.
		_ = database.RefreshStatistics(ctx, db)
	}
	return db, nil
}

// openAnalysis loads the tokenizer with the dictionary in use (about a second
// and 140 MB, once per process) and returns the store of analysed terms.
func openAnalysis(ctx context.Context, db *bun.DB) (*store.Store, error) {
	dict, _, err := store.ActiveDictionary(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("loading the dictionary: %w", err)
	}
	a, err := analysis.New(dict)
	if err != nil {
		return nil, err
	}
	return store.New(db, analysis.NewTokenizer(a)), nil
}

// surveyForCommand finds the survey a command names, with a one-line reason
// when there is none.
func surveyForCommand(ctx context.Context, st *store.Store, cmd, slug string) (*survey.Survey, error) {
	s, err := st.SurveyBySlug(ctx, slug)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, fmt.Errorf("%s: no survey %q (koe survey list shows them)", cmd, slug)
	}
	return s, err
}

func migrateCmd(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "status" {
		return migrateStatusCmd(ctx, e, args[1:])
	}
	fs, dbURL := e.flags("migrate")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := database.Open(*dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := migrations.Apply(ctx, db)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "database is up to date")
	}
	for _, v := range applied {
		fmt.Fprintln(e.stdout, "applied", v)
	}
	return nil
}

// migrateStatusCmd prints each migration with applied (and when) or pending,
// changing nothing.
func migrateStatusCmd(ctx context.Context, e *env, args []string) error {
	fs, dbURL := e.flags("migrate status")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := database.Open(*dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	states, err := migrations.Status(ctx, db)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	pending := 0
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, st := range states {
		state := "applied " + st.AppliedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		switch {
		case !st.Applied:
			pending++
			state = "pending"
		case st.Unknown:
			state += "  (not known to this koe: a newer version migrated the database)"
		}
		fmt.Fprintf(tw, "%s\t%s\n", st.Version, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if pending == 0 {
		fmt.Fprintln(e.stdout, "database is up to date")
	} else {
		fmt.Fprintf(e.stdout, "%d pending: run koe migrate\n", pending)
	}
	return nil
}
