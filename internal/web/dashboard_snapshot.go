package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/koe-project/koe/internal/store"
	"github.com/koe-project/koe/reports"
	"github.com/koe-project/koe/survey"
)

// A large survey's dashboard takes seconds to build (about eight at 64,000
// responses on two cores), and the cache of built blocks lives in memory:
// every restart of koe made the first reader of each large dashboard wait
// for it again. So the blocks of large surveys are also kept in the
// database (store.DashboardSnapshot), under the stamp they were built from
// and the koe binary that built them; a restarted koe shows them at once
// while that stamp holds, and otherwise shows them as they were (saying so)
// while new ones are built in the background, as after any change. Blocks
// another build of koe made are never shown: their HTML goes with that
// build's scripts and styles.

// snapshotBody is what is kept of cachedBlocks (gob, gzipped): everything
// but the in-memory bookkeeping and a series' model (series dashboards are
// small and not kept). The issue groups are those of the report's model
// when there is one (they are its questions'), kept apart only for the raw
// counts, which have none.
type snapshotBody struct {
	Answers   string
	Responses int
	Blocks    template.HTML // rendered by this binary's templates before they were kept
	Drillable bool
	Built     time.Time
	Took      time.Duration
	Report    *reports.Report
	Issues    map[string]reports.IssueSet
	CrossTabs map[string]template.HTML
}

// binaryStamp names the running koe binary, read once per server and only
// when a snapshot is first kept or looked at: the Go build ID of its ELF
// file (a hash of what it was built from), else a digest of the file.
type binaryStamp struct {
	once   sync.Once
	digest string
}

func (b *binaryStamp) get() string {
	b.once.Do(func() {
		b.digest = "unknown"
		path, err := os.Executable()
		if err != nil {
			return
		}
		if f, err := elf.Open(path); err == nil {
			defer f.Close()
			if sec := f.Section(".note.go.buildid"); sec != nil {
				if note, err := sec.Data(); err == nil && len(note) > 16 {
					sum := sha256.Sum256(note)
					b.digest = hex.EncodeToString(sum[:12])
					return
				}
			}
		}
		f, err := os.Open(path)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return
		}
		b.digest = hex.EncodeToString(h.Sum(nil)[:12])
	})
	return b.digest
}

// keptStamp is the stamp a snapshot of blocks stamped stamp is kept under.
func (srv *Server) keptStamp(stamp string) string { return stamp + "|koe:" + srv.binary.get() }

// keepSnapshot keeps c, the blocks of s just built, in the database. A
// failure is only logged: the blocks are served from memory all the same.
func (srv *Server) keepSnapshot(ctx context.Context, s *survey.Survey, c cachedBlocks) {
	if now := srv.lastBlocks(s.Slug); !now.built.Equal(c.built) || now.fresh.IsZero() {
		return // built again or expired (staff renamed a group) meanwhile: not what the next start should show
	}
	start := time.Now()
	body := snapshotBody{
		Answers: c.answers, Responses: c.responses, Blocks: c.blocks, Drillable: c.drillable,
		Built: c.built, Took: c.took, Report: c.report, CrossTabs: c.crossTabs,
	}
	if c.report == nil {
		body.Issues = c.issues
	}
	buf := &cappedBuffer{limit: snapshotLimit}
	zw, err := gzip.NewWriterLevel(buf, gzip.BestSpeed) // a third of the default level's time, a fifth larger
	if err == nil {
		err = gob.NewEncoder(zw).Encode(body)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = srv.surveys.KeepDashboardSnapshot(ctx, s.ID, c.variant, store.DashboardSnapshot{Stamp: srv.keptStamp(c.stamp), Body: buf.Bytes(), BuiltAt: c.built})
	}
	if err != nil {
		srv.log.Warn("dashboard: keeping the built blocks failed", "survey", s.Slug, "err", err)
		return
	}
	srv.log.Info("dashboard kept", "survey", s.Slug, "bytes", buf.Len(), "took", time.Since(start).Round(time.Millisecond))
}

