package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog"
)

// TestTimeTravelAndHistory: every statement is a version; VERSION AS OF
// and TIMESTAMP AS OF read old snapshots; DESCRIBE HISTORY lists commits.
func TestTimeTravelAndHistory(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	s, ctx, run, count := q.s, context.Background(), q.run, q.count
	run("CREATE TABLE tt (x integer)")    // version 0
	run("INSERT INTO tt VALUES (1), (2)") // version 1
	mid := time.Now().UTC()
	time.Sleep(20 * time.Millisecond)
	run("INSERT INTO tt VALUES (3)")  // version 2
	run("DELETE FROM tt WHERE x = 1") // version 3
	if n := count("SELECT count(*) FROM tt"); n != 2 {
		t.Fatalf("latest count %d", n)
	}
	if n := count("SELECT count(*) FROM tt VERSION AS OF 1"); n != 2 {
		t.Fatalf("version 1 count %d", n)
	}
	if n := count("SELECT count(*) FROM tt VERSION AS OF 2 AS old WHERE old.x > 1"); n != 2 {
		t.Fatalf("version 2 filtered count %d", n)
	}
	if n := count("SELECT sum(x)::bigint FROM tt TIMESTAMP AS OF '" + mid.Format("2006-01-02 15:04:05.000000+00") + "'"); n != 3 {
		t.Fatalf("timestamp as of: sum %d, want 3", n)
	}
	if _, err := s.Query(ctx, "SELECT * FROM tt VERSION AS OF 99"); err == nil {
		t.Fatal("version 99 accepted")
	}
	h := run("DESCRIBE HISTORY tt")[0]
	if h.RowCount() != 4 {
		t.Fatalf("history has %d rows, want 4", h.RowCount())
	}
	ops := h.Records[0].Column(2).(*array.String)
	if ops.Value(0) != "DELETE" || !strings.Contains(ops.Value(3), "CREATE") {
		t.Fatalf("operations newest first: %s … %s", ops.Value(0), ops.Value(3))
	}
}

// TestRestoreAndTruncate: RESTORE brings back an old version's files in a
// new commit; TRUNCATE removes every file; history records both.
func TestRestoreAndTruncate(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	run, count := q.run, q.count
	run("CREATE TABLE rt (x integer)")
	run("INSERT INTO rt VALUES (1), (2), (3)") // version 1
	run("UPDATE rt SET x = x * 10")            // version 2
	run("TRUNCATE rt")                         // version 3
	if n := count("SELECT count(*) FROM rt"); n != 0 {
		t.Fatalf("after TRUNCATE %d rows", n)
	}
	run("RESTORE TABLE rt TO VERSION AS OF 1") // version 4
	if n := count("SELECT sum(x)::bigint FROM rt"); n != 6 {
		t.Fatalf("after RESTORE sum %d, want 6", n)
	}
	if n := count("SELECT sum(x)::bigint FROM rt VERSION AS OF 2"); n != 60 {
		t.Fatalf("version 2 sum %d, want 60", n)
	}
	h := run("DESCRIBE HISTORY rt")[0]
	if op := h.Records[0].Column(2).(*array.String).Value(0); op != "RESTORE" {
		t.Fatalf("latest operation %q", op)
	}
}

// TestInsertOverwrite replaces a table's rows in one commit.
func TestInsertOverwrite(t *testing.T) {
	eng, err := Open(Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := eng.NewSession("lode", "main")
	ctx := context.Background()
	for _, q := range []string{"CREATE TABLE ow (x integer)", "INSERT INTO ow VALUES (1), (2)",
		"INSERT OVERWRITE TABLE ow SELECT x * 100 FROM generate_series(1, 3) g(x)"} {
		if _, err := s.Query(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	res, err := s.Query(ctx, "SELECT count(*), sum(x)::bigint FROM ow")
	if err != nil {
		t.Fatal(err)
	}
	rec := res[0].Records[0]
	if c, sum := rec.Column(0).(*array.Int64).Value(0), rec.Column(1).(*array.Int64).Value(0); c != 3 || sum != 600 {
		t.Fatalf("after INSERT OVERWRITE: %d rows, sum %d", c, sum)
	}
}

// TestTableProperties: USING DELTA and TBLPROPERTIES land in the Delta
// metadata configuration.
func TestTableProperties(t *testing.T) {
	wh := t.TempDir()
	eng, err := Open(Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := eng.NewSession("lode", "main")
	ctx := context.Background()
	if _, err := s.Query(ctx, "CREATE TABLE props (x integer) USING DELTA TBLPROPERTIES ('delta.appendOnly' = 'false', 'owner.team' = 'data')"); err != nil {
		t.Fatal(err)
	}
	tab, err := eng.Catalog().OpenTable(catalogName("main", "public", "props"))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := tab.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Metadata().Configuration["owner.team"]; got != "data" {
		t.Fatalf("owner.team = %q", got)
	}
	if _, err := s.Query(ctx, "CREATE TABLE other (x integer) USING parquet"); err == nil {
		t.Fatal("USING parquet accepted")
	}
}

func catalogName(c, s, t string) catalog.Name { return catalog.Name{Catalog: c, Schema: s, Table: t} }
