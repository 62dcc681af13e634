package engine

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// copyGoldenTable copies a Delta table of the shared conformance corpus
// into dir (the corpus is read-only and a test must not change it).
func copyGoldenTable(t *testing.T, name, dir string) string {
	t.Helper()
	src, _ := filepath.Abs(filepath.Join("..", "..", "shared", "conformance", "delta", "golden", name, "delta"))
	if _, err := os.Stat(src); err != nil {
		t.Skip("shared golden tables not found")
	}
	dst := filepath.Join(dir, name)
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestNestedDeltaColumns reads Spark-written tables with nested columns:
// a struct column is JSON text the json operators query, an array of
// integers is a Lode array (subscripts, array_length, unnest). Writes to
// such a table are refused with 0A000 naming the column, and leave the
// table as it was.
func TestNestedDeltaColumns(t *testing.T) {
	dir := t.TempDir()
	structLoc := copyGoldenTable(t, "data-reader-nested-struct", dir)
	arrayLoc := copyGoldenTable(t, "data-reader-array-primitives", dir)
	q := newSQLTester(t, filepath.Join(dir, "wh"))
	q.run("CREATE TABLE ns USING DELTA LOCATION '" + structLoc + "'")
	q.run("CREATE TABLE ap USING DELTA LOCATION '" + arrayLoc + "'")

	check := func(sql, want string) {
		t.Helper()
		if got := q.rows(sql); got != want {
			t.Errorf("%s:\n got %s\nwant %s", sql, got, want)
		}
	}
	check("SELECT a FROM ns WHERE b = 3", `{"aa":"3","ab":"3","ac":{"aca":3,"acb":3}}`)
	check("SELECT a->>'aa', a->'ac'->>'aca', a #>> '{ac,acb}' FROM ns WHERE b = 7", "7|7|7")
	check("SELECT count(*) FROM ns WHERE (a->'ac'->>'acb')::bigint = b", "10")
	check("SELECT b FROM ns WHERE a->>'ab' = '4'", "4")

	// Each row i holds one-element arrays of i.
	check("SELECT as_array_int[1], as_array_int[2], array_length(as_array_int, 1) FROM ap WHERE as_array_int[1] = 5", "5|(null)|1")
	check("SELECT as_array_string[1], as_array_long[1] + 1, as_array_double[1] * 2 FROM ap WHERE as_array_int[1] = 2", "2|3|4")
	check("SELECT count(*), sum(x) FROM (SELECT unnest(as_array_long) AS x FROM ap) u", "10|45")
	// array<binary> reads as bytea[].
	check("SELECT encode(as_array_binary[1], 'hex'), array_length(as_array_binary, 1) FROM ap WHERE as_array_int[1] = 1", "0101|1")

	// The log entries and data files: a refused write adds neither.
	version := func() int {
		var n int
		for _, d := range []string{structLoc, filepath.Join(structLoc, "_delta_log")} {
			entries, err := os.ReadDir(d)
			if err != nil {
				t.Fatal(err)
			}
			n += len(entries)
		}
		return n
	}
	before := version()
	for _, sql := range []string{
		"INSERT INTO ns (b) VALUES (100)",
		"DELETE FROM ns WHERE b = 1",
		"UPDATE ns SET b = b + 1",
		"MERGE INTO ns USING (SELECT 1 AS k) src ON ns.b = src.k WHEN MATCHED THEN DELETE",
		"OPTIMIZE ns",
		"TRUNCATE ns",
		"INSERT OVERWRITE ns SELECT * FROM ns",
	} {
		_, err := q.s.Query(context.Background(), sql)
		if err == nil {
			t.Fatalf("%s: accepted on a table with a struct column", sql)
		}
		if sqlerr.Code(err) != sqlerr.FeatureNotSupported || !strings.Contains(err.Error(), `"a"`) {
			t.Errorf("%s: error %v (SQLSTATE %s), want 0A000 naming column \"a\"", sql, err, sqlerr.Code(err))
		}
	}
	if after := version(); after != before {
		t.Errorf("refused writes left files: %d entries, were %d", after, before)
	}
	check("SELECT count(*) FROM ns", "10")

	// Schema changes that keep the nested type as it is work; switching
	// the table to column mapping (RENAME COLUMN) would have to name every
	// nested field, and is refused.
	q.run("ALTER TABLE ns ADD COLUMN z int")
	check("SELECT a->>'aa', z FROM ns WHERE b = 2", "2|(null)")
	check("SELECT a->'ac'->>'aca' FROM ns VERSION AS OF 0 WHERE b = 2", "2")
	if _, err := q.s.Query(context.Background(), "ALTER TABLE ns RENAME COLUMN a TO s"); sqlerr.Code(err) != sqlerr.FeatureNotSupported || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("RENAME COLUMN of a table with a struct column: %v, want 0A000 naming \"a\"", err)
	}
}
