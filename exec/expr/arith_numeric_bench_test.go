package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// TPC-H Q1's money arithmetic, price * (1 - discount), over numeric(15,2)
// columns: the binder's widening casts and the int64 fast path.

const decBenchRows = 4096 // one scan batch

func decBenchBatch(big bool) batch.Batch {
	mem := memory.DefaultAllocator
	dt := types.NumericT(15, 2)
	p := array.NewDecimal128Builder(mem, dt.ArrowType().(*arrow.Decimal128Type))
	d := array.NewDecimal128Builder(mem, dt.ArrowType().(*arrow.Decimal128Type))
	for i := 0; i < decBenchRows; i++ {
		price := decimal128.FromI64(int64(90000 + i*7))
		if big {
			// Beyond 64 bits: the exact 128-bit path.
			price = decimal128.New(1, uint64(i))
		}
		p.Append(price)
		d.Append(decimal128.FromI64(int64(i % 11)))
	}
	x, y := p.NewArray(), d.NewArray()
	schema := arrow.NewSchema([]arrow.Field{types.Field("price", dt, true), types.Field("disc", dt, true)}, nil)
	rec := array.NewRecord(schema, []arrow.Array{x, y}, decBenchRows)
	x.Release()
	y.Release()
	return batch.Batch{Rec: rec}
}

// discPrice is price * (1 - disc) as the binder types it.
func discPrice() planner.Expr {
	n38 := func(s int32) types.T { return types.NumericT(types.NumericMaxPrecision, s) }
	col := types.NumericT(15, 2)
	one := lit(decimal128.FromI64(100), n38(2))
	oneMinus := fn("-", n38(2), one, &planner.Cast{Arg: ref(1, col), T: n38(2)})
	return fn("*", n38(4), &planner.Cast{Arg: ref(0, col), T: n38(2)}, oneMinus)
}

func benchDec(b *testing.B, big bool) {
	bt := decBenchBatch(big)
	defer bt.Rec.Release()
	ev, err := Compile(discPrice())
	if err != nil {
		b.Fatal(err)
	}
	ctx := NewContext()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := ev.Eval(ctx, bt)
		if err != nil {
			b.Fatal(err)
		}
		r.Release()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/decBenchRows, "ns/row")
}

func BenchmarkNumericDiscPriceInt64(b *testing.B)  { benchDec(b, false) }
func BenchmarkNumericDiscPriceInt128(b *testing.B) { benchDec(b, true) }
