package exec

import (
	"sync/atomic"
	"testing"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// BenchmarkHashJoin: 1M probe rows × 100k build rows, int64 keys, every
// probe row matching one build row; inner join emitting both columns.
func BenchmarkHashJoin(b *testing.B) {
	const probeRows, buildRows = 1_000_000, 100_000
	probe := benchSource(probeRows, 2, DefaultBatchSize, 2, func(i, c int) int64 {
		if c == 0 {
			return int64((i * 7919) % buildRows)
		}
		return int64(i)
	})
	build := benchSource(buildRows, 2, DefaultBatchSize, 2, func(i, c int) int64 { return int64(i) })
	schema := opsSchema(types.TInt64, types.TInt64, types.TInt64, types.TInt64)
	plan := NewHashJoin(probe, build, JoinInner, []int{0}, []int{0}, nil, schema)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		var rows atomic.Int64
		err := DrainPartitions(benchTC(2), plan, func(p int, bt batch.Batch) error {
			rows.Add(int64(bt.Len()))
			return nil
		})
		if err != nil || rows.Load() != probeRows {
			b.Fatal(rows.Load(), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/probeRows, "ns/probe-row")
}
