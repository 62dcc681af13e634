package engine

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestOptimizeWhere: OPTIMIZE … WHERE compacts only the partitions the
// predicate selects, and only partition columns may be used.
func TestOptimizeWhere(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE o (id integer, region text) PARTITIONED BY (region)")
	for i := 0; i < 3; i++ {
		q.run("INSERT INTO o VALUES (" + strconv.Itoa(i) + ", 'eu'), (" + strconv.Itoa(i+10) + ", 'us')")
	}
	dir := q.eng.cat.TableDir(catalogName("main", "public", "o"))
	if n := len(liveFiles(t, dir)); n != 6 {
		t.Fatalf("%d files before OPTIMIZE, want 6", n)
	}
	res := q.rows("OPTIMIZE o WHERE region = 'eu'")
	if res != `{"numFilesAdded":1,"numFilesRemoved":3}` {
		t.Fatalf("OPTIMIZE WHERE: %s", res)
	}
	var eu, us int
	for _, f := range liveFiles(t, dir) {
		switch {
		case strings.HasPrefix(f, "region=eu/"):
			eu++
		case strings.HasPrefix(f, "region=us/"):
			us++
		}
	}
	if eu != 1 || us != 3 {
		t.Fatalf("after OPTIMIZE WHERE: %d eu files, %d us files", eu, us)
	}
	if got := q.rows("SELECT count(*), sum(id) FROM o"); got != "6|36" {
		t.Fatalf("rows after OPTIMIZE: %s", got)
	}
	if _, err := q.s.Query(context.Background(), "OPTIMIZE o WHERE id > 3"); err == nil ||
		!strings.Contains(err.Error(), "only partition columns") {
		t.Fatalf("OPTIMIZE WHERE on a data column: %v", err)
	}
	q.run("OPTIMIZE o")
	if n := len(liveFiles(t, dir)); n != 2 {
		t.Fatalf("%d files after OPTIMIZE, want one per partition", n)
	}
}

// TestOptimizeZOrder: after ZORDER BY (x, y), files cover narrow ranges
// of both columns, so a filter on either skips most files; before, rows
// arrived in an order unrelated to x and y and nothing could be skipped.
func TestOptimizeZOrder(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE z (x integer, y integer, pad text) TBLPROPERTIES ('lode.targetFileRows' = '4096')")
	// A permutation of 0..65535 spreads x and y over every file.
	q.run("INSERT INTO z SELECT (g::bigint * 40503) % 65536 / 256, (g::bigint * 40503) % 256, 'p' FROM generate_series(0, 65535) g")
	skipped := func(filter string) int {
		plan := q.rows("EXPLAIN SELECT count(*) FROM z WHERE " + filter)
		m := regexp.MustCompile(`files=(\d+)(?: skipped=(\d+))?`).FindStringSubmatch(plan)
		if m == nil {
			t.Fatalf("no scan in %s", plan)
		}
		n, _ := strconv.Atoi(m[2])
		return n
	}
	if s := skipped("x = 10") + skipped("y = 10"); s != 0 {
		t.Fatalf("before ZORDER %d files were skipped", s)
	}
	q.run("OPTIMIZE z ZORDER BY (x, y)")
	if got := q.rows("SELECT count(*), sum(x), sum(y) FROM z"); got != "65536|8355840|8355840" {
		t.Fatalf("rows after ZORDER: %s", got)
	}
	sx, sy := skipped("x = 10"), skipped("y = 10")
	t.Logf("after ZORDER BY (x, y): x = 10 skips %d of 16 files, y = 10 skips %d", sx, sy)
	if sx < 8 || sy < 8 {
		t.Fatalf("after ZORDER only %d (x) and %d (y) of 16 files are skipped", sx, sy)
	}
	if got := q.count("SELECT count(*) FROM z WHERE x = 10 AND y = 10"); got != 1 {
		t.Fatalf("point lookup found %d rows", got)
	}
	for _, bad := range []string{"OPTIMIZE z ZORDER BY (nosuch)"} {
		if _, err := q.s.Query(context.Background(), bad); err == nil {
			t.Fatalf("%s: no error", bad)
		}
	}
}
