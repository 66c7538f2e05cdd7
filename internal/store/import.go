package store

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/survey"
)

// Import reads a Google Forms, Microsoft Forms or koe export (see
// survey.Importer) and stores its rows as responses of s, in one
// transaction: every row or none.
func (st *Store) Import(ctx context.Context, s *survey.Survey, name string, data []byte, opt survey.ImportOptions) (*survey.ImportResult, error) {
	return st.ImportFrom(ctx, s, name, bytes.NewReader(data), int64(len(data)), opt)
}

// ImportFrom is Import of a file of size bytes read from src a part at a
// time: survey.Importer reads and checks the rows in batches, and this stores
// each batch in the import's transaction as it comes, with the terms of its
// analysed answers. A dry run reads the same way and stores nothing.
func (st *Store) ImportFrom(ctx context.Context, s *survey.Survey, name string, src io.ReaderAt, size int64, opt survey.ImportOptions) (_ *survey.ImportResult, err error) {
	defer wrapErr("store.ImportFrom", &err)
	imp, res, err := survey.OpenImport(s, name, src, size, opt, st.now())
	if err != nil {
		return res, err
	}
	defer imp.Close()
	if opt.DryRun {
		return imp.Read(ctx, &importWriter{st: st, db: st.db, s: s})
	}
	defer st.lockWrites()()
	err = st.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		w := &importWriter{st: st, db: tx, tx: tx, s: s, terms: new(TermWriter)}
		var err error
		if res, err = imp.Read(ctx, w); err != nil {
			return err
		}
		return w.terms.Flush(ctx, tx)
	})
	var ie *survey.ImportError
	if err != nil && !errors.As(err, &ie) {
		return nil, err
	}
	if err == nil && res != nil && res.Stored >= 1000 { // fewer rows do not move the statistics
		// The rows are stored: a failure here only leaves reads slower
		// until the next refresh (another import, SQLite's next open).
		_ = database.RefreshStatistics(ctx, st.db)
	}
	return res, err
}

// importWriter is the survey.ImportSink of one import: it reads the stored
// keys through db and writes in tx, with one TermWriter for the whole
// transaction.
type importWriter struct {
	st    *Store
	db    bun.IDB
	tx    bun.Tx
	s     *survey.Survey
	terms *TermWriter
}

// Stored returns which of values the survey's responses hold in column
// (their submission keys or ids).
func (w *importWriter) Stored(ctx context.Context, column string, values []string) (map[string]bool, error) {
	if len(values) == 0 {
		return nil, nil
	}
	var found []string
	err := w.db.NewSelect().Comment("store.importWriter.Stored").Model((*survey.Response)(nil)).Column(column).
		Where("survey_id = ? AND ? IN (?)", w.s.ID, bun.Ident(column), bun.List(values)).Scan(ctx, &found)
	out := make(map[string]bool, len(found))
	for _, v := range found {
		out[v] = true
	}
	return out, err
}

// Store writes new responses with their answers.
func (w *importWriter) Store(ctx context.Context, batch []survey.Pending) error {
	return w.st.insertResponses(ctx, w.tx, w.s, batch, w.terms)
}
