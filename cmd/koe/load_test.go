package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/koe-project/koe/internal/database"
	"github.com/koe-project/koe/internal/dbtest"
)

// TestLoad drives a real `koe serve` process with concurrent clients posting
// the JSON submission of the meeting questionnaire, on SQLite and on
// PostgreSQL, and checks that no request fails. In CI it runs for 2 s per
// database. By hand, for the figures of BENCHMARKS.md:
//
//	KOE_LOAD=20s go test -run '^TestLoad$' -v -timeout 10m ./cmd/koe/
//
// runs 20 s per database with 50 clients (KOE_LOAD_CLIENTS to change) and, on
// the same PostgreSQL database right after koe, pgbench doing the same writes
// (one response row, its answer rows, the terms of its analysed answer and the
// upsert of the question's term totals, in one transaction) with as many
// clients for as long, and once more without the term totals. KOE_LOAD_PROFILE=DIR saves a
// CPU profile and a three-second execution trace of koe under load per database
// (koe serve --pprof).
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real koe processes")
	}
	dur, full := 2*time.Second, false
	if v := os.Getenv("KOE_LOAD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("KOE_LOAD=%q: %v", v, err)
		}
		dur, full = d, true
	}
	clients := 50
	if v := os.Getenv("KOE_LOAD_CLIENTS"); v != "" {
		clients, _ = strconv.Atoi(v)
	}
	bin, err := buildKoe()
	if err != nil {
		t.Fatal(err)
	}
	var report []string
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dbURL := meetingDatabase(t, bin, kind)
			// The load comes from one address: the per-address limit is off for
			// the benchmark (it would rightly refuse 50 clients flooding at full speed).
			args := []string{"--submit-rate", "0"}
			profileDir := os.Getenv("KOE_LOAD_PROFILE")
			pprofAddr := ""
			if profileDir != "" {
				pprofAddr = freeAddr(t)
				args = append(args, "--pprof", pprofAddr)
			}
			cmd, url := startKoe(t, bin, dbURL, args...)
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			var profile sync.WaitGroup
			if pprofAddr != "" {
				profile.Add(2)
				go func() {
					defer profile.Done()
					saveProfile(t, "http://"+pprofAddr, dur, filepath.Join(profileDir, "cpu-"+string(kind)+".pprof"))
				}()
				go func() {
					defer profile.Done()
					saveTrace(t, "http://"+pprofAddr, dur, filepath.Join(profileDir, "trace-"+string(kind)+".out"))
				}()
			}
			res := driveLoad(url+meetingAPI, clients, dur, 400_000)
			profile.Wait()
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
			line := fmt.Sprintf("koe on %-8s %d clients %s: %7.0f submissions/s  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  %d ok, %d failed %v",
				kind, clients, dur, res.rate(), ms(res.p50), ms(res.p99), ms(res.max), res.ok, res.failed, res.statuses)
			t.Log(line)
			report = append(report, line)
			if res.failed > 0 || res.ok == 0 {
				t.Errorf("%d of %d requests failed: %v %v", res.failed, res.ok+res.failed, res.statuses, res.firstErr)
			}
			if kind == database.Postgres && full {
				for _, withCounts := range []bool{true, false} {
					what := "same writes as koe"
					if !withCounts {
						what = "same without the term_counts upsert"
					}
					pg := runPgbench(t, dbURL, clients, dur, withCounts)
					line := fmt.Sprintf("pgbench on postgres %d clients %s: %7.0f transactions/s  p50 %6.1f ms  p99 %6.1f ms  (%s); koe/pgbench = %.2f",
						clients, dur, pg.rate(), ms(pg.p50), ms(pg.p99), what, res.rate()/pg.rate())
					t.Log(line)
					report = append(report, line)
				}
			}
		})
	}
	t.Log("\n" + strings.Join(report, "\n"))
}

type loadResult struct {
	ok, failed    int
	elapsed       time.Duration
	p50, p99, max time.Duration
	statuses      map[int]int
	firstErr      error
}

