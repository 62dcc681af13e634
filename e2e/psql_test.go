package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// psql runs the psql client against s and returns stdout, stderr and
// whether it exited 0. -X skips ~/.psqlrc so output is predictable.
func psql(t *testing.T, s *server, args ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	cmd := exec.Command("psql", append([]string{"-X", "-h", s.Host, "-p", s.Port, "-U", "lode", "-d", "main"}, args...)...)
	// A clean environment: PG* variables of the machine must not leak in.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PGCONNECT_TIMEOUT=10", "LC_ALL=C.UTF-8", "PGTZ=UTC"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("psql: %v", err)
	}
	return out.String(), errOut.String(), err == nil
}

// lines joins expected output lines; kept one per line so trailing blanks,
// which psql prints and the comparison needs, stay visible.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// TestPsql drives the server with the real psql and compares its aligned
// output with what psql prints against PostgreSQL for the same statements.
func TestPsql(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql is not installed")
	}
	s := startServer(t, "")

	for _, tc := range []struct{ sql, want string }{
		{"CREATE TABLE people (id integer, name text, score numeric(5,1))", lines("CREATE TABLE")},
		{"INSERT INTO people VALUES (1, 'Ada', 9.5), (2, 'Grace', NULL), (10, NULL, 10)", lines("INSERT 0 3")},
		{"SELECT id, name, score FROM people ORDER BY id", lines(
			" id | name  | score ",
			"----+-------+-------",
			"  1 | Ada   |   9.5",
			"  2 | Grace |      ",
			" 10 |       |  10.0",
			"(3 rows)",
			"",
		)},
		// Several statements in one -c string: psql 15 prints every result.
		{"SELECT 1 AS a; SELECT 'x' AS b, true AS c", lines(
			" a ",
			"---",
			" 1",
			"(1 row)",
			"",
			" b | c ",
			"---+---",
			" x | t",
			"(1 row)",
			"",
		)},
	} {
		out, errOut, ok := psql(t, s, "-c", tc.sql)
		if !ok || out != tc.want {
			t.Errorf("psql -c %q\n got (ok=%v):\n%s%s\nwant:\n%s", tc.sql, ok, out, errOut, tc.want)
		}
	}

	// -f: psql splits the file and sends the statements one by one.
	file := filepath.Join(t.TempDir(), "script.sql")
	script := `CREATE TABLE events (id bigint, at timestamp, day date, ok boolean);
INSERT INTO events VALUES (1, '2024-03-01 12:30:00', '2024-03-01', true), (2, NULL, '1999-12-31', false);
SELECT id, at, day, ok FROM events ORDER BY id;
SELECT count(*) AS n FROM events WHERE ok;
`
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	want := lines(
		"CREATE TABLE",
		"INSERT 0 2",
		" id |         at          |    day     | ok ",
		"----+---------------------+------------+----",
		"  1 | 2024-03-01 12:30:00 | 2024-03-01 | t",
		"  2 |                     | 1999-12-31 | f",
		"(2 rows)",
		"",
		" n ",
		"---",
		" 1",
		"(1 row)",
		"",
	)
	if out, errOut, ok := psql(t, s, "-f", file); !ok || out != want {
		t.Errorf("psql -f\n got (ok=%v):\n%s%s\nwant:\n%s", ok, out, errOut, want)
	}

	// An error: psql exits non-zero and prints it. (PostgreSQL also gives this
	// error a position, which psql shows as a LINE 1 caret; only the message
	// is required here.)
	out, errOut, ok := psql(t, s, "-c", "SELECT * FROM nope")
	if first, _, _ := strings.Cut(errOut, "\n"); ok || out != "" || first != `ERROR:  relation "nope" does not exist` {
		t.Errorf("psql -c on a missing table: ok=%v stdout %q stderr:\n%s", ok, out, errOut)
	}
}
