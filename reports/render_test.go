package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t testing.TB, name string, f func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("KOE_REPORT_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWriteReportSmoke(t *testing.T) {
	p := writeFile(t, "sample.html", func(b *bytes.Buffer) error { return WriteReport(b, sampleReport()) })
	writeFile(t, "hostile.html", func(b *bytes.Buffer) error { return WriteReport(b, hostileReport()) })
	writeFile(t, "series.html", func(b *bytes.Buffer) error { return WriteSeries(b, sampleSeries()) })
	writeFile(t, "hostile-series.html", func(b *bytes.Buffer) error { return WriteSeries(b, hostileSeries()) })
	st, _ := os.Stat(p)
	t.Logf("sample report: %d bytes", st.Size())
}
