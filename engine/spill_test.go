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

// TestHashJoinSpillsUnderMemoryLimit: joins whose build side passes
// lode.query_memory_limit run as grace hash joins over spilled file pairs
// and return the in-memory joins' results (inner, outer with NULL keys,
// semi and anti joins).
func TestHashJoinSpillsUnderMemoryLimit(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE fa (id bigint, k bigint, pad text)")
	q.run("INSERT INTO fa SELECT i, CASE WHEN i % 50 = 0 THEN NULL ELSE (i * 7919) % 120000 END, 'fa ' || i FROM generate_series(1, 200000) i")
	q.run("CREATE TABLE fb (k bigint, v bigint, pad text)")
	q.run("INSERT INTO fb SELECT CASE WHEN i % 70 = 0 THEN NULL ELSE i END, i % 97, 'fb ' || i FROM generate_series(1, 150000) i")
	queries := []string{
		"SELECT count(*), sum(fb.v), max(fa.pad) FROM fa JOIN fb ON fa.k = fb.k",
		"SELECT count(*), count(fb.k), sum(fa.id) FROM fa LEFT JOIN fb ON fa.k = fb.k",
		"SELECT count(*), count(fa.k), count(fb.k) FROM fa FULL JOIN fb ON fa.k = fb.k AND fb.v < 50",
		"SELECT count(*) FROM fa WHERE k IN (SELECT k FROM fb WHERE v > 10)",
		"SELECT count(*) FROM fb WHERE NOT EXISTS (SELECT 1 FROM fa WHERE fa.k = fb.k)",
	}
	var inMemory []string
	for _, sql := range queries {
		inMemory = append(inMemory, q.rows(sql))
	}
	before := exec.SpilledJoinRows.Load()
	q.run("SET lode.query_memory_limit = '1MB'")
	for i, sql := range queries {
		if got := q.rows(sql); got != inMemory[i] {
			t.Fatalf("%s: spilled %s, in memory %s", sql, got, inMemory[i])
		}
	}
	if exec.SpilledJoinRows.Load() == before {
		t.Fatal("no join spilled under a 1MB limit")
	}
}
