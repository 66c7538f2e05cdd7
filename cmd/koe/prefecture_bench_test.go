package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
	"github.com/koe-project/koe/internal/testcorpus"
)

// Issue 16, "prefecture scale": the whole Fukui tourism questionnaire
// (shared/corpora/fukui-kanko, 64,295 responses, 20 questions of which 7
// analysed free text, survey/testdata/fukui-kanko.yaml) imported, reported
// and served by real koe processes, with the floor of each figure measured
// in the same run. Gated: KOE_PREFECTURE=1 (the shared CSV; or a path to
// another CSV of the same header). KOE_PREFECTURE_BINS=old,new compares
// koe binaries in the same run, alternating (default: this tree, built).
//
//	KOE_PREFECTURE=1 go test -run '^$' -bench Prefecture -benchtime 1x -timeout 60m ./cmd/koe/
//	KOE_PREFECTURE=1 KOE_PREFECTURE_BINS=/tmp/koe-before,/tmp/koe-after go test -run '^$' -bench PrefectureRead -benchtime 1x ./cmd/koe/
//
// Metrics: seconds and peak RSS (MB, getrusage of the child) per binary
// (b0, b1 …); floors: the answer rows bulk-loaded by sqlite3 (with a
// (question_id, value) index) or psql \copy (same index), and kagome's
// dictionary load plus tokenizing every free text on all cores, each as
// its own process.

const prefectureSlug = "fukui-kanko"

// prefectureData is the input of the benchmarks and the rows of its floor.
type prefectureData struct {
	csv, yaml  string
	answers    string // CSV of the answer rows: id, response, question, value
	texts      string // every analysed free text, one a line (newlines flattened)
	rows, resp int
}

var prefectureOnce struct {
	sync.Once
	d   prefectureData
	err error
}

func prefecture(b *testing.B) (prefectureData, []string) {
	b.Helper()
	src := os.Getenv("KOE_PREFECTURE")
	if src == "" {
		b.Skip("KOE_PREFECTURE=1 runs the 64,000-response benchmarks")
	}
	if src == "1" {
		src = filepath.Join(testcorpus.Dir(b), "fukui-kanko", "fukui-kanko-2022-2024.csv")
	}
	prefectureOnce.Do(func() { prefectureOnce.d, prefectureOnce.err = prefectureRows(src) })
	if prefectureOnce.err != nil {
		b.Fatal(prefectureOnce.err)
	}
	var bins []string
	if v := os.Getenv("KOE_PREFECTURE_BINS"); v != "" {
		bins = strings.Split(v, ",")
	} else {
		bin, err := buildKoe()
		if err != nil {
			b.Fatal(err)
		}
		bins = []string{bin}
	}
	return prefectureOnce.d, bins
}

// prefectureRows writes the answer rows the import stores (every non-empty
// cell but the timestamp, the question numbered by column) and the analysed
// free texts (the columns the YAML marks analyze: true, by label).
func prefectureRows(src string) (prefectureData, error) {
	d := prefectureData{csv: src, yaml: filepath.Join("..", "..", "survey", "testdata", "fukui-kanko.yaml")}
	def, err := os.ReadFile(d.yaml)
	if err != nil {
		return d, err
	}
	analysed := map[string]bool{}
	for _, block := range strings.Split(string(def), "  - key: ")[1:] {
		if m := regexp.MustCompile(`label: "?([^"\n]+)"?`).FindStringSubmatch(block); m != nil && strings.Contains(block, "analyze: true") {
			analysed[m[1]] = true
		}
	}
	f, err := os.Open(src)
	if err != nil {
		return d, err
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "koe-prefecture")
	if err != nil {
		return d, err
	}
	d.answers, d.texts = filepath.Join(dir, "answers.csv"), filepath.Join(dir, "texts.txt")
	af, _ := os.Create(d.answers)
	tf, _ := os.Create(d.texts)
	aw, tw := csv.NewWriter(af), bufio.NewWriter(tf)
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return d, err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return d, err
		}
		d.resp++
		for i, v := range rec {
			if i == 0 || strings.TrimSpace(v) == "" { // 回答日時 is the response's time
				continue
			}
			d.rows++
			aw.Write([]string{fmt.Sprint(d.rows), fmt.Sprint(d.resp), fmt.Sprint(i), v})
			if analysed[header[i]] {
				tw.WriteString(strings.ReplaceAll(v, "\n", " ") + "\n")
			}
		}
	}
	aw.Flush()
	tw.Flush()
	if err := af.Close(); err != nil {
		return d, err
	}
	return d, tf.Close()
}

