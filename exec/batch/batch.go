// Package batch defines the unit of data flow between operators: Arrow
// arrays plus an optional selection vector. Filters narrow the selection
// instead of copying rows; operators that need dense data call Compact.
package batch

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// Batch is a record and the rows of it that are live. Sel == nil means every
// row; otherwise Sel holds strictly increasing row indexes into Rec.
// A zero Batch (Rec == nil) marks the end of a stream.
type Batch struct {
	Rec arrow.Record
	Sel []int32
}

// End reports whether b is the end-of-stream marker.
func (b Batch) End() bool { return b.Rec == nil }

// NumRows is the physical row count of the record.
func (b Batch) NumRows() int {
	if b.Rec == nil {
		return 0
	}
	return int(b.Rec.NumRows())
}

// Len is the number of live rows.
func (b Batch) Len() int {
	if b.Sel != nil {
		return len(b.Sel)
	}
	return b.NumRows()
}

// Row maps the i-th live row to its physical index.
func (b Batch) Row(i int) int {
	if b.Sel != nil {
		return int(b.Sel[i])
	}
	return i
}

// Column returns column i of the record.
func (b Batch) Column(i int) arrow.Array { return b.Rec.Column(i) }
