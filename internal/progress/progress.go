// Package progress draws a one-line progress bar for long CLI work (import,
// reanalyze). It draws only when the output is a terminal, so logs, pipes and
// tests stay free of carriage returns and escape codes.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar is a progress bar over a known total. The zero of a nil *Bar is usable:
// every method does nothing, so callers need no "if terminal" branches.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int
	done  int
	last  time.Time
	drawn bool
}

// width is the number of cells of the bar itself; the line stays under 80 columns.
const width = 30

// every bounds how often the bar is redrawn: a terminal that repaints on every
// one of 10,000 rows slows the work it reports on.
const every = 100 * time.Millisecond

// New returns a bar writing to w, or nil when w is not a terminal.
func New(w io.Writer, label string, total int) *Bar {
	if !IsTerminal(w) || total <= 0 {
		return nil
	}
	return &Bar{w: w, label: label, total: total}
}

// IsTerminal reports whether w is a character device (a terminal), without
// depending on a terminal library: a file or a pipe is not one.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Set records that n of the total are done and redraws when due.
func (b *Bar) Set(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = min(max(n, 0), b.total)
	if now := time.Now(); b.done == b.total || now.Sub(b.last) >= every {
		b.last = now
		b.draw()
	}
}

// Add records n more done.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	done := b.done + n
	b.mu.Unlock()
	b.Set(done)
}

// Done ends the bar's line so that later output starts on a fresh one.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		b.draw()
		fmt.Fprintln(b.w)
		b.drawn = false
	}
}

func (b *Bar) draw() {
	filled := b.done * width / b.total
	fmt.Fprintf(b.w, "\r%s [%s%s] %d/%d %3d%%", b.label,
		strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		b.done, b.total, b.done*100/b.total)
	b.drawn = true
}
