package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBarDrawsOnlyOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	if b := New(&buf, "import", 10); b != nil {
		t.Fatal("a bar on a buffer")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) || New(f, "import", 10) != nil {
		t.Fatal("a regular file taken for a terminal")
	}
	var nilBar *Bar // what callers get off a terminal: every method is a no-op
	nilBar.Set(3)
	nilBar.Add(1)
	nilBar.Done()
}

func TestBarDraws(t *testing.T) {
	var buf bytes.Buffer
	b := &Bar{w: &buf, label: "import", total: 4}
	b.Set(1)
	b.Add(3)
	b.Done()
	out := buf.String()
	if !strings.Contains(out, "4/4 100%") || !strings.HasSuffix(out, "\n") || !strings.HasPrefix(out, "\rimport [") {
		t.Errorf("bar output %q", out)
	}
}
