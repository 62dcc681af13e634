package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/lodedb/lode/sqltests/pgserver"
)

// TestPsqlMetaCommands runs psql's \dt, \d table, \dn, \l and \df against
// Lode and against a real PostgreSQL 15 holding the same table, and
// compares what psql prints: the catalogs and catalog functions must be
// close enough to PostgreSQL's for psql to lay out the same answer.
func TestPsqlMetaCommands(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql is not installed")
	}
	pgs, err := pgserver.Start()
	if errors.Is(err, pgserver.ErrUnavailable) {
		t.Skipf("differential psql test needs PostgreSQL 15: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer pgs.Stop()
	s := startServer(t, "")

	lodeArgs := []string{"-h", s.Host, "-p", s.Port, "-U", "lode", "-d", "main"}
	pgArgs := []string{"-h", pgs.Dir, "-p", itoa(pgs.Port), "-U", "lode", "-d", "postgres"}
	run := func(args []string, sql string) (string, string) {
		cmd := exec.Command("psql", append(append([]string{"-X"}, args...), "-c", sql)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PGCONNECT_TIMEOUT=10", "LC_ALL=C.UTF-8", "PGTZ=UTC"}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		_ = cmd.Run()
		return out.String(), errOut.String()
	}
	// The same role on both sides, so owners print the same.
	if _, e := run([]string{"-h", pgs.Dir, "-p", itoa(pgs.Port), "-U", "postgres", "-d", "postgres"},
		"CREATE ROLE lode SUPERUSER LOGIN"); e != "" {
		t.Fatal(e)
	}
	const ddl = "CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, amount numeric(10,2), ts timestamptz, v varchar(20), b bytea, u uuid, j json, jb jsonb, o oid)"
	for _, args := range [][]string{lodeArgs, pgArgs} {
		for _, sql := range []string{ddl, "CREATE INDEX t_name_idx ON t (name)"} {
			if _, e := run(args, sql); e != "" {
				t.Fatalf("%s: %s", sql, e)
			}
		}
	}

	for _, tc := range []struct {
		cmd string
		// header compares only the title and column headings (\l lists
		// PostgreSQL's template databases, Lode's catalogs).
		header bool
	}{
		{cmd: `\dt`}, {cmd: `\d t`}, {cmd: `\dn`}, {cmd: `\df`}, {cmd: `\l`, header: true},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			got, gotErr := run(lodeArgs, tc.cmd)
			want, wantErr := run(pgArgs, tc.cmd)
			if wantErr != "" {
				t.Fatalf("PostgreSQL: %s", wantErr)
			}
			if gotErr != "" {
				if strings.Contains(gotErr, "correlated subquery form is not supported") {
					// psql's publication query joins generate_series over an
					// outer column; Lode cannot decorrelate that yet.
					t.Skipf("blocked on decorrelating a correlated function in FROM: %s", gotErr)
				}
				t.Fatalf("Lode: %s", gotErr)
			}
			if tc.header {
				got, want = headerLines(got), headerLines(want)
			}
			if got != want {
				t.Errorf("psql %s differs.\nLode:\n%s\nPostgreSQL 15:\n%s", tc.cmd, got, want)
			}
		})
	}
}

// headerLines keeps a psql table's title and column headings, without
// the padding that depends on the rows.
func headerLines(s string) string {
	ls := strings.SplitN(s, "\n", 3)
	if len(ls) < 2 {
		return s
	}
	var cols []string
	for _, c := range strings.Split(ls[1], "|") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return strings.TrimSpace(ls[0]) + "\n" + strings.Join(cols, "|") + "\n"
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
