package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// TestOptimizeAndVacuum: OPTIMIZE compacts many small files into one
// without changing the rows; VACUUM refuses a short retention unless
// allowed, lists (DRY RUN) and then deletes the files no longer live.
func TestOptimizeAndVacuum(t *testing.T) {
	wh := t.TempDir()
	q := newSQLTester(t, wh)
	eng, s, ctx, run := q.eng, q.s, context.Background(), q.run
	run("CREATE TABLE small (x integer)")
	for i := 0; i < 5; i++ {
		run("INSERT INTO small SELECT g FROM generate_series(1, 10) g")
	}
	dir := filepath.Join(wh, "main", "public", "small")
	countFiles := func() int {
		m, _ := filepath.Glob(filepath.Join(dir, "*.parquet"))
		return len(m)
	}
	if n := countFiles(); n != 5 {
		t.Fatalf("%d data files before OPTIMIZE, want 5", n)
	}
	run("OPTIMIZE small")
	tab, _ := eng.Catalog().OpenTable(catalogName("main", "public", "small"))
	snap, _ := tab.Snapshot(ctx)
	if len(snap.Files()) != 1 {
		t.Fatalf("%d live files after OPTIMIZE, want 1", len(snap.Files()))
	}
	res := run("SELECT count(*), sum(x)::bigint FROM small")[0].Records[0]
	if res.Column(0).(*array.Int64).Value(0) != 50 || res.Column(1).(*array.Int64).Value(0) != 275 {
		t.Fatal("OPTIMIZE changed the rows")
	}
	if _, err := s.Query(ctx, "VACUUM small RETAIN 0 HOURS"); err == nil {
		t.Fatal("a retention under 7 days was accepted")
	}
	run("SET lode.retention_duration_check = off")
	// Age the removed files past the (zero) retention.
	old := time.Now().Add(-time.Hour)
	m, _ := filepath.Glob(filepath.Join(dir, "*.parquet"))
	for _, f := range m {
		os.Chtimes(f, old, old)
	}
	dry := run("VACUUM small RETAIN 0 HOURS DRY RUN")[0]
	if dry.RowCount() != 5 || countFiles() != 6 {
		t.Fatalf("DRY RUN listed %d files (want 5) and left %d (want 6)", dry.RowCount(), countFiles())
	}
	run("VACUUM small RETAIN 0 HOURS")
	if countFiles() != 1 {
		t.Fatalf("%d data files after VACUUM, want 1", countFiles())
	}
	if n := run("SELECT count(*) FROM small")[0].Records[0].Column(0).(*array.Int64).Value(0); n != 50 {
		t.Fatalf("after VACUUM %d rows", n)
	}
}
