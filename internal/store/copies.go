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
	if len(sc.Questions) == 0 {
		return Copies{}, nil
	}
	ids := sc.questionIDs()
	slices.Sort(ids)
	key := fmt.Sprint(ids)
	var stamp struct {
		N   int64
		Max int64
	}
	// The count and the newest answer change with every answer added,
	// deleted or reanalysed away.
	if err := s.db.NewSelect().Comment("store.Store.CopiesOf").TableExpr("answer_term_lists").
		ColumnExpr("COUNT(*) AS n, COALESCE(MAX(answer_id), 0) AS max").
		Where("question_id IN (?)", bun.List(ids)).Scan(ctx, &stamp.N, &stamp.Max); err != nil {
		return Copies{}, fmt.Errorf("store.CopiesOf: %w", err)
	}
	reused, err := s.reusedIDsStamp(ctx, ids)
	if err != nil {
		return Copies{}, fmt.Errorf("store.CopiesOf: %w", err)
	}
	version := fmt.Sprintf("%d/%d/%s/%s", stamp.N, stamp.Max, s.Version(), reused)
	if c, ok := s.copies.get(key, version); ok {
		return c, nil
	}
	var rows []struct {
		ID    int64
		Value string
	}
	if err := s.db.NewSelect().Comment("store.Store.CopiesOf").TableExpr("answer_term_lists AS l").
		ColumnExpr("a.id, a.value").Join("JOIN answers AS a ON a.id = l.answer_id").
		Where("l.question_id IN (?)", bun.List(ids)).OrderExpr("a.id").Scan(ctx, &rows); err != nil {
		return Copies{}, fmt.Errorf("store.CopiesOf: %w", err)
	}
	a := s.Analyzer()
	texts := make([]string, 0, len(rows))
	said := make([]int64, 0, len(rows))
	for _, r := range rows {
		if strings.TrimSpace(r.Value) == "" || a.IsEmptyAnswer(r.Value) {
			continue
		}
		texts = append(texts, r.Value)
		said = append(said, r.ID)
	}
	found := analysis.FindDuplicates(texts, analysis.DuplicateOptions{})
	copies := Copies{IDs: map[int64]bool{}, Counts: found.Counts()}
	for i, repeat := range found.Repeats(len(texts)) {
		if repeat {
			copies.IDs[said[i]] = true
		}
	}
	s.copies.put(key, version, copies)
	return copies, nil
}

// copiesLeftOut returns the answers sc leaves out as copies: none when it
// counts every copy (AllCopies).
func (s *Store) copiesLeftOut(ctx context.Context, sc Scope) (map[int64]bool, error) {
	if sc.AllCopies {
		return nil, nil
	}
	c, err := s.CopiesOf(ctx, sc)
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
