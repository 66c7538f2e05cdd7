package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
)

// storedDictionary is a dictionary applied with `koe dictionary apply`.
type storedDictionary struct {
	bun.BaseModel `bun:"table:dictionaries"`

	ID        int64     `bun:"id,pk,autoincrement"`
	Version   string    `bun:"version"`
	Source    string    `bun:"source"`
	CreatedAt time.Time `bun:"created_at"`
}

// ActiveDictionary returns the dictionary applied last, or the shipped default
// when none was applied, with its YAML source.
func ActiveDictionary(ctx context.Context, db bun.IDB) (analysis.Dictionary, []byte, error) {
	var d storedDictionary
	err := db.NewSelect().Comment("store.ActiveDictionary").Model(&d).OrderExpr("id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return analysis.DefaultDictionary(), analysis.DefaultDictionaryYAML(), nil
	}
	if err != nil {
		return analysis.Dictionary{}, nil, fmt.Errorf("store.ActiveDictionary: %w", err)
	}
	dict, err := analysis.ParseDictionary([]byte(d.Source))
	if err != nil {
		return analysis.Dictionary{}, nil, fmt.Errorf("store.ActiveDictionary: %w", err)
	}
	return dict, []byte(d.Source), nil
}

// SaveDictionary validates a dictionary (YAML) and makes it the active one.
// Stored answers keep their terms until `koe reanalyze` recomputes them. A
// dictionary that does not parse is refused with analysis' error as it is
// (a *analysis.DictionaryError names the line), for the person who wrote it.
func SaveDictionary(ctx context.Context, db bun.IDB, source []byte) (analysis.Dictionary, error) {
	d, _, err := saveDictionary(ctx, db, source)
	return d, err
}

// saveDictionary is SaveDictionary, also returning the analyzer built to
// check the dictionary.
func saveDictionary(ctx context.Context, db bun.IDB, source []byte) (analysis.Dictionary, *analysis.Analyzer, error) {
	d, err := analysis.ParseDictionary(source)
	if err != nil {
		return analysis.Dictionary{}, nil, err
	}
	a, err := analysis.New(d) // a dictionary the analyzer cannot load is refused now, not at the next start
	if err != nil {
		return analysis.Dictionary{}, nil, err
	}
	row := &storedDictionary{Version: d.Version(), Source: string(source), CreatedAt: time.Now().UTC()}
	if _, err = db.NewInsert().Comment("store.SaveDictionary").Model(row).Exec(ctx); err != nil {
		return d, nil, fmt.Errorf("store.SaveDictionary: %w", err)
	}
	return d, a, nil
}

// UseDictionary saves a dictionary as SaveDictionary does and analyses new
// answers with it in this process at once, rather than at FollowDictionary's
// next look (other processes sharing the database follow then), so that a
// Reanalyze started next recomputes the stored answers with it.
func (s *Store) UseDictionary(ctx context.Context, source []byte) (analysis.Dictionary, error) {
	d, a, err := saveDictionary(ctx, s.db, source)
	if err != nil {
		return d, err
	}
	s.tokenizer.Use(a)
	return d, nil
}

// FollowDictionary keeps the store on the active dictionary (the one applied
// last, see ActiveDictionary) until ctx ends: every interval it reads the
// newest applied dictionary's id and, when it is a new one whose version is
// not the one in use, builds its analyzer (cheap once the system dictionary
// is loaded) and swaps it in. A `koe dictionary apply` so reaches every
// process sharing the database within an interval, and new answers are
// analysed, and stamped, with it. Errors are logged and the analyzer in use
// is kept.
func (s *Store) FollowDictionary(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var seen int64 // the newest dictionary row looked at
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var err error
		if seen, err = s.followDictionary(ctx, seen, log); err != nil && ctx.Err() == nil {
			log.Warn("checking for a new dictionary", "err", err)
		}
	}
}

// followDictionary swaps in the analyzer of the newest applied dictionary if
// that is not row seen and its version is not the one in use. It returns the
// row it looked at.
func (s *Store) followDictionary(ctx context.Context, seen int64, log *slog.Logger) (int64, error) {
	var newest []storedDictionary
	err := s.db.NewSelect().Comment("store.Store.followDictionary").Model(&newest).Column("id", "version").OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return seen, fmt.Errorf("store.FollowDictionary: %w", err)
	}
	if len(newest) == 0 || newest[0].ID == seen {
		return seen, nil // none applied: the default stays, as at start
	}
	if newest[0].Version == s.Version() { // the one loaded at start
		return newest[0].ID, nil
	}
	var row storedDictionary
	if err := s.db.NewSelect().Comment("store.Store.followDictionary").Model(&row).Where("id = ?", newest[0].ID).Scan(ctx); err != nil {
		return seen, fmt.Errorf("store.FollowDictionary: %w", err)
	}
	dict, err := analysis.ParseDictionary([]byte(row.Source))
	if err != nil {
		return seen, fmt.Errorf("store.FollowDictionary: %w", err)
	}
	a, err := analysis.New(dict)
	if err != nil {
		return seen, fmt.Errorf("store.FollowDictionary: %w", err)
	}
	log.Info("new answers are analysed with the dictionary applied last", "version", a.Version(), "was", s.Version())
	s.tokenizer.Use(a)
	return row.ID, nil
}
