package engine

import (
	"context"
	"strings"
	"testing"
)

// TestSchemaEvolutionOnAppend: with lode.schema_auto_merge on, an INSERT
// whose SELECT has more (named) columns than the table adds them, in the
// same commit as the rows; without it the INSERT fails as in PostgreSQL.
func TestSchemaEvolutionOnAppend(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE e (id integer, a text)")
	q.run("INSERT INTO e VALUES (1, 'x')")
	ctx := context.Background()
	if _, err := q.s.Query(ctx, "INSERT INTO e SELECT 2, 'y', 3 AS n"); err == nil ||
		!strings.Contains(err.Error(), "more expressions than target columns") {
		t.Fatalf("without auto-merge: %v", err)
	}
	q.run("SET lode.schema_auto_merge = on")
	q.run("INSERT INTO e SELECT 2, 'y', 3 AS n")
	dir := q.eng.cat.TableDir(catalogName("main", "public", "e"))
	md := lastAction(t, dir, 2, "metaData")
	add := lastAction(t, dir, 2, "add")
	if !strings.Contains(md, `\"name\":\"n\"`) || add == "" {
		t.Fatalf("the new column and the rows must be one commit: %s", md)
	}
	if got := q.rows("SELECT id, a, n FROM e ORDER BY id"); got != "1|x|(null);2|y|3" {
		t.Fatalf("after evolution: %s", got)
	}
	for _, bad := range []string{
		"INSERT INTO e SELECT 3, 'z', 4, 5",         // unnamed new column
		"INSERT INTO e SELECT 3, 'z', 4, 5 AS ID",   // clashes with id
		"INSERT INTO e (id) SELECT 3, 'z' AS other", // a column list never evolves
	} {
		if _, err := q.s.Query(ctx, bad); err == nil {
			t.Fatalf("%s: no error", bad)
		}
	}
	if got := q.count("SELECT count(*) FROM e"); got != 2 {
		t.Fatalf("failed inserts left rows: %d", got)
	}
}

// TestMergeSchemaEvolution: with auto-merge on, MERGE's UPDATE SET * and
// INSERT * add the source's extra columns to the target in the MERGE's
// commit; explicit actions leave them NULL. Both copy-on-write and with
// deletion vectors.
func TestMergeSchemaEvolution(t *testing.T) {
	for _, props := range []string{"", " TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')"} {
		q := newSQLTester(t, t.TempDir())
		q.run("CREATE TABLE tgt (id integer, v text)" + props)
		q.run("INSERT INTO tgt VALUES (1, 'a'), (2, 'b'), (3, 'c')")
		q.run("CREATE TABLE src (id integer, v text, score integer)")
		q.run("INSERT INTO src VALUES (2, 'B', 20), (4, 'D', 40)")
		merge := "MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
		// Without auto-merge the star actions take the target's columns
		// only; the extra source column is ignored.
		q.run(merge)
		if got := q.rows("SELECT * FROM tgt ORDER BY id"); got != "1|a;2|B;3|c;4|D" {
			t.Fatalf("%q: MERGE without evolution: %s", props, got)
		}
		q.run("DELETE FROM tgt WHERE id = 4")
		q.run("SET lode.schema_auto_merge = on")
		q.run(merge)
		if got := q.rows("SELECT id, v, score FROM tgt ORDER BY id"); got != "1|a|(null);2|B|20;3|c|(null);4|D|40" {
			t.Fatalf("%q: after MERGE with evolution: %s", props, got)
		}
		q.run("MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = 'x'")
		if got := q.rows("SELECT id, v, score FROM tgt WHERE id = 4"); got != "4|x|40" {
			t.Fatalf("%q: explicit update after evolution: %s", props, got)
		}
	}
}
