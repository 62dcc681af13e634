package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/engine"
)

// clientsDir holds the statements real clients send (psql -E, pgjdbc,
// SQLAlchemy, psqlODBC, Npgsql/Power BI), captured against PostgreSQL 15.
const clientsDir = "../../shared/conformance/clients"

// TestClientStatementReplay runs every statement of the captured client
// logs against the engine and reports, per file, how many run and why the
// others fail. It is a progress report, not a gate: it fails only if the
// engine panics (SQLSTATE XX000). Statements with $n parameters are
// prepared (parsed, bound and typed) rather than executed.
func TestClientStatementReplay(t *testing.T) {
	dir := clientsDir
	if d := os.Getenv("LODE_CLIENTS_DIR"); d != "" {
		dir = d
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Skip("no client logs at " + clientsDir)
	}
	eng, err := engine.Open(engine.Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	setup, _ := eng.NewSession("lode", "main")
	// The tables the captures were made with (less the DEFAULT Lode lacks).
	for _, sql := range []string{"CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, ts timestamptz, amount numeric(10,2))",
		"INSERT INTO t VALUES (1, 'a', now(), 1.5)", "CREATE TABLE c (id integer PRIMARY KEY, tid integer)"} {
		if _, err := setup.Query(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	var total, passed int
	reasons := map[string]int{}
	for _, f := range files {
		stmts := extractStatements(t, f)
		ok := 0
		// One session per capture, as the client had: cursors, prepared
		// statements and transactions span statements. The server's own
		// statement log creates its tables itself: it gets a fresh catalog.
		s, _ := eng.NewSession("lode", "main")
		if filepath.Base(f) == "postgres-statement-log.txt" {
			if _, err := setup.Query(ctx, "CREATE CATALOG IF NOT EXISTS pglog"); err != nil {
				t.Fatal(err)
			}
			s, _ = eng.NewSession("lode", "pglog")
		}
		prepared := map[string]*engine.Prepared{}
		for _, sql := range stmts {
			var err error
			name := ""
			if strings.HasPrefix(sql, "\x00") {
				// A named prepared statement: prepared once, then executed.
				name, sql, _ = strings.Cut(sql[1:], "\x00")
			}
			if name != "" && !regexp.MustCompile(`\$[0-9]`).MatchString(sql) {
				p, perr := prepared[name], error(nil)
				if p == nil {
					p, perr = s.Prepare(ctx, name, sql, nil)
					prepared[name] = p
				}
				if err = perr; err == nil {
					var r *engine.Result
					if r, err = s.Execute(ctx, p, nil); r != nil {
						r.Release()
					}
				}
			} else if regexp.MustCompile(`\$[0-9]`).MatchString(sql) {
				_, err = s.Prepare(ctx, "", sql, nil)
			} else {
				var rs []*engine.Result
				rs, err = s.Query(ctx, sql)
				for _, r := range rs {
					r.Release()
				}
			}
			if err == nil {
				ok++
				continue
			}
			if rs, rerr := s.Query(ctx, "ROLLBACK"); rerr == nil {
				for _, r := range rs {
					r.Release()
				}
			}
			e := sqlerr.As(err)
			if e.Code == sqlerr.Internal {
				t.Errorf("%s: internal error on %q: %v", filepath.Base(f), oneLine(sql), err)
			}
			reasons[e.Code+" "+shorten(e.Message)]++
			if testing.Verbose() {
				t.Logf("FAIL %s: %s\n    %s", filepath.Base(f), oneLine(sql), e.Message)
			}
		}
		s.Close()
		t.Logf("%-28s %3d/%3d statements run", filepath.Base(f), ok, len(stmts))
		total += len(stmts)
		passed += ok
	}
	t.Logf("client statement replay: %d passed, %d failed of %d", passed, total-passed, total)
	type kv struct {
		k string
		v int
	}
	var rs []kv
	for k, v := range reasons {
		rs = append(rs, kv{k, v})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].v > rs[j].v })
	for i, r := range rs {
		if i == 25 {
			break
		}
		t.Logf("  %4d × %s", r.v, r.k)
	}
}

var numberRE = regexp.MustCompile(`"[^"]*"|[0-9]+`)

// shorten groups similar messages: quoted names and numbers elided.
func shorten(m string) string {
	m = numberRE.ReplaceAllString(m, "…")
	if len(m) > 90 {
		m = m[:90]
	}
	return m
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

var odbcLineRE = regexp.MustCompile(`^(?:statement|execute ([^:]*)): (.*)$`)

var logStmtRE = regexp.MustCompile(`LOG:  (?:statement|execute ([^:]*)): (.*)$`)

// extractStatements pulls the SQL out of one capture, by its format.
func extractStatements(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(s, ";")
		if s != "" {
			out = append(out, s)
		}
	}
	base := filepath.Base(path)
	switch {
	case strings.HasPrefix(base, "psql_E"):
		for _, blk := range strings.Split(text, "********* QUERY **********")[1:] {
			if i := strings.Index(blk, "**************************"); i >= 0 {
				add(blk[:i])
			}
		}
	case strings.HasSuffix(base, ".py"):
		// The Python list of query strings, with their \r\n escapes.
		for _, m := range regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(text, -1) {
			q := strings.NewReplacer(`\r`, "\r", `\n`, "\n", `\"`, `"`).Replace(m[1])
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(q)), "select") {
				add(q)
			}
		}
	case strings.HasSuffix(base, ".sql"):
		for _, s := range splitSQL(text) {
			add(s)
		}
	case strings.Contains(text, "LOG:  "):
		var cur *strings.Builder
		for _, line := range strings.Split(text, "\n") {
			if m := logStmtRE.FindStringSubmatch(line); m != nil {
				if cur != nil {
					for _, s := range splitSQL(cur.String()) {
						add(s)
					}
				}
				cur = &strings.Builder{}
				if m[1] != "" && m[1] != "<unnamed>" {
					cur.WriteString("\x00" + m[1] + "\x00")
				}
				cur.WriteString(m[2])
				continue
			}
			if cur != nil && strings.HasPrefix(line, "\t") {
				cur.WriteString("\n" + line)
				continue
			}
			if cur != nil {
				for _, s := range splitSQL(cur.String()) {
					add(s)
				}
				cur = nil
			}
		}
		if cur != nil {
			for _, s := range splitSQL(cur.String()) {
				add(s)
			}
		}
	case strings.HasPrefix(text, "statement: "):
		// psqlODBC's log: "statement: SQL" or "execute NAME: SQL" per line.
		for _, line := range strings.Split(text, "\n") {
			if m := odbcLineRE.FindStringSubmatch(line); m != nil {
				if m[1] != "" {
					add("\x00" + m[1] + "\x00" + m[2])
					continue
				}
				for _, s := range splitSQL(m[2]) {
					add(s)
				}
			}
		}
	default:
		// One statement per unindented line; indented lines continue it,
		// an empty line ends it.
		var cur strings.Builder
		flush := func() { add(cur.String()); cur.Reset() }
		for _, line := range strings.Split(text, "\n") {
			if line == "" {
				flush()
				continue
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, " ") {
				flush()
			}
			cur.WriteString(line + "\n")
		}
		flush()
	}
	return out
}

// splitSQL splits on semicolons outside quotes.
func splitSQL(s string) []string {
	var out []string
	start, inQ, inD := 0, false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' && !inD:
			inQ = !inQ
		case c == '"' && !inQ:
			inD = !inD
		case c == ';' && !inQ && !inD:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

var _ = fmt.Sprint