func (r loadResult) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// driveLoad posts submissions from clients goroutines for dur (or until
// maxRequests were sent), each with its own Idempotency-Key, over keep-alive
// connections, and measures every request.
func driveLoad(url string, clients int, dur time.Duration, maxRequests int) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var mu sync.Mutex
	res := loadResult{statuses: map[int]int{}}
	var latencies []time.Duration
	var sent int
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			ok, failed := 0, 0
			statuses := map[int]int{}
			var firstErr error
			for i := 0; time.Now().Before(deadline); i++ {
				mu.Lock()
				if sent >= maxRequests {
					mu.Unlock()
					break
				}
				sent++
				mu.Unlock()
				req, _ := http.NewRequest("POST", url, strings.NewReader(validAnswer))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("load-%d-%d", c, i))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed++
					statuses[0]++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				statuses[resp.StatusCode]++
				if resp.StatusCode == http.StatusCreated {
					ok++
				} else {
					failed++
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			res.ok += ok
			res.failed += failed
			for k, v := range statuses {
				res.statuses[k] += v
			}
			if res.firstErr == nil {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.p50, res.p99, res.max = percentiles(latencies)
	return res
}

func percentiles(l []time.Duration) (p50, p99, max time.Duration) {
	if len(l) == 0 {
		return 0, 0, 0
	}
	slices.Sort(l)
	at := func(p float64) time.Duration { return l[min(len(l)-1, int(p*float64(len(l))))] }
	return at(0.50), at(0.99), l[len(l)-1]
}

// saveProfile saves a CPU profile of the run, past its first second.
func saveProfile(t *testing.T, base string, dur time.Duration, path string) {
	time.Sleep(time.Second) // past the warm-up
	fetchProfile(t, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, max(1, int(dur.Seconds())-2)), path)
	t.Logf("CPU profile: go tool pprof -top %s", path)
}

// saveTrace saves an execution trace of three seconds from the middle of
// the run: where submissions wait (go tool trace -pprof=sync|syscall|net).
func saveTrace(t *testing.T, base string, dur time.Duration, path string) {
	time.Sleep(dur / 2)
	fetchProfile(t, base+"/debug/pprof/trace?seconds=3", path)
	t.Logf("execution trace: go tool trace -pprof=sync %s", path)
}

