package batch

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Compact returns a record holding only the live rows of b, in order.
// When every row is live the record is returned as is (retained).
func Compact(mem memory.Allocator, b Batch) (arrow.Record, error) {
	if b.Sel == nil {
		b.Rec.Retain()
		return b.Rec, nil
	}
	cols := make([]arrow.Array, b.Rec.NumCols())
	for i := range cols {
		cols[i] = Take(mem, b.Rec.Column(i), b.Sel)
	}
	rec := array.NewRecord(b.Rec.Schema(), cols, int64(len(b.Sel)))
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}