// snapshotLimit bounds the kept blocks of one dashboard, compressed: the
// Fukui questionnaire's 64,000 responses take 5.7 MB and a million 16.5 MB,
// most of it the answers of each issue group; a dashboard past it (about
// four million responses) is not kept, and built again at start.
const snapshotLimit = 64 << 20

// snapshotTimeout bounds keeping or reading back one dashboard's blocks
// (about a second at 64,000 responses, two at a million).
const snapshotTimeout = time.Minute

// cappedBuffer is a bytes.Buffer that refuses to grow past limit.
type cappedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		return 0, fmt.Errorf("the blocks take more than %d MB compressed", b.limit>>20)
	}
	return b.Buffer.Write(p)
}

// restoreSnapshot puts the blocks of s kept for variant in the memory
// cache when it holds none, and returns them with whether they are current
// (built from stamp, within blocksTTL); ok is false when none were kept by
// this koe binary. The start's warm-up and a first reader coming at once
// read them once.
func (srv *Server) restoreSnapshot(ctx context.Context, s *survey.Survey, stamp, variant string) (c cachedBlocks, current, ok bool) {
	v, _, _ := srv.restoring.Do(s.Slug+"\x00"+variant, func() (any, error) {
		// Not the first caller's request: the others share the read.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotTimeout)
		defer cancel()
		c, ok := srv.readSnapshot(ctx, s, variant)
		return restored{c, ok}, nil
	})
	r := v.(restored)
	if !r.ok {
		return cachedBlocks{}, false, false
	}
	srv.blocksMu.Lock()
	defer srv.blocksMu.Unlock()
	c = r.c
	if had := srv.blocks[s.Slug]; had.blocks != "" { // built (or restored) meanwhile
		c = had
	}
	srv.blocks[s.Slug] = c
	return c, c.stamp == stamp && time.Since(c.fresh) < blocksTTL, true
}

type restored struct {
	c  cachedBlocks
	ok bool
}

// readSnapshot reads and decodes the blocks of s kept for variant by this
// koe binary (ok false: none).
func (srv *Server) readSnapshot(ctx context.Context, s *survey.Survey, variant string) (cachedBlocks, bool) {
	suffix := "|koe:" + srv.binary.get()
	snap, found, err := srv.surveys.DashboardSnapshot(ctx, s.ID, variant, suffix)
	if err != nil {
		srv.log.Warn("dashboard: reading the kept blocks failed", "survey", s.Slug, "err", err)
		return cachedBlocks{}, false
	}
	if !found {
		return cachedBlocks{}, false
	}
	var body snapshotBody
	if err := decodeSnapshot(snap.Body, &body); err != nil {
		srv.log.Warn("dashboard: the kept blocks are unreadable", "survey", s.Slug, "err", err)
		return cachedBlocks{}, false
	}
	c := cachedBlocks{
		stamp: strings.TrimSuffix(snap.Stamp, suffix), answers: body.Answers, variant: variant, responses: body.Responses,
		blocks: body.Blocks, drillable: body.Drillable, built: body.Built, took: body.Took,
		issues: body.Issues, report: body.Report, crossTabs: body.CrossTabs,
		// Current for blocksTTL from when they were built, as if they had
		// stayed in memory: what their stamp does not name (the earlier
		// event's answers, a series' title) is refreshed after that, by a
		// build in the background while they are shown.
		fresh: body.Built,
	}
	if body.Report != nil {
		c.issues = issuesOf(*body.Report)
	}
	return c, true
}

func decodeSnapshot(body []byte, into *snapshotBody) error {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return err
	}
	if err := gob.NewDecoder(zr).Decode(into); err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	return zr.Close()
}

// forgetSnapshots drops the kept blocks of s after staff changed what they
// show without changing their stamp (an issue group's name); a failure is
// logged: the change itself is made, and the memory cache is expired.
func (srv *Server) forgetSnapshots(ctx context.Context, s *survey.Survey) {
	if err := srv.surveys.ForgetDashboardSnapshots(ctx, s.ID); err != nil {
		srv.log.Warn("dashboard: forgetting the kept blocks failed", "survey", s.Slug, "err", err)
	}
}