// fetchProfile writes what a pprof address answers to path.
func fetchProfile(t *testing.T, u, path string) {
	resp, err := http.Get(u)
	if err != nil {
		t.Errorf("%s: %v", u, err)
		return
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	io.Copy(f, resp.Body)
}

// runPgbench runs pgbench on the database koe just wrote to, inserting what
// koe inserts for one submission: copied from a response koe stored.
func runPgbench(t *testing.T, dbURL string, clients int, dur time.Duration, withCounts bool) loadResult {
	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
		if len(found) == 0 {
			t.Skip("pgbench not found (apt-get install postgresql-contrib)")
		}
		pgbench = found[0]
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	script, err := pgbenchScript(db, withCounts)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	scriptPath := filepath.Join(dir, "submit.sql")
	os.WriteFile(scriptPath, []byte(script), 0o644)
	t.Logf("pgbench script:\n%s", script)
	cmd := exec.Command(pgbench, "-n", "-c", strconv.Itoa(clients), "-j", "2", "-T", strconv.Itoa(int(dur.Seconds())),
		"-f", scriptPath, "-l", "--log-prefix", filepath.Join(dir, "pgbench_log"), dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pgbench: %v\n%s", err, out)
	}
	res := loadResult{statuses: map[int]int{}}
	if m := regexp.MustCompile(`number of transactions actually processed: (\d+)`).FindSubmatch(out); m != nil {
		res.ok, _ = strconv.Atoi(string(m[1]))
	}
	if m := regexp.MustCompile(`number of failed transactions: (\d+)`).FindSubmatch(out); m != nil {
		res.failed, _ = strconv.Atoi(string(m[1]))
	}
	tps := 0.0
	if m := regexp.MustCompile(`tps = ([\d.]+) \(without initial connection time\)`).FindSubmatch(out); m != nil {
		tps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	res.elapsed = time.Duration(float64(res.ok) / tps * float64(time.Second))
	// Per-transaction log lines: client_id transaction_no latency_us script_no epoch epoch_us
	logs, _ := filepath.Glob(filepath.Join(dir, "pgbench_log*"))
	var latencies []time.Duration
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		for line := range strings.Lines(string(b)) {
			if f := strings.Fields(line); len(f) >= 3 {
				if us, err := strconv.Atoi(f[2]); err == nil {
					latencies = append(latencies, time.Duration(us)*time.Microsecond)
				}
			}
		}
	}
	res.p50, res.p99, res.max = percentiles(latencies)
	t.Logf("pgbench output:\n%s", out)
	return res
}

// pgbenchScript writes a pgbench transaction with the rows of one stored koe submission.
// With withCounts it also upserts the per-question term totals (table
// term_counts) as koe's analysis does in the same transaction.
func pgbenchScript(db *sql.DB, withCounts bool) (string, error) {
	var surveyID int64
	var responseID string
	if err := db.QueryRow(`SELECT survey_id, id FROM responses ORDER BY submitted_at LIMIT 1`).Scan(&surveyID, &responseID); err != nil {
		return "", err
	}
	rows, err := db.Query(`SELECT id, question_id, item, value, number, other, position, dict_version FROM answers WHERE response_id = $1 ORDER BY id`, responseID)
	if err != nil {
		return "", err
	}
	type answer struct {
		id, question int64
		item, value  string
		number       sql.NullFloat64
		other        bool
		position     int
		dict         string
	}
	var answers []answer
	for rows.Next() {
		var a answer
		if err := rows.Scan(&a.id, &a.question, &a.item, &a.value, &a.number, &a.other, &a.position, &a.dict); err != nil {
			return "", err
		}
		answers = append(answers, a)
	}
	rows.Close()
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	rid := `'pgb-' || :client_id || '-' || :rid`
	var b strings.Builder
	b.WriteString("\\set rid random(1, 1000000000000000)\nBEGIN;\n")
	fmt.Fprintf(&b, "INSERT INTO responses (id, survey_id, submitted_at, submission_key, source) VALUES (%s, %d, now(), %s, 'api');\n", rid, surveyID, rid)
	values := func(a answer) string {
		num := "NULL"
		if a.number.Valid {
			num = strconv.FormatFloat(a.number.Float64, 'f', -1, 64)
		}
		return fmt.Sprintf("(%s, %d, %s, %s, %s, %t, %d, %s)", rid, a.question, q(a.item), q(a.value), num, a.other, a.position, q(a.dict))
	}
	const cols = "INSERT INTO answers (response_id, question_id, item, value, number, other, position, dict_version) VALUES "
	var plain []string
	var analysed []answer
	for _, a := range answers {
		if a.dict != "" {
			analysed = append(analysed, a)
		} else {
			plain = append(plain, values(a))
		}
	}
	b.WriteString(cols + strings.Join(plain, ", ") + ";\n")
	for i, a := range analysed {
		fmt.Fprintf(&b, "%s%s RETURNING id AS aid%d \\gset\n", cols, values(a), i)
		var list string
		if err := db.QueryRow(`SELECT terms FROM answer_term_lists WHERE answer_id = $1`, a.id).Scan(&list); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		var counts []string
		type tc struct {
			term string
			n    int
		}
		var sorted []tc
		for line := range strings.SplitSeq(list, "\n") {
			if f := strings.SplitN(line, " ", 3); len(f) == 3 { // "<count> <kind> <term>"
				n, _ := strconv.Atoi(f[0])
				sorted = append(sorted, tc{f[2], n})
			}
		}
		fmt.Fprintf(&b, "INSERT INTO answer_term_lists (question_id, answer_id, response_id, terms) VALUES (%d, :aid%d, %s, %s);\n", a.question, i, rid, q(list))
		slices.SortFunc(sorted, func(x, y tc) int { return strings.Compare(x.term, y.term) }) // koe's lock order
		for _, c := range sorted {
			counts = append(counts, fmt.Sprintf("(%d, %s, :aid%d %% 16, %d, 1)", a.question, q(c.term), i, c.n))
		}
		if withCounts && len(counts) > 0 {
			b.WriteString("INSERT INTO term_counts AS tc (question_id, term, shard, count, docs) VALUES " + strings.Join(counts, ", ") +
				" ON CONFLICT (question_id, term, shard) DO UPDATE SET count = tc.count + EXCLUDED.count, docs = tc.docs + EXCLUDED.docs;\n")
		}
	}
	b.WriteString("END;\n")
	return b.String(), nil
}
