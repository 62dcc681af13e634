package engine

import (
	"context"
	"strings"
	"testing"
)

// TestRenameDropColumns: RENAME and DROP COLUMN switch the table to
// column mapping by name (data files keep their physical column names, so
// nothing is rewritten); a column added again after a drop does not see
// the dropped column's old data; partition columns can be renamed but not
// dropped; CHECK constraints protect the columns they use.
func TestRenameDropColumns(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE c (id integer, a text, b integer, d date) PARTITIONED BY (d)")
	q.run("INSERT INTO c VALUES (1, 'x', 10, '2024-01-01'), (2, 'y', 20, '2024-01-02')")
	dir := q.eng.cat.TableDir(catalogName("main", "public", "c"))
	before := liveFiles(t, dir)
	res := q.run("ALTER TABLE c RENAME COLUMN a TO name")
	if len(res[0].Notices) != 1 || !strings.Contains(res[0].Notices[0], "column mapping enabled") {
		t.Fatalf("notices %v", res[0].Notices)
	}
	proto := lastAction(t, dir, 2, "protocol")
	if !strings.Contains(proto, `"columnMapping"`) {
		t.Fatalf("protocol after the rename: %s", proto)
	}
	md := lastAction(t, dir, 2, "metaData")
	if !strings.Contains(md, `delta.columnMapping.physicalName\":\"a\"`) || !strings.Contains(md, `"delta.columnMapping.mode":"name"`) {
		t.Fatalf("metaData after the rename: %s", md)
	}
	q.run("ALTER TABLE c DROP COLUMN b")
	q.run("ALTER TABLE c ADD COLUMN b integer")
	q.run("INSERT INTO c VALUES (3, 'z', '2024-01-03', 30)")
	if got := q.rows("SELECT id, name, d, b FROM c ORDER BY id"); got !=
		"1|x|2024-01-01|(null);2|y|2024-01-02|(null);3|z|2024-01-03|30" {
		t.Fatalf("after rename/drop/add: %s", got)
	}
	for _, f := range before {
		found := false
		for _, g := range liveFiles(t, dir) {
			found = found || f == g
		}
		if !found {
			t.Fatalf("schema changes rewrote %s", f)
		}
	}
	q.run("ALTER TABLE c RENAME COLUMN d TO day")
	q.run("UPDATE c SET name = 'changed' WHERE day = '2024-01-01'")
	if got := q.rows("SELECT id, name, day FROM c WHERE day >= '2024-01-01' ORDER BY id"); got !=
		"1|changed|2024-01-01;2|y|2024-01-02;3|z|2024-01-03" {
		t.Fatalf("after renaming the partition column: %s", got)
	}
	q.run("CREATE TABLE k (x integer CHECK (x > 0), y integer)")
	for _, bad := range []string{
		"ALTER TABLE c DROP COLUMN day",
		"ALTER TABLE k DROP COLUMN x",
		"ALTER TABLE k RENAME COLUMN x TO z",
		"ALTER TABLE c RENAME COLUMN name TO id",
	} {
		if _, err := q.s.Query(context.Background(), bad); err == nil {
			t.Fatalf("%s: no error", bad)
		}
	}
	q.run("ALTER TABLE k RENAME COLUMN y TO w")
	q.run("ALTER TABLE k SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true', 'owner' = 'me')")
	q.run("ALTER TABLE k UNSET TBLPROPERTIES ('owner')")
	if _, err := q.s.Query(context.Background(), "ALTER TABLE k UNSET TBLPROPERTIES ('owner')"); err == nil {
		t.Fatal("unsetting a missing property: no error")
	}
	q.run("ALTER TABLE k UNSET TBLPROPERTIES IF EXISTS ('owner')")
}