// timed runs a command and returns its wall time and peak RSS in MB.
func timed(b *testing.B, stdin string, name string, args ...string) (time.Duration, float64) {
	wall, rss, _ := timedCPU(b, stdin, name, args...)
	return wall, rss
}

// timedCPU is timed also returning the command's CPU time (user and
// system): on a machine others load, it moves less than the wall time.
func timedCPU(b *testing.B, stdin string, name string, args ...string) (time.Duration, float64, time.Duration) {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = os.Environ()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		return 0, 0, 0
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	rss := 0.0
	if ru != nil {
		rss = float64(ru.Maxrss) / 1024
	}
	return wall, rss, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// prefectureDB applies the questionnaire to a fresh database of the kind.
func prefectureDB(b *testing.B, bin string, kind database.Kind, d prefectureData) string {
	dbURL := dbtest.URL(b, kind)
	timed(b, "", bin, "survey", "apply", "--db", dbURL, "-f", d.yaml)
	return dbURL
}

// BenchmarkPrefectureImport imports the whole questionnaire with each koe
// binary, then measures the floors in the same iteration.
func BenchmarkPrefectureImport(b *testing.B) {
	d, bins := prefecture(b)
	os.Setenv("KOE_PREFECTURE_TEXTS", d.texts) // for the kagome floor's process
	for _, kind := range dbtest.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			for b.Loop() {
				for i, bin := range bins {
					dbURL := prefectureDB(b, bin, kind, d)
					wall, rss, cpu := timedCPU(b, "", bin, "import", "--db", dbURL, "--survey", prefectureSlug, "--format", "table", d.csv)
					metric(b, wall.Seconds(), fmt.Sprintf("b%d-import-s", i))
					metric(b, cpu.Seconds(), fmt.Sprintf("b%d-import-cpu-s", i))
					metric(b, rss, fmt.Sprintf("b%d-import-MB", i))
				}
				floor := loaderFloor(b, kind, d)
				kagome, _, kagomeCPU := timedCPU(b, "", os.Args[0], "-test.run=^TestPrefectureKagomeFloor$", "-test.count=1", "-test.v")
				metric(b, floor.Seconds(), "floor-db-s")
				metric(b, kagome.Seconds(), "floor-kagome-s")
				metric(b, kagomeCPU.Seconds(), "floor-kagome-cpu-s")
				metric(b, float64(d.rows), "answer-rows")
			}
		})
	}
}

// loaderFloor bulk-loads the answer rows with the database's own loader
// into a table indexed on (question_id, value), as koe's answers are.
func loaderFloor(b *testing.B, kind database.Kind, d prefectureData) time.Duration {
	const table = `CREATE TABLE answers (id INTEGER PRIMARY KEY, response_id INTEGER NOT NULL, question_id INTEGER NOT NULL, value TEXT NOT NULL);
CREATE INDEX answers_value ON answers (question_id, value);`
	if kind == database.SQLite {
		file := filepath.Join(b.TempDir(), "floor.db")
		script := "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n" + table + "\n.mode csv\n.import " + d.answers + " answers\n"
		wall, _ := timed(b, script, "sqlite3", file)
		return wall
	}
	dbURL := dbtest.URL(b, kind)
	timed(b, "", "psql", "-q", "-v", "ON_ERROR_STOP=1", dbURL, "-c", table)
	wall, _ := timed(b, "", "psql", "-q", "-v", "ON_ERROR_STOP=1", dbURL, "-c", `\copy answers FROM '`+d.answers+`' CSV`)
	return wall
}

