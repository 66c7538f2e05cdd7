package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/koe-project/koe/analysis"
)

// Copies of an answer (the same text, or nearly, given again: a double
// submission, a group's notes pasted by each member, a template sentence)
// count once in word frequencies, codes and their drill-downs, as they do
// in issue groups; Scope.AllCopies counts each.

// maxCachedCopies bounds the copies remembered (one entry per scope's set
// of questions).
const maxCachedCopies = 64

// Copies are the answers of a scope that repeat another one.
type Copies struct {
	IDs    map[int64]bool           // the answers left out when each group counts once
	Counts analysis.DuplicateCounts // for 同一・類似の回答 N件 (M通り)
}

// CopiesOf returns the answers of sc's questions that repeat another answer
// (analysis.FindDuplicates over the analysed answers that say something),
// each group's template (its most frequent wording) kept. They are found
// whatever sc.AllCopies says; see copiesLeftOut.
func (s *Store) CopiesOf(ctx context.Context, sc Scope) (Copies, error) {
	copies, err := s.copiesOf(ctx, sc, nil)
	if err != nil {
		return Copies{}, fmt.Errorf("store.CopiesOf: %w", err)
	}
	return copies, nil
}

// CopiesAmong is CopiesOf for a caller holding the answers of sc's whole
// questions with their texts (Docs(sc, nil)): when they are not remembered,
// the copies are found among those answers instead of read again.
func (s *Store) CopiesAmong(ctx context.Context, sc Scope, loaded []analysis.Doc) (Copies, error) {
	copies, err := s.copiesOf(ctx, sc, loaded)
	if err != nil {
		return Copies{}, fmt.Errorf("store.CopiesAmong: %w", err)
	}
	return copies, nil
}

// copiesOf is CopiesOf, among loaded when it is not nil.
func (s *Store) copiesOf(ctx context.Context, sc Scope, loaded []analysis.Doc) (Copies, error) {
	if len(sc.Questions) == 0 {
		return Copies{}, nil
	}
	ids := sc.questionIDs()
	slices.Sort(ids)
	key := fmt.Sprint(ids)
	// The count and the newest of the analysed answers change with every
	// answer added, deleted or reanalysed away. Loaded answers give their
	// own, so that what is found among them is kept under their stamp.
	var stamp struct {
		N   int64
		Max int64
	}
	if loaded != nil {
		stamp.N = int64(len(loaded))
		for _, d := range loaded {
			stamp.Max = max(stamp.Max, d.ID)
		}
	} else if err := s.db.NewSelect().Comment("store.Store.CopiesOf").TableExpr("answer_term_lists").
		ColumnExpr("COUNT(*) AS n, COALESCE(MAX(answer_id), 0) AS max").
		Where("question_id IN (?)", bun.List(ids)).Scan(ctx, &stamp.N, &stamp.Max); err != nil {
		return Copies{}, err
	}
	reused, err := s.reusedIDsStamp(ctx, ids)
	if err != nil {
		return Copies{}, err
	}
	version := fmt.Sprintf("%d/%d/%s/%s", stamp.N, stamp.Max, s.Version(), reused)
	return s.copies.do(ctx, key, version, func(ctx context.Context) (Copies, error) {
		if loaded != nil {
			return s.findCopies(loaded), nil
		}
		var rows []struct {
			ID    int64
			Value string
		}
		if err := s.db.NewSelect().Comment("store.Store.CopiesOf").TableExpr("answer_term_lists AS l").
			ColumnExpr("a.id, a.value").Join("JOIN answers AS a ON a.id = l.answer_id").
			Where("l.question_id IN (?)", bun.List(ids)).OrderExpr("a.id").Scan(ctx, &rows); err != nil {
			return Copies{}, err
		}
		answers := make([]analysis.Doc, len(rows))
		for i, r := range rows {
			answers[i] = analysis.Doc{ID: r.ID, Text: r.Value}
		}
		return s.findCopies(answers), nil
	})
}

// findCopies finds the copies among answers, in id order, for copiesOf.
func (s *Store) findCopies(answers []analysis.Doc) Copies {
	a := s.Analyzer()
	texts := make([]string, 0, len(answers))
	said := make([]int64, 0, len(answers))
	for _, d := range answers {
		if strings.TrimSpace(d.Text) == "" || a.IsEmptyAnswer(d.Text) {
			continue
		}
		texts = append(texts, d.Text)
		said = append(said, d.ID)
	}
	found := analysis.FindDuplicates(texts, analysis.DuplicateOptions{})
	copies := Copies{IDs: map[int64]bool{}, Counts: found.Counts()}
	for i, repeat := range found.Repeats(len(texts)) {
		if repeat {
			copies.IDs[said[i]] = true
		}
	}
	return copies
}

// copiesLeftOut returns the answers sc leaves out as copies: none when it
// counts every copy (AllCopies).
// loaded, when not nil, are sc's answers with their texts (CopiesAmong).
func (s *Store) copiesLeftOut(ctx context.Context, sc Scope, loaded []analysis.Doc) (map[int64]bool, error) {
	if sc.AllCopies {
		return nil, nil
	}
	c, err := s.copiesOf(ctx, sc, loaded)
	return c.IDs, err
}

// withoutCopies drops the answers of docs that copies marks.
func withoutCopies(docs []analysis.Doc, copies map[int64]bool) []analysis.Doc {
	if len(copies) == 0 {
		return docs
	}
	out := docs[:0]
	for _, d := range docs {
		if !copies[d.ID] {
			out = append(out, d)
		}
	}
	return out
}
