package expr

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/exec/batch"
)

// fixed is every physical value type kernels loop over directly: dates are
// int32 days and timestamps int64 µs on the wire of the Arrow buffer.
type fixed interface {
	~int16 | ~int32 | ~int64 | ~float32 | ~float64 | decimal128.Num | arrow.MonthDayNanoInterval
}

// vals views the value buffer of a fixed-width array (offset applied).
func vals[T fixed](a arrow.Array) []T {
	d := a.Data()
	buf := d.Buffers()[1]
	if buf == nil || d.Len() == 0 {
		return nil
	}
	var z T
	b := buf.Bytes()
	all := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/int(unsafe.Sizeof(z)))
	return all[d.Offset() : d.Offset()+d.Len()]
}

// newVals allocates a zeroed value buffer of n Ts.
func newVals[T fixed](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	buf, out := newValsNoClear[T](mem, n)
	clear(out)
	return buf, out
}

// newValsNoClear is newVals for callers that write every row themselves.
func newValsNoClear[T fixed](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	var z T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * int(unsafe.Sizeof(z)))
	b := buf.Bytes()
	if n == 0 {
		return buf, nil
	}
	return buf, unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// newBits allocates a zeroed bitmap of n bits.
func newBits(mem memory.Allocator, n int) (*memory.Buffer, []byte) {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	b := buf.Bytes()
	clear(b)
	return buf, b
}

// makeArray wraps buffers into an array and drops the caller's references.
// valid may be nil (no NULLs).
func makeArray(dt arrow.DataType, n int, valid *memory.Buffer, bufs ...*memory.Buffer) arrow.Array {
	nulls := 0
	if valid != nil {
		nulls = array.UnknownNullCount
	}
	all := append([]*memory.Buffer{valid}, bufs...)
	data := array.NewData(dt, n, all, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	for _, b := range all {
		if b != nil {
			b.Release()
		}
	}
	return arr
}

// validity returns the AND of the inputs' validity bitmaps (nil when no
// input has a NULL), as a fresh buffer aligned at offset 0.
func validity(mem memory.Allocator, n int, arrs ...arrow.Array) *memory.Buffer {
	var out *memory.Buffer
	for _, a := range arrs {
		if a.NullN() == 0 {
			continue
		}
		bm := a.NullBitmapBytes()
		off := int64(a.Data().Offset())
		if out == nil {
			var b []byte
			out, b = newBits(mem, n)
			bitutil.CopyBitmap(bm, int(off), n, b, 0)
			continue
		}
		b := out.Bytes()
		bitutil.BitmapAnd(b, bm, 0, off, b, 0, int64(n))
	}
	return out
}

// isValid reports whether row i of a is not NULL (fast when no NULLs).
func isValid(a arrow.Array, i int) bool { return a.NullN() == 0 || a.IsValid(i) }

// bitsOf views the value bitmap of a boolean array with its bit offset.
func bitsOf(a arrow.Array) ([]byte, int) {
	return a.Data().Buffers()[1].Bytes(), a.Data().Offset()
}

// liveRows calls f for every live row of b.
func liveRows(b batch.Batch, f func(i int)) {
	if b.Sel == nil {
		n := b.NumRows()
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	for _, i := range b.Sel {
		f(int(i))
	}
}

// narrow returns b restricted to the rows for which keep is true.
func narrow(b batch.Batch, keep func(i int) bool) batch.Batch {
	sel := make([]int32, 0, b.Len())
	liveRows(b, func(i int) {
		if keep(i) {
			sel = append(sel, int32(i))
		}
	})
	return batch.Batch{Rec: b.Rec, Sel: sel}
}

// boolResult builds a boolean array from value and validity bitmaps.
func boolResult(n int, valid, values *memory.Buffer) arrow.Array {
	return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, values)
}

// releaseAll releases the non-nil arrays.
func releaseAll(arrs ...arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}