// TestPrefectureKagomeFloor is the kagome floor when run by
// BenchmarkPrefectureImport as its own process: load the IPA dictionary,
// tokenize every analysed free text on GOMAXPROCS goroutines.
func TestPrefectureKagomeFloor(t *testing.T) {
	if os.Getenv("KOE_PREFECTURE_TEXTS") == "" {
		t.Skip("run by BenchmarkPrefectureImport")
	}
	data, err := os.ReadFile(os.Getenv("KOE_PREFECTURE_TEXTS"))
	if err != nil {
		t.Fatal(err)
	}
	tk, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(lines); i += workers {
				_ = tk.Tokenize(lines[i])
			}
		}()
	}
	wg.Wait()
}

var (
	drillLinkRE = regexp.MustCompile(`href="(/surveys/` + prefectureSlug + `/answers\?[^"]+)"`)
)

// BenchmarkPrefectureRead imports the questionnaire once per database
// (with the first binary), then with each binary in turn: koe report
// (time, RSS), koe serve's dashboard first load and second load (time,
// bytes gzipped), and a drill-down by a term, a code and an issue group.
func BenchmarkPrefectureRead(b *testing.B) {
	d, bins := prefecture(b)
	for _, kind := range dbtest.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			dbURL := os.Getenv("KOE_PREFECTURE_DB_" + strings.ToUpper(string(kind))) // an imported database to reuse
			if dbURL == "" {
				dbURL = prefectureDB(b, bins[0], kind, d)
				timed(b, "", bins[0], "import", "--db", dbURL, "--survey", prefectureSlug, "--format", "table", d.csv)
				timed(b, editorPassword+"\n", bins[0], "user", "add", "--db", dbURL, "--email", "admin@koe.test", "--role", "admin")
			}
			out := filepath.Join(b.TempDir(), "report.html")
			for b.Loop() {
				for i, bin := range bins {
					wall, rss, cpu := timedCPU(b, "", bin, "report", "--db", dbURL, "--survey", prefectureSlug, "-o", out)
					metric(b, wall.Seconds(), fmt.Sprintf("b%d-report-s", i))
					metric(b, cpu.Seconds(), fmt.Sprintf("b%d-report-cpu-s", i))
					metric(b, rss, fmt.Sprintf("b%d-report-MB", i))
					prefectureServe(b, bin, dbURL, fmt.Sprintf("b%d-", i))
				}
			}
		})
	}
}

// prefectureServe starts koe serve, signs in, and loads the dashboard twice
// and three drill-downs, reporting each; then it adds a response, loads the
// dashboard, and starts koe again twice: the first load after a restart
// with that response (the blocks kept are one response behind), and once
// the new blocks are built, after a restart with nothing changed.
func prefectureServe(b *testing.B, bin, dbURL, prefix string) {
	forgetKeptDashboards(b, dbURL) // the first load is that of a dashboard never built
	base, fetch, stop := prefectureStart(b, bin, dbURL, prefix)
	defer func() { stop(false) }()
	prefectureLoads(b, base, fetch, prefix)

	stop(false)
	_, fetch, stop = prefectureStart(b, bin, dbURL, prefix)
	restarted, _, page := fetch("/surveys/" + prefectureSlug)
	if restarted < 0 {
		return
	}
	metric(b, restarted.Seconds(), prefix+"dash-restart-changed-s")
	b.Logf("%sdashboard after a restart with one more response says it is behind: %v", prefix, strings.Contains(page, `class="notice behind"`))
	for i := 0; strings.Contains(page, `class="notice behind"`) && i < 120; i++ { // built again in the background
		time.Sleep(time.Second)
		_, _, page = fetch("/surveys/" + prefectureSlug)
	}
	stop(true) // gracefully: koe keeps the blocks it built before it exits
	_, fetch, stop = prefectureStart(b, bin, dbURL, prefix)
	if same, _, page := fetch("/surveys/" + prefectureSlug); same >= 0 {
		metric(b, same.Seconds(), prefix+"dash-restart-same-s")
		b.Logf("%sdashboard after a restart with nothing changed says it is behind: %v", prefix, strings.Contains(page, `class="notice behind"`))
	}
	if download, _, _ := fetch("/surveys/" + prefectureSlug + "/report.html"); download >= 0 {
		metric(b, download.Seconds(), prefix+"report-download-restart-s")
	}
}

// forgetKeptDashboards drops the dashboards koe keeps in the database
// (since session 9; none where the table is missing).
func forgetKeptDashboards(b *testing.B, dbURL string) {
	db, err := database.Open(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM dashboard_snapshots"); err != nil && !strings.Contains(err.Error(), "dashboard_snapshots") {
		b.Fatal(err)
	}
}

