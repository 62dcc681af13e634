package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func batchOf(rec arrow.Record) batch.Batch { return batch.Batch{Rec: rec} }

const benchRows = 1 << 20

func benchRecord() arrow.Record {
	mem := memory.DefaultAllocator
	a := array.NewInt64Builder(mem)
	c := array.NewInt64Builder(mem)
	for i := 0; i < benchRows; i++ {
		a.Append(int64(i))
		c.Append(int64(i % 1000))
	}
	x, y := a.NewArray(), c.NewArray()
	schema := arrow.NewSchema([]arrow.Field{types.Field("a", types.TInt64, true), types.Field("b", types.TInt64, true)}, nil)
	rec := array.NewRecord(schema, []arrow.Array{x, y}, benchRows)
	x.Release()
	y.Release()
	return rec
}

func halfSel() []int32 {
	sel := make([]int32, 0, benchRows/2)
	for i := 0; i < benchRows; i += 2 {
		sel = append(sel, int32(i))
	}
	return sel
}

func runBench(b *testing.B, e planner.Expr, sel []int32) {
	rec := benchRecord()
	defer rec.Release()
	ev, err := Compile(e)
	if err != nil {
		b.Fatal(err)
	}
	ctx := NewContext()
	bt := batch.Batch{Rec: rec, Sel: sel}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := ev.Eval(ctx, bt)
		if err != nil {
			b.Fatal(err)
		}
		r.Release()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bt.Len()), "ns/row")
}

func add() planner.Expr {
	return fn("+", types.TInt64, ref(0, types.TInt64), ref(1, types.TInt64))
}

func less() planner.Expr {
	return fn("<", types.TBool, ref(0, types.TInt64), ref(1, types.TInt64))
}

func lessConst() planner.Expr {
	return fn("<", types.TBool, ref(0, types.TInt64), lit(int64(500000), types.TInt64))
}

func BenchmarkAddInt64(b *testing.B)          { runBench(b, add(), nil) }
func BenchmarkAddInt64Sel(b *testing.B)       { runBench(b, add(), halfSel()) }
func BenchmarkLessInt64(b *testing.B)         { runBench(b, less(), nil) }
func BenchmarkLessInt64Sel(b *testing.B)      { runBench(b, less(), halfSel()) }
func BenchmarkLessConstInt64(b *testing.B)    { runBench(b, lessConst(), nil) }
func BenchmarkLessConstInt64Sel(b *testing.B) { runBench(b, lessConst(), halfSel()) }
