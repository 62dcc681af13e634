package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/pgserver"
)

// The row-level change workloads on a benchRows() table: DELETE of
// 1% of the rows (every 100th id, so every data file holds some) and MERGE
// of 100k changed rows (ids spread the same way), on Lode copy-on-write,
// Lode with deletion vectors, and PostgreSQL 15 in the same run.
const (
	dmlCreate    = `CREATE TABLE %s (id bigint, k integer, v bigint, s text)%s`
	dmlFill      = `INSERT INTO %s SELECT i, i %% 1000, i * 2, 'row ' || i FROM generate_series(1, %d) AS g(i)`
	dmlDelete    = `DELETE FROM %s WHERE id %% 100 = 0`
	dmlSrcCreate = `CREATE TABLE src (id bigint, v bigint)`
	dmlSrcFill   = `INSERT INTO src SELECT i * %d + 1, -i FROM generate_series(0, %d) AS g(i)`
	dmlMerge     = `MERGE INTO %s t USING src ON t.id = src.id WHEN MATCHED THEN UPDATE SET v = src.v WHEN NOT MATCHED THEN INSERT VALUES (src.id, 0, src.v, 'new')`
)

// BenchmarkDeleteAndMerge reports seconds per statement and, for Lode,
// the data files the statement rewrote (copy-on-write) or gave deletion
// vectors, from the commit's operationMetrics.
func BenchmarkDeleteAndMerge(b *testing.B) {
	n := benchRows()
	changed := min(100_000, n/100)
	srv, err := pgserver.Start()
	if err != nil {
		b.Skip(err)
	}
	defer srv.Stop()
	ctx := context.Background()
	pc, err := pgx.Connect(ctx, srv.DSN())
	if err != nil {
		b.Fatal(err)
	}
	defer pc.Close(ctx)
	eng, err := engine.Open(engine.Config{Warehouse: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	s, err := eng.NewSession("lode", "main")
	if err != nil {
		b.Fatal(err)
	}
	src := []string{"DROP TABLE IF EXISTS src", dmlSrcCreate, fmt.Sprintf(dmlSrcFill, n/changed, changed-1)}
	for _, q := range src {
		lodeRun(b, s, q)
		pgRun(b, pc, q)
	}
	modes := []struct{ table, props string }{
		{"cow", ""},
		{"dv", " TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')"},
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range modes {
			lodeRun(b, s, "DROP TABLE IF EXISTS "+m.table)
			lodeRun(b, s, fmt.Sprintf(dmlCreate, m.table, m.props))
			lodeRun(b, s, fmt.Sprintf(dmlFill, m.table, n))
			files := lastMetric(b, s, m.table, "numFiles")
			del := lodeRun(b, s, fmt.Sprintf(dmlDelete, m.table))
			delFiles := lastMetric(b, s, m.table, "numTouchedFiles")
			mrg := lodeRun(b, s, fmt.Sprintf(dmlMerge, m.table))
			mrgFiles := lastMetric(b, s, m.table, "numTouchedFiles")
			b.ReportMetric(del.Seconds(), "lode_"+m.table+"_delete_s")
			b.ReportMetric(float64(delFiles), "lode_"+m.table+"_delete_files")
			b.ReportMetric(mrg.Seconds(), "lode_"+m.table+"_merge_s")
			b.ReportMetric(float64(mrgFiles), "lode_"+m.table+"_merge_files")
			b.ReportMetric(float64(files), "lode_table_files")
		}
		pgRun(b, pc, "DROP TABLE IF EXISTS t")
		pgRun(b, pc, fmt.Sprintf(dmlCreate, "t", ""))
		pgRun(b, pc, fmt.Sprintf(dmlFill, "t", n))
		pgRun(b, pc, "VACUUM ANALYZE t")
		del := pgRun(b, pc, fmt.Sprintf(dmlDelete, "t"))
		mrg := pgRun(b, pc, fmt.Sprintf(dmlMerge, "t"))
		b.ReportMetric(del.Seconds(), "pg_delete_s")
		b.ReportMetric(mrg.Seconds(), "pg_merge_s")
	}
}

// lastMetric reads one operationMetrics value of the table's last commit.
func lastMetric(b *testing.B, s *engine.Session, table, key string) int {
	res, err := s.Query(context.Background(), "DESCRIBE HISTORY "+table)
	if err != nil {
		b.Fatal(err)
	}
	defer res[0].Release()
	rec := res[0].Records[0]
	idx := rec.Schema().FieldIndices("operationMetrics")[0]
	var m map[string]string
	if err := json.Unmarshal([]byte(rec.Column(idx).(*array.String).Value(0)), &m); err != nil {
		b.Fatal(err)
	}
	var k int
	fmt.Sscan(m[key], &k)
	return k
}
