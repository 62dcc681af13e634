package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/pgserver"
)

// benchRows is the generate_series size (LODE_BENCH_ROWS overrides the
// issue's 10M for quick runs).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("LODE_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 10_000_000
}

const (
	createSQL = `CREATE TABLE t (id bigint, k integer, v bigint, f double precision)`
	insertSQL = `INSERT INTO t SELECT i, i %% 1000, i * 2, CAST(i AS double precision) / 7 FROM generate_series(1, %d) AS g(i)`
	groupSQL  = `SELECT k, sum(v), count(*) FROM t GROUP BY k`
)

// lodeRun times one statement in a fresh session.
func lodeRun(b *testing.B, s *engine.Session, sql string) time.Duration {
	start := time.Now()
	res, err := s.Query(context.Background(), sql)
	if err != nil {
		b.Fatalf("lode: %s: %v", sql, err)
	}
	d := time.Since(start)
	for _, r := range res {
		r.Release()
	}
	return d
}

func pgRun(b *testing.B, c *pgx.Conn, sql string) time.Duration {
	start := time.Now()
	rows, err := c.Query(context.Background(), sql)
	if err != nil {
		b.Fatalf("postgres: %s: %v", sql, err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		b.Fatalf("postgres: %s: %v", sql, err)
	}
	return time.Since(start)
}

// BenchmarkInsertAndGroupBy measures, in one run, Lode and PostgreSQL 15
// on the same statements: INSERT … SELECT of benchRows() generated rows
// with computed columns, then GROUP BY with sum and count over them.
// Reported: rows/s of each insert, seconds of each GROUP BY, and the
// Lode/PostgreSQL time ratios (below 1 means Lode is faster).
func BenchmarkInsertAndGroupBy(b *testing.B) {
	n := benchRows()
	srv, err := pgserver.Start()
	if err != nil {
		b.Skip(err)
	}
	defer srv.Stop()
	pc, err := pgx.Connect(context.Background(), srv.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer pc.Close(context.Background())
	eng, err := engine.Open(engine.Config{Warehouse: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	s, err := eng.NewSession("lode", "main")
	if err != nil {
		b.Fatal(err)
	}
	ins := fmt.Sprintf(insertSQL, n)
	var lodeIns, pgIns, lodeGrp, pgGrp time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lodeRun(b, s, "DROP TABLE IF EXISTS t")
		lodeRun(b, s, createSQL)
		pgRun(b, pc, "DROP TABLE IF EXISTS t")
		pgRun(b, pc, createSQL)
		lodeIns += lodeRun(b, s, ins)
		pgIns += pgRun(b, pc, ins)
		pgRun(b, pc, "VACUUM ANALYZE t")
		lodeGrp += lodeRun(b, s, groupSQL)
		pgGrp += pgRun(b, pc, groupSQL)
	}
	b.StopTimer()
	iters := float64(b.N)
	b.ReportMetric(float64(n)*iters/lodeIns.Seconds(), "lode_insert_rows/s")
	b.ReportMetric(float64(n)*iters/pgIns.Seconds(), "pg_insert_rows/s")
	b.ReportMetric(lodeIns.Seconds()/pgIns.Seconds(), "insert_time_ratio")
	b.ReportMetric(lodeGrp.Seconds()/iters, "lode_groupby_s")
	b.ReportMetric(pgGrp.Seconds()/iters, "pg_groupby_s")
	b.ReportMetric(lodeGrp.Seconds()/pgGrp.Seconds(), "groupby_time_ratio")
}
