package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// col describes a test input column: its type and values (nil = NULL),
// written as PostgreSQL text.
type col struct {
	t    types.T
	vals []any
}

func mkRecord(t *testing.T, mem memory.Allocator, cols ...col) arrow.Record {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	n := 0
	for i, c := range cols {
		fields[i] = types.Field("c"+string(rune('0'+i)), c.t, true)
		n = len(c.vals)
		bld := array.NewBuilder(mem, c.t.ArrowType())
		for _, v := range c.vals {
			if v == nil {
				bld.AppendNull()
				continue
			}
			s, ok := v.(string)
			if !ok {
				t.Fatalf("test values are text, got %T", v)
			}
			if err := bld.AppendValueFromString(s); err != nil {
				pv, perr := types.ParseText(s, c.t)
				if perr != nil {
					t.Fatalf("bad test value %q: %v", s, err)
				}
				appendParsed(bld, pv)
			}
		}
		arrs[i] = bld.NewArray()
		bld.Release()
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(n))
	releaseAll(arrs...)
	return rec
}

func appendParsed(b array.Builder, v any) {
	switch bb := b.(type) {
	case *array.Date32Builder:
		bb.Append(arrow.Date32(v.(int32)))
	case *array.TimestampBuilder:
		bb.Append(arrow.Timestamp(v.(int64)))
	case *array.BooleanBuilder:
		bb.Append(v.(bool))
	}
}

// render shows the live rows of a result as PostgreSQL text ("NULL" for NULL).
func render(a arrow.Array, t types.T, b batch.Batch) []string {
	var out []string
	liveRows(b, func(i int) {
		if a.IsNull(i) {
			out = append(out, "NULL")
			return
		}
		out = append(out, string(types.AppendText(nil, a, i, t, nil)))
	})
	return out
}

func ref(i int, t types.T) *planner.ColumnRef { return &planner.ColumnRef{Index: i, T: t} }

func lit(v any, t types.T) *planner.Literal { return &planner.Literal{Value: v, T: t} }

func fn(name string, t types.T, args ...planner.Expr) *planner.Func {
	return &planner.Func{Name: name, Args: args, T: t}
}

// evalCase compiles e, evaluates it over rec with sel, and checks the
// rendered live rows or the error code. It also checks the checked
// allocator is balanced afterwards.
type evalCase struct {
	name string
	e    planner.Expr
	cols []col
	sel  []int32
	want []string
	code string
}

func runCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := mkRecord(t, mem, tc.cols...)
			defer rec.Release()
			ev, err := Compile(tc.e)
			if err != nil {
				if tc.code != "" && sqlerr.Code(err) == tc.code {
					return
				}
				t.Fatalf("compile %s: %v", tc.e, err)
			}
			ctx := NewContext()
			ctx.Alloc = mem
			b := batch.Batch{Rec: rec, Sel: tc.sel}
			res, err := ev.Eval(ctx, b)
			if tc.code != "" {
				if err == nil {
					res.Release()
					t.Fatalf("%s: want error %s, got none", tc.e, tc.code)
				}
				if sqlerr.Code(err) != tc.code {
					t.Fatalf("%s: want error %s, got %v (%s)", tc.e, tc.code, err, sqlerr.Code(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.e, err)
			}
			defer res.Release()
			if int64(res.Len()) != rec.NumRows() {
				t.Fatalf("result has %d rows, batch %d", res.Len(), rec.NumRows())
			}
			if v, ok := res.(interface{ ValidateFull() error }); ok {
				if err := v.ValidateFull(); err != nil {
					t.Fatalf("invalid result array: %v", err)
				}
			}
			got := render(res, tc.e.Type(), b)
			if len(got) != len(tc.want) {
				t.Fatalf("%s: got %q, want %q", tc.e, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("%s: got %q, want %q", tc.e, got, tc.want)
				}
			}
		})
	}
}

func vs(s ...any) []any { return s }
