package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDeletionVectorDML: on a table with delta.enableDeletionVectors,
// DELETE, UPDATE and MERGE mark rows deleted instead of rewriting data
// files; results, time travel, OPTIMIZE and VACUUM stay right.
func TestDeletionVectorDML(t *testing.T) {
	wh := t.TempDir()
	q := newSQLTester(t, wh)
	q.run("CREATE TABLE dv (id integer, v text) TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')")
	dir := q.eng.cat.TableDir(catalogName("main", "public", "dv"))
	proto := lastAction(t, dir, 0, "protocol")
	if !strings.Contains(proto, `"deletionVectors"`) || !strings.Contains(proto, `"minReaderVersion":3`) {
		t.Fatalf("version 0 protocol does not declare deletionVectors: %s", proto)
	}
	q.run("INSERT INTO dv SELECT g, 'v' || g FROM generate_series(1, 1000) g")
	before := liveFiles(t, dir)

	if n := q.run("DELETE FROM dv WHERE id % 10 = 0")[0].Tag; n != "DELETE 100" {
		t.Fatalf("tag %s", n)
	}
	if after := liveFiles(t, dir); !slices.Equal(before, after) {
		t.Fatalf("DELETE rewrote data files: %v → %v", before, after)
	}
	add := lastAction(t, dir, 2, "add")
	if !strings.Contains(add, `"deletionVector":{"storageType":"u"`) || !strings.Contains(add, `"cardinality":100`) ||
		!strings.Contains(add, `tightBounds`) {
		t.Fatalf("DELETE's add action: %s", add)
	}
	if got := q.count("SELECT count(*) FROM dv"); got != 900 {
		t.Fatalf("count after DELETE = %d", got)
	}
	// A second DELETE on the same file extends its vector.
	q.run("DELETE FROM dv WHERE id <= 5")
	if add := lastAction(t, dir, 3, "add"); !strings.Contains(add, `"cardinality":105`) {
		t.Fatalf("second DELETE's vector: %s", add)
	}
	// UPDATE deletes the old versions by vector and writes the new rows.
	q.run("UPDATE dv SET v = 'changed' WHERE id BETWEEN 6 AND 8")
	if got := q.rows("SELECT id, v FROM dv WHERE id < 12 ORDER BY id"); got != "6|changed;7|changed;8|changed;9|v9;11|v11" {
		t.Fatalf("after UPDATE: %s", got)
	}
	q.run("CREATE TABLE src (id integer, v text)")
	q.run("INSERT INTO src VALUES (9, 'merged'), (2000, 'new')")
	q.run("MERGE INTO dv USING src ON dv.id = src.id WHEN MATCHED THEN UPDATE SET v = src.v WHEN NOT MATCHED THEN INSERT VALUES (src.id, src.v)")
	if got := q.rows("SELECT count(*), min(id), max(id) FROM dv"); got != "896|6|2000" {
		t.Fatalf("after MERGE: %s", got)
	}
	if got := q.rows("SELECT v FROM dv WHERE id = 9"); got != "merged" {
		t.Fatalf("merged row: %s", got)
	}
	// Time travel still sees the rows the vectors hide now.
	if got := q.count("SELECT count(*) FROM dv VERSION AS OF 1"); got != 1000 {
		t.Fatalf("version 1 has %d rows", got)
	}
	// RESTORE to a version before the vectors brings the file back whole
	// (same path, no vector), with its statistics, and back again.
	q.run("RESTORE TABLE dv TO VERSION AS OF 1")
	if got := q.count("SELECT count(*) FROM dv"); got != 1000 {
		t.Fatalf("after RESTORE to version 1: %d rows", got)
	}
	if add := lastAction(t, dir, 6, "add"); !strings.Contains(add, `minValues`) {
		t.Fatalf("RESTORE dropped the file's statistics: %s", add)
	}
	q.run("RESTORE TABLE dv TO VERSION AS OF 5")
	if got := q.count("SELECT count(*) FROM dv"); got != 896 {
		t.Fatalf("after RESTORE to version 5: %d rows", got)
	}
	// OPTIMIZE rewrites the live rows only; VACUUM keeps live vectors.
	q.run("OPTIMIZE dv")
	if got := q.rows("SELECT count(*), sum(id) FROM dv"); got != "896|"+expectedSum() {
		t.Fatalf("after OPTIMIZE: %s", got)
	}
	q.run("SET lode.retention_duration_check = off")
	q.run("VACUUM dv RETAIN 0 HOURS")
	if got := q.count("SELECT count(*) FROM dv"); got != 896 {
		t.Fatalf("after VACUUM: %d", got)
	}
}

// expectedSum is the sum of the ids left after the statements above.
func expectedSum() string {
	sum := 0
	for i := 1; i <= 1000; i++ {
		if i%10 != 0 && i > 5 {
			sum += i
		}
	}
	return itoa(sum + 2000)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// lastAction returns the last action of kind in commit version v, as JSON.
func lastAction(t *testing.T, dir string, v int, kind string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "_delta_log", strings.Repeat("0", 20-len(itoa(v)))+itoa(v)+".json"))
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		if raw, ok := a[kind]; ok {
			out = string(raw)
		}
	}
	if out == "" {
		t.Fatalf("version %d has no %s action", v, kind)
	}
	return out
}

// TestDeletionVectorManyRows: a vector with more deleted rows than a
// batch holds, spread over the whole file (a scan slices the file into
// batches and must select within each).
func TestDeletionVectorManyRows(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE big (id bigint) TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')")
	q.run("INSERT INTO big SELECT g FROM generate_series(1, 200000) g")
	q.run("DELETE FROM big WHERE id % 3 = 0")
	if got := q.rows("SELECT count(*), sum(id) FROM big"); got != "133334|13333466667" {
		t.Fatalf("after DELETE: %s", got)
	}
	q.run("CREATE TABLE cow (id bigint)")
	q.run("INSERT INTO cow SELECT g FROM generate_series(1, 200000) g")
	q.run("DELETE FROM cow WHERE id % 3 = 0")
	if got := q.rows("SELECT count(*), sum(id) FROM cow"); got != "133334|13333466667" {
		t.Fatalf("copy-on-write DELETE: %s", got)
	}
}