// prefectureStart starts koe serve on dbURL and signs in; fetch gets a path
// gzipped (its wall time, -1 when koe closed the connection; its
// compressed size; its body), and stop ends the server, gracefully or not.
func prefectureStart(b *testing.B, bin, dbURL, prefix string) (base string, fetch func(string) (time.Duration, int, string), stop func(graceful bool)) {
	addr := freeAddr(b)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", dbURL)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stopped := false
	stop = func(graceful bool) {
		if stopped {
			return
		}
		stopped = true
		if graceful {
			cmd.Process.Signal(syscall.SIGTERM)
		} else {
			cmd.Process.Kill() // not SIGTERM: a graceful stop would wait for a page past its timeout
		}
		cmd.Wait()
	}
	base = "http://" + addr
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if i > 400 {
			b.Fatal("koe serve did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{DisableCompression: true}, Timeout: 130 * time.Second}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {"admin@koe.test"}, "password": {editorPassword}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	fetch = func(path string) (time.Duration, int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil { // koe's write timeout (120 s) closes a connection whose page takes longer
			b.Logf("%s%s: %v after %v", prefix, path, err, time.Since(start))
			return -1, 0, ""
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		wall := time.Since(start)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		body := raw
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(string(raw)))
			if err != nil {
				b.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				b.Fatal(err)
			}
		}
		return wall, len(raw), string(body)
	}
	return base, fetch, stop
}

// prefectureLoads loads the dashboard twice and three drill-downs, adds a
// response and loads the dashboard again, reporting each.
func prefectureLoads(b *testing.B, base string, fetch func(string) (time.Duration, int, string), prefix string) {
	first, gz, page := fetch("/surveys/" + prefectureSlug)
	if first < 0 {
		return
	}
	metric(b, first.Seconds(), prefix+"dash1-s")
	metric(b, float64(gz)/1024, prefix+"dash-gzKB")
	metric(b, float64(len(page))/1024, prefix+"dash-KB")
	if again, _, _ := fetch("/surveys/" + prefectureSlug); again >= 0 {
		metric(b, again.Seconds(), prefix+"dash2-s")
	}
	if download, _, _ := fetch("/surveys/" + prefectureSlug + "/report.html"); download >= 0 { // after the dashboard, as staff do
		metric(b, download.Seconds(), prefix+"report-download-s")
	}

	found := map[string]string{}
	for _, m := range drillLinkRE.FindAllStringSubmatch(page, -1) {
		link := strings.ReplaceAll(m[1], "&amp;", "&")
		for _, k := range []string{"issue", "code", "term"} {
			if strings.Contains(link, k+"=") && found[k] == "" && (k == "issue" || !strings.Contains(link, "issue=")) {
				found[k] = link
			}
		}
	}
	for _, k := range []string{"term", "code", "issue"} {
		if found[k] == "" {
			b.Logf("no %s drill-down link on the dashboard", k)
			continue
		}
		if wall, _, _ := fetch(found[k]); wall >= 0 {
			metric(b, wall.Seconds()*1000, prefix+"drill-"+k+"-ms")
		}
	}
	// One more response: the next load shows the blocks as they were while
	// new ones are built (koe since session 7), or builds them first.
	resp, err := http.Post(base+"/api/v1/surveys/"+prefectureSlug+"/responses", "application/json",
		strings.NewReader(`{"answers":{"satisfaction_reason":"駐車場が少なくて困りました"}}`))
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b.Fatalf("one more response: %d", resp.StatusCode)
	}
	if changed, _, page := fetch("/surveys/" + prefectureSlug); changed >= 0 {
		metric(b, changed.Seconds(), prefix+"dash-after-change-s")
		b.Logf("%sdashboard after one more response says it is behind: %v", prefix, strings.Contains(page, `class="notice behind"`))
	}
}

// metric reports a benchmark figure and logs it at once, so that the figures
// of a run that fails later are not lost.
func metric(b *testing.B, v float64, unit string) {
	b.Helper()
	b.ReportMetric(v, unit)
	b.Logf("%s %.3f", unit, v)
}
