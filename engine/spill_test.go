package engine

import (
	"context"
	"testing"

	"github.com/lodedb/lode/exec"
)

// TestSortSpillsUnderMemoryLimit: an ORDER BY over more rows than
// lode.query_memory_limit allows spills sorted runs to disk and merges
// them, with exactly the in-memory sort's result; bad sizes are refused.
func TestSortSpillsUnderMemoryLimit(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE big (id bigint, k integer, s text)")
	q.run("INSERT INTO big SELECT g, (g * 7919) % 1000, 'row ' || (g * 31) % 977 FROM generate_series(1, 200000) g")
	query := "SELECT k, s, id FROM big ORDER BY k DESC, s, id"
	inMemory := q.rows(query)
	before := exec.SpilledSortRuns.Load()
	q.run("SET lode.query_memory_limit = '256kB'")
	if got := q.rows(query); got != inMemory {
		t.Fatal("the spilled sort's rows differ from the in-memory sort's")
	}
	if exec.SpilledSortRuns.Load() == before {
		t.Fatal("the sort did not spill under a 256kB limit")
	}
	for _, bad := range []string{"SET lode.query_memory_limit = 'lots'", "SET lode.query_memory_limit = '-1MB'"} {
		if _, err := q.s.Query(context.Background(), bad); err == nil {
			t.Fatalf("%s: no error", bad)
		}
	}
}
