// Package database opens koe's storage: an embedded SQLite file by default, or
// PostgreSQL, behind one bun.DB so the rest of koe has a single code path.
package database

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	_ "github.com/lib/pq" // registers "postgres"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// DefaultURL is used when neither --db nor KOE_DB is given.
const DefaultURL = "sqlite:koe.db"

// Kind names a supported database engine.
type Kind string

const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Parse splits a koe database URL into the engine and the driver's data source name.
// Accepted forms: sqlite:PATH, sqlite://PATH, postgres://…, postgresql://….
func Parse(raw string) (Kind, string, error) {
	switch {
	case raw == "":
		return "", "", errors.New("empty database URL (use sqlite:PATH or postgres://…)")
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		// Checked here: the driver's own parse error quotes the whole URL, password and all.
		if _, err := url.Parse(raw); err != nil {
			return "", "", fmt.Errorf("database URL %s cannot be read as a URL (percent-encode characters such as %% / ? # @ : in the user name and password)", Redact(raw))
		}
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if file, _, _ := strings.Cut(path, "?"); file == "" {
			return "", "", fmt.Errorf("database URL %q has no file path (e.g. sqlite:koe.db)", raw)
		}
		return SQLite, sqliteDSN(path), nil
	default:
		return "", "", fmt.Errorf("database URL %q: use sqlite:PATH or postgres://USER@HOST/DB", Redact(raw))
	}
}

// sqliteDSN turns a file path into a modernc DSN with the settings koe relies on:
// WAL so readers never block the writer, foreign keys enforced, a busy timeout so
// concurrent writers wait instead of failing, synchronous=FULL so an acknowledged
// response survives power loss, and IMMEDIATE transactions so a write transaction
// takes the write lock up front (no deadlock when a reader upgrades to a writer).
// Reads go through a memory map of the file (mmap_size, up to 1 GiB of
// it): modernc otherwise copies every page it reads into a page it
// allocates, and frees them all whenever another connection commits; on
// the 64,000-response questionnaire's report that copying and freeing was
// a third of the time (its system time fell from 4.5 s to 1.9 s). The
// mapped pages are the operating system's file cache, shared, not koe's
// heap. Pages are SQLite's default 4 KiB. A page_size(65536) asked for here before
// never took effect (the driver switches to WAL first, which fixes the page
// size), and a copy of the 64,000-response database converted to 64 KiB pages
// wrote its report 2.3 times slower: modernc allocates and frees every page
// it reads.
func sqliteDSN(path string) string {
	path, query, _ := strings.Cut(path, "?")
	q, _ := url.ParseQuery(query)
	settings := []string{"journal_mode(WAL)", "foreign_keys(ON)", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS), "synchronous(FULL)", "cache_size(-32768)", "temp_store(MEMORY)"}
	if !slices.ContainsFunc(q["_pragma"], func(p string) bool { return strings.HasPrefix(p, "mmap_size(") }) { // else the URL's own, as Unmapped sets it
		settings = append(settings, fmt.Sprintf("mmap_size(%d)", mmapBytes))
	}
	for _, p := range settings {
		q.Add("_pragma", p)
	}
	if q.Get("_txlock") == "" {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// mmapBytes is how much of a SQLite file is read through a memory map.
const mmapBytes = 1 << 30

// Unmapped is the database URL raw for a process that mostly writes (koe
// import): SQLite reads its pages into its own cache of 32 MiB rather than
// through the memory map. The mapped pages a long import touches count as
// the process's memory (and a container's) up to the map's 1 GiB, growing
// with the database; the import's reads are index lookups the cache
// serves as well (the Fukui questionnaire's import: peak RSS 408–410 →
// 272 MB, the same time). PostgreSQL URLs are returned as they are.
func Unmapped(raw string) string {
	if !strings.HasPrefix(raw, "sqlite:") {
		return raw
	}
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	return raw + sep + "_pragma=mmap_size(0)"
}

// busyTimeoutMS is how long a SQLite writer waits for another's lock.
const busyTimeoutMS = 10000

// Open connects to the database named by a koe URL and checks that it answers.
func Open(raw string) (*bun.DB, error) {
	kind, dsn, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	var db *bun.DB
	switch kind {
	case SQLite:
		sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
		if err != nil {
			return nil, err
		}
		// One writer at a time is SQLite's model; a small pool still lets
		// readers run beside it under WAL.
		sqldb.SetMaxOpenConns(8)
		db = bun.NewDB(sqldb, sqlitedialect.New())
	case Postgres:
		sqldb, err := sql.Open("postgres", dsn)
		if err != nil {
			return nil, err
		}
		sqldb.SetMaxOpenConns(32)
		sqldb.SetMaxIdleConns(32)
		db = bun.NewDB(sqldb, pgdialect.New())
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach database %s: %s", Redact(raw), scrub(err.Error(), raw))
	}
	return db, nil
}

// KindOf reports which engine a bun.DB talks to.
func KindOf(db bun.IDB) Kind {
	if db.Dialect().Name() == dialect.PG {
		return Postgres
	}
	return SQLite
}

// Redact hides the password of a database URL (in its user info or a
// password= parameter) so the URL can be printed or logged. It also hides
// them in what is not a valid URL, such as a mistyped one, and in any text
// holding such a URL, such as a command line argument --db=….
func Redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" {
		_, hasPassword := u.User.Password()
		if !hasPassword && !passwordParam.MatchString(u.RawQuery) {
			return raw
		}
		if hasPassword {
			u.User = url.UserPassword(u.User.Username(), redacted)
		}
		u.RawQuery = passwordParam.ReplaceAllString(u.RawQuery, "${1}"+redacted)
		return u.String()
	}
	// Not a URL: hide from the first ':' after "://" to the last '@', and
	// every password=… value.
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		if at := strings.LastIndexByte(rest, '@'); at >= 0 {
			if colon := strings.IndexByte(rest[:at], ':'); colon >= 0 {
				raw = scheme + "://" + rest[:colon+1] + redacted + rest[at:]
			}
		}
	}
	return passwordParam.ReplaceAllString(raw, "${1}"+redacted)
}

const redacted = "xxxxx"

var passwordParam = regexp.MustCompile(`(?i)(password=)[^&\s]*`)

// scrub removes from an error message the secrets of a database URL,
// in case a driver quotes the URL: its password as given, decoded, or escaped.
func scrub(msg, raw string) string {
	var secrets []string
	if u, err := url.Parse(raw); err == nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw, url.QueryEscape(pw), url.PathEscape(pw))
		}
		for k, vs := range u.Query() {
			if strings.Contains(strings.ToLower(k), "password") {
				secrets = append(secrets, vs...)
			}
		}
	}
	msg = strings.ReplaceAll(msg, raw, Redact(raw))
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, redacted)
		}
	}
	return msg
}
