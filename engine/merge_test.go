package engine

import (
	"context"
	"strings"
	"testing"
)

// TestMergeDeltaForms covers what MERGE has in Delta Lake but not in
// PostgreSQL 15 (the shared forms are in sqltests/testdata/dml/merge.slt,
// which also runs on PostgreSQL): NOT MATCHED BY SOURCE, NOT MATCHED BY
// TARGET, UPDATE SET * and INSERT *.
func TestMergeDeltaForms(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE t (id integer, v text, n integer)")
	q.run("INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)")
	q.run("CREATE TABLE s (id integer, v text, n integer, extra text)")
	q.run("INSERT INTO s VALUES (2, 'B', 200, 'x'), (4, 'D', 400, 'y')")

	res := q.run(`MERGE INTO t USING s ON t.id = s.id
		WHEN MATCHED THEN UPDATE SET *
		WHEN NOT MATCHED BY TARGET THEN INSERT *
		WHEN NOT MATCHED BY SOURCE AND t.id = 1 THEN DELETE
		WHEN NOT MATCHED BY SOURCE THEN UPDATE SET n = -t.n`)
	if res[0].Tag != "MERGE 4" {
		t.Fatalf("tag %q, want MERGE 4", res[0].Tag)
	}
	if got, want := q.rows("SELECT id, v, n FROM t ORDER BY id"), "2|B|200;3|c|-30;4|D|400"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	// A star form needs every target column in the source.
	q.run("CREATE TABLE narrow (id integer)")
	if _, err := q.s.Query(context.Background(), "MERGE INTO t USING narrow ON t.id = narrow.id WHEN MATCHED THEN UPDATE SET *"); err == nil ||
		!strings.Contains(err.Error(), `column "v"`) {
		t.Fatalf("UPDATE SET * with a missing source column: %v", err)
	}
	// A NOT MATCHED BY SOURCE clause cannot read the (absent) source row.
	if _, err := q.s.Query(context.Background(), "MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN UPDATE SET n = s.n"); err == nil ||
		!strings.Contains(err.Error(), "invalid reference to FROM-clause entry") {
		t.Fatalf("source column in NOT MATCHED BY SOURCE: %v", err)
	}
}
