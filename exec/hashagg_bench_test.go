package exec

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
)

// benchSource builds parts partitions of int64 columns; gen(i, c) gives
// row i's value in column c. Every batch is reused (operators must not keep
// batches anyway).
func benchSource(rows, parts, bs, ncols int, gen func(i, c int) int64) *opsSource {
	fs := make([]arrow.Field, ncols)
	for c := range fs {
		fs[c] = types.Field("c", types.TInt64, true)
	}
	schema := arrow.NewSchema(fs, nil)
	src := &opsSource{schema: schema, batches: make([][]batch.Batch, parts)}
	for start, k := 0, 0; start < rows; start, k = start+bs, k+1 {
		n := min(bs, rows-start)
		cols := make([]arrow.Array, ncols)
		for c := range cols {
			b := array.NewInt64Builder(memory.DefaultAllocator)
			for i := 0; i < n; i++ {
				b.Append(gen(start+i, c))
			}
			cols[c] = b.NewArray()
			b.Release()
		}
		src.batches[k%parts] = append(src.batches[k%parts], batch.Batch{Rec: array.NewRecord(schema, cols, int64(n))})
	}
	return src
}

func benchTC(workers int) *TaskContext {
	return NewTaskContext(context.Background(), expr.NewContext(), workers, DefaultBatchSize)
}

// BenchmarkHashAggregate: 10M rows, one int64 key with 1000 distinct
// values, sum + count(*). Reports ns/row.
func BenchmarkHashAggregate(b *testing.B) {
	const rows = 10_000_000
	src := benchSource(rows, 2, DefaultBatchSize, 2, func(i, c int) int64 {
		if c == 0 {
			return int64((i * 7919) % 1000)
		}
		return int64(i)
	})
	num := types.NumericT(0, 0)
	plan := NewHashAggregate(src, []int{0},
		[]AggSpec{{Func: "sum", Arg: 1, In: types.TInt64, Out: num}, {Func: "count_star", Arg: -1, Out: types.TInt64}},
		opsSchema(types.TInt64, num, types.TInt64))
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		var groups atomic.Int64
		err := DrainPartitions(benchTC(2), plan, func(p int, bt batch.Batch) error {
			groups.Add(int64(bt.Len()))
			return nil
		})
		if err != nil || groups.Load() != 1000 {
			b.Fatal(groups.Load(), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}
