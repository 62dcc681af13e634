package e2e

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPgxParamsBinary inserts every basic type through $n parameters (pgx
// sends them in binary) and reads them back in binary, in every pgx mode
// that uses the extended protocol, plus a pipelined batch.
func TestPgxParamsBinary(t *testing.T) {
	s := startServer(t, "")
	ctx := testCtx(t)
	setup := connect(t, s.Addr, pgx.QueryExecModeSimpleProtocol)
	if _, err := setup.Exec(ctx, createAllTypes); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe,
		pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec} {
		t.Run(mode.String(), func(t *testing.T) {
			conn := connect(t, s.Addr, mode)
			if _, err := conn.Exec(ctx, "DELETE FROM all_types"); err != nil {
				// DELETE may not exist yet: recreate instead.
				setup.Exec(ctx, "DROP TABLE all_types")
				if _, err := setup.Exec(ctx, createAllTypes); err != nil {
					t.Fatal(err)
				}
			}
			for _, r := range wantAllTypes {
				var n any
				if r.N != nil {
					n = *r.N
				}
				_, err := conn.Exec(ctx, `INSERT INTO all_types VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
					r.B, r.I2, r.I4, r.I8, r.F4, r.F8, n, r.T, r.V, r.D, r.TS, r.TZ)
				if err != nil {
					t.Fatalf("insert: %v", err)
				}
			}
			rows, err := conn.Query(ctx, `SELECT b, i2, i4, i8, f4, f8, n::text, t, v, d, ts, tz
				FROM all_types WHERE i4 IS NULL OR i4 <= $1 ORDER BY i4 NULLS LAST`, int32(100))
			if err != nil {
				t.Fatal(err)
			}
			var got []typeRow
			for rows.Next() {
				var r typeRow
				if err := rows.Scan(&r.B, &r.I2, &r.I4, &r.I8, &r.F4, &r.F8, &r.N, &r.T, &r.V, &r.D, &r.TS, &r.TZ); err != nil {
					t.Fatal(err)
				}
				got = append(got, r)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(wantAllTypes) {
				t.Fatalf("%d rows, want %d", len(got), len(wantAllTypes))
			}
			for i := range got {
				checkRow(t, i, got[i], wantAllTypes[i])
			}
			setup.Exec(ctx, "DROP TABLE all_types")
			setup.Exec(ctx, createAllTypes)
		})
	}

	t.Run("batch", func(t *testing.T) {
		conn := connect(t, s.Addr, pgx.QueryExecModeCacheStatement)
		b := &pgx.Batch{}
		for i := range 5 {
			b.Queue("SELECT $1::int + 1, $2::text", i, "x")
		}
		b.Queue("SELECT 1/0")
		b.Queue("SELECT 2")
		br := conn.SendBatch(ctx, b)
		for i := range 5 {
			var n int
			var s string
			if err := br.QueryRow().Scan(&n, &s); err != nil || n != i+1 || s != "x" {
				t.Fatalf("batch row %d: %d %q %v", i, n, s, err)
			}
		}
		var n int
		if err := br.QueryRow().Scan(&n); err == nil {
			t.Fatal("1/0 in a batch did not fail")
		}
		br.Close()
		if err := conn.QueryRow(ctx, "SELECT $1::bigint * 2", int64(21)).Scan(&n); err != nil || n != 42 {
			t.Fatalf("after batch: %d %v", n, err)
		}
	})
}
