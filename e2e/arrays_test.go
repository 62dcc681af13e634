package e2e

import (
	"reflect"
	"testing"
)

// TestArrays scans arrays with pgx in the simple (text) and extended
// (binary array_send) formats: int4[], int8[], text[] and float8[] with
// NULL elements and the empty array.
func TestArrays(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			s := startServer(t, "")
			ctx := testCtx(t)
			conn := connect(t, s.Addr, m.mode)
			var i4 []*int32
			var i8 []int64
			var txt []*string
			var f8 []float64
			var empty []int32
			err := conn.QueryRow(ctx, `SELECT ARRAY[1,NULL,3], ARRAY[10000000000::bigint], ARRAY['a','b c',NULL,'"q"'],
				ARRAY[1.5::float8, -2], '{}'::int[]`).Scan(&i4, &i8, &txt, &f8, &empty)
			if err != nil {
				t.Fatal(err)
			}
			if len(i4) != 3 || *i4[0] != 1 || i4[1] != nil || *i4[2] != 3 {
				t.Errorf("int4[]: %v", i4)
			}
			if !reflect.DeepEqual(i8, []int64{10000000000}) || !reflect.DeepEqual(f8, []float64{1.5, -2}) || len(empty) != 0 {
				t.Errorf("int8[] %v, float8[] %v, empty %v", i8, f8, empty)
			}
			if len(txt) != 4 || *txt[0] != "a" || *txt[1] != "b c" || txt[2] != nil || *txt[3] != `"q"` {
				t.Errorf("text[]: %v", txt)
			}
			// Array parameters (binary array_recv format in extended mode).
			var n int32
			var joined string
			a := int32(7)
			err = conn.QueryRow(ctx, "SELECT cardinality($1::int[]), array_to_string($2::text[], '|', '-')",
				[]*int32{&a, nil, &a}, []*string{ptr("x"), nil}).Scan(&n, &joined)
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 || joined != "x|-" {
				t.Errorf("array parameters: %d %q", n, joined)
			}
			var hit bool
			if err := conn.QueryRow(ctx, "SELECT 2 = ANY($1)", []int64{1, 2}).Scan(&hit); err != nil || !hit {
				t.Errorf("= ANY($1): %v %v", hit, err)
			}
		})
	}
}
