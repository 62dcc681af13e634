package e2e

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestIntervalBinary: intervals travel in binary both ways (pgx asks for
// binary results and sends binary parameters in its default mode).
func TestIntervalBinary(t *testing.T) {
	s := startServer(t, "")
	c := connect(t, s.Addr, pgx.QueryExecModeCacheStatement)
	ctx := context.Background()
	var iv pgtype.Interval
	if err := c.QueryRow(ctx, "SELECT interval '1 mon 2 days 03:04:05.5'").Scan(&iv); err != nil {
		t.Fatal(err)
	}
	if iv.Months != 1 || iv.Days != 2 || iv.Microseconds != (3*3600+4*60+5)*1e6+5e5 {
		t.Fatalf("got %+v", iv)
	}
	var back pgtype.Interval
	in := pgtype.Interval{Months: 14, Days: -3, Microseconds: 90e6, Valid: true}
	if err := c.QueryRow(ctx, "SELECT $1::interval", in).Scan(&back); err != nil {
		t.Fatal(err)
	}
	if back != in {
		t.Fatalf("round trip: sent %+v, got %+v", in, back)
	}
}
