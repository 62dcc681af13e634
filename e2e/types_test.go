package e2e

import (
	"math"
	"testing"
	"time"
)

// typeRow is one row of all_types, scanned into Go values (nil = NULL).
type typeRow struct {
	B  *bool
	I2 *int16
	I4 *int32
	I8 *int64
	F4 *float32
	F8 *float64
	N  *string // numeric(10,2) as its text form: the scale must show
	T  *string
	V  *string
	D  *time.Time
	TS *time.Time
	TZ *time.Time
}

func ptr[T any](v T) *T { return &v }

const createAllTypes = `CREATE TABLE all_types (
	b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
	n numeric(10,2), t text, v varchar(10), d date, ts timestamp, tz timestamptz)`

const insertAllTypes = `INSERT INTO all_types VALUES
	(true, 1, 2, 3, 1.5, 2.25, 12.3, 'hello', 'abc', '2024-01-02', '2024-01-02 03:04:05', '2024-01-02 03:04:05+00'),
	(false, -32768, -2147483648, 9223372036854775807, -0.5, 1e100, -99999999.99, 'it''s', '', '1970-01-01',
	 '1999-12-31 23:59:59.123456', '2000-06-15 12:00:00+02'),
	(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`

// wantAllTypes is what SELECT … ORDER BY i4 NULLS LAST returns.
var wantAllTypes = []typeRow{
	{B: ptr(false), I2: ptr(int16(-32768)), I4: ptr(int32(math.MinInt32)), I8: ptr(int64(math.MaxInt64)),
		F4: ptr(float32(-0.5)), F8: ptr(1e100), N: ptr("-99999999.99"), T: ptr("it's"), V: ptr(""),
		D:  ptr(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)),
		TS: ptr(time.Date(1999, 12, 31, 23, 59, 59, 123456000, time.UTC)),
		TZ: ptr(time.Date(2000, 6, 15, 10, 0, 0, 0, time.UTC))},
	{B: ptr(true), I2: ptr(int16(1)), I4: ptr(int32(2)), I8: ptr(int64(3)),
		F4: ptr(float32(1.5)), F8: ptr(2.25), N: ptr("12.30"), T: ptr("hello"), V: ptr("abc"),
		D:  ptr(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)),
		TS: ptr(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)),
		TZ: ptr(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))},
	{},
}

// TestBasicTypes round-trips every basic type and NULL through CREATE
// TABLE, INSERT and SELECT, in pgx's simple and extended modes, checking
// values and command tags.
func TestBasicTypes(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			s := startServer(t, "")
			ctx := testCtx(t)
			conn := connect(t, s.Addr, m.mode)

			for _, st := range []struct{ sql, tag string }{
				{createAllTypes, "CREATE TABLE"},
				{insertAllTypes, "INSERT 0 3"},
			} {
				tag, err := execTag(ctx, conn, m.mode, st.sql)
				if err != nil {
					t.Fatalf("%s: %v", st.sql, err)
				}
				if tag != st.tag {
					t.Errorf("tag %q, want %q", tag, st.tag)
				}
			}

			rows, err := conn.Query(ctx, `SELECT b, i2, i4, i8, f4, f8, n, t, v, d, ts, tz
				FROM all_types ORDER BY i4 NULLS LAST`)
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
			if tag := rows.CommandTag().String(); tag != "SELECT 3" {
				t.Errorf("tag %q, want SELECT 3", tag)
			}
			if len(got) != len(wantAllTypes) {
				t.Fatalf("%d rows, want %d", len(got), len(wantAllTypes))
			}
			for i := range got {
				checkRow(t, i, got[i], wantAllTypes[i])
			}
		})
	}
}

func checkRow(t *testing.T, i int, got, want typeRow) {
	t.Helper()
	eq(t, i, "b", got.B, want.B)
	eq(t, i, "i2", got.I2, want.I2)
	eq(t, i, "i4", got.I4, want.I4)
	eq(t, i, "i8", got.I8, want.I8)
	eq(t, i, "f4", got.F4, want.F4)
	eq(t, i, "f8", got.F8, want.F8)
	eq(t, i, "n", got.N, want.N)
	eq(t, i, "t", got.T, want.T)
	eq(t, i, "v", got.V, want.V)
	timeEq(t, i, "d", got.D, want.D)
	timeEq(t, i, "ts", got.TS, want.TS)
	timeEq(t, i, "tz", got.TZ, want.TZ)
}

func eq[T comparable](t *testing.T, row int, col string, got, want *T) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("row %d %s: got %v, want %v", row, col, show(got), show(want))
	case *got != *want:
		t.Errorf("row %d %s: got %v, want %v", row, col, *got, *want)
	}
}

func timeEq(t *testing.T, row int, col string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("row %d %s: got %v, want %v", row, col, show(got), show(want))
	case !got.Equal(*want):
		t.Errorf("row %d %s: got %v, want %v", row, col, *got, *want)
	}
}

func show[T any](p *T) any {
	if p == nil {
		return "NULL"
	}
	return *p
}
