package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Real drivers, end to end. Each test runs a small program in the
// client's own language against a Lode server and checks what it prints;
// .ci/run installs the clients (Debian packages, npm for node-postgres).
// A test skips, saying why, only when its client cannot be found.

// runClient runs name with args (stdin from script when not "") and
// returns stdout; the test fails with stderr when the program fails.
func runClient(t *testing.T, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "PGTZ=UTC", "PGCONNECT_TIMEOUT=10")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s failed: %v\nstdout:\n%s\nstderr:\n%s", name, err, out.String(), errOut.String())
		}
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not finish within %s\nstdout:\n%s\nstderr:\n%s", name, timeout, out.String(), errOut.String())
	}
	return out.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantLines checks that every expected line appears in out, in order.
func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("missing %q in output:\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
}

const pythonClient = `
import sys
import psycopg2
import sqlalchemy
from sqlalchemy import create_engine, inspect, text

host, port = sys.argv[1], sys.argv[2]
conn = psycopg2.connect(host=host, port=port, user="lode", dbname="main", application_name="pytest")
cur = conn.cursor()
cur.execute("CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, amount numeric(10,2), ts timestamptz)")
cur.execute("INSERT INTO t VALUES (%s, %s, %s, now()), (%s, %s, %s, now())", (1, "a'b", 1.5, 2, "c", None))
conn.commit()
cur.execute("SELECT id, name, amount FROM t WHERE id >= %s ORDER BY id", (1,))
print("rows", cur.fetchall())

# A server-side (named) cursor: DECLARE … FETCH FORWARD n inside a transaction.
with conn.cursor(name="named") as nc:
    nc.itersize = 7
    nc.execute("SELECT g FROM generate_series(1, 25) g")
    print("named", sum(1 for _ in nc))
conn.commit()
conn.close()

eng = create_engine("postgresql+psycopg2://lode@%s:%s/main" % (host, port))
insp = inspect(eng)
print("tables", insp.get_table_names())
print("columns", [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns("t")])
print("pk", insp.get_pk_constraint("t")["constrained_columns"])
with eng.connect() as c:
    print("count", c.execute(text("SELECT count(*) FROM t")).scalar())
print("sqlalchemy", sqlalchemy.__version__)
`

// TestPsycopg2SQLAlchemy: psycopg2 queries with parameters, a named
// (server-side) cursor, and SQLAlchemy's inspector over the catalogs.
func TestPsycopg2SQLAlchemy(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import psycopg2, sqlalchemy").Run(); err != nil {
		t.Skip("psycopg2 and SQLAlchemy are not installed for /usr/bin/python3 (apt-get install python3-psycopg2 python3-sqlalchemy)")
	}
	s := startServer(t, "")
	script := writeFile(t, t.TempDir(), "client.py", pythonClient)
	out := runClient(t, 2*time.Minute, py, script, s.Host, s.Port)
	wantLines(t, out,
		`rows [(1, "a'b", Decimal('1.50')), (2, 'c', None)]`,
		"named 25",
		"tables ['t']",
		"columns [('id', 'INTEGER', False), ('name', 'TEXT', False), ('amount', 'NUMERIC(10, 2)', True), ('ts', 'TIMESTAMP', True)]",
		"pk ['id']",
		"count 2")
}
