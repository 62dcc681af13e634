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

// TestHashAggregateSpillsUnderMemoryLimit: a GROUP BY with more groups
// than lode.query_memory_limit holds spills rows of new groups and merges
// them sub-partition by sub-partition, giving the in-memory result.
func TestHashAggregateSpillsUnderMemoryLimit(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE g (id bigint, k integer, s text, v numeric(12,2))")
	q.run("INSERT INTO g SELECT i, (i::bigint * 7919) % 50000, CASE WHEN i % 97 = 0 THEN NULL ELSE 'key ' || (i % 3001) END, i / 100.0 FROM generate_series(1, 300000) i")
	queries := []string{
		"SELECT k, count(*), sum(v), min(s), max(id) FROM g GROUP BY k ORDER BY k",
		"SELECT s, k % 7, count(DISTINCT k), avg(v) FROM g GROUP BY s, k % 7 ORDER BY 1, 2",
	}
	var inMemory []string
	for _, sql := range queries {
		inMemory = append(inMemory, q.rows(sql))
	}
	before := exec.SpilledAggRows.Load()
	q.run("SET lode.query_memory_limit = '512kB'")
	for i, sql := range queries {
		if got := q.rows(sql); got != inMemory[i] {
			t.Fatalf("%s: spilled result differs from the in-memory one", sql)
		}
	}
	if exec.SpilledAggRows.Load() == before {
		t.Fatal("no aggregation spilled under a 512kB limit")
	}
}
