package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// gather builds an n-row array of type t whose row i is row i of
// pieces[src[i]] (NULL when src[i] < 0). CASE, COALESCE, NULLIF and
// GREATEST/LEAST assemble their results from branch results this way.
func gather(mem memory.Allocator, t types.T, n int, pieces []arrow.Array, src []int32) arrow.Array {
	validBuf, valid := newBits(mem, n)
	for i := 0; i < n; i++ {
		if s := src[i]; s >= 0 && isValid(pieces[s], i) {
			bitutil.SetBit(valid, i)
		} else {
			src[i] = -1
		}
	}
	dt := t.ArrowType()
	switch t.Kind {
	case types.Array:
		validBuf.Release()
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		for i, s := range src {
			if s < 0 {
				b.AppendNull()
			} else {
				batch.AppendValue(b, pieces[s], i)
			}
		}
		return b.NewArray()
	case types.Int16:
		return makeArray(dt, n, validBuf, gatherFixed[int16](mem, n, pieces, src))
	case types.Int32, types.Date:
		return makeArray(dt, n, validBuf, gatherFixed[int32](mem, n, pieces, src))
	case types.Int64, types.Timestamp, types.TimestampTZ:
		return makeArray(dt, n, validBuf, gatherFixed[int64](mem, n, pieces, src))
	case types.Float32:
		return makeArray(dt, n, validBuf, gatherFixed[float32](mem, n, pieces, src))
	case types.Float64:
		return makeArray(dt, n, validBuf, gatherFixed[float64](mem, n, pieces, src))
	case types.Numeric:
		return makeArray(dt, n, validBuf, gatherFixed[decimal128.Num](mem, n, pieces, src))
	case types.Interval:
		return makeArray(dt, n, validBuf, gatherFixed[arrow.MonthDayNanoInterval](mem, n, pieces, src))
	case types.Bool:
		buf, out := newBits(mem, n)
		for i, s := range src {
			if s >= 0 {
				in, off := bitsOf(pieces[s])
				if bitutil.BitIsSet(in, off+i) {
					bitutil.SetBit(out, i)
				}
			}
		}
		return makeArray(dt, n, validBuf, buf)
	}
	total := 0
	for i, s := range src {
		if s >= 0 {
			total += len(pieces[s].(*array.String).Value(i))
		}
	}
	offBuf, offs := newVals[int32](mem, n+1)
	dataBuf := memory.NewResizableBuffer(mem)
	dataBuf.Resize(total)
	data := dataBuf.Bytes()
	pos := 0
	for i, s := range src {
		offs[i] = int32(pos)
		if s >= 0 {
			pos += copy(data[pos:], pieces[s].(*array.String).Value(i))
		}
	}
	offs[n] = int32(pos)
	return makeArray(dt, n, validBuf, offBuf, dataBuf)
}

func gatherFixed[T fixed](mem memory.Allocator, n int, pieces []arrow.Array, src []int32) *memory.Buffer {
	buf, out := newVals[T](mem, n)
	views := make([][]T, len(pieces))
	for k, p := range pieces {
		if p != nil {
			views[k] = vals[T](p)
		}
	}
	for i, s := range src {
		if s >= 0 {
			out[i] = views[s][i]
		}
	}
	return buf
}

// rowCmp three-way compares x[i] and y[i] (both non-NULL, same type) with
// PostgreSQL's ordering (NaN above all numbers, text bytewise).
func rowCmp(x, y arrow.Array, i int) int {
	switch a := x.(type) {
	case *array.Int16:
		return cmp3(int64(a.Value(i)), int64(y.(*array.Int16).Value(i)))
	case *array.Int32:
		return cmp3(int64(a.Value(i)), int64(y.(*array.Int32).Value(i)))
	case *array.Int64:
		return cmp3(a.Value(i), y.(*array.Int64).Value(i))
	case *array.Date32:
		return cmp3(int64(a.Value(i)), int64(y.(*array.Date32).Value(i)))
	case *array.Timestamp:
		return cmp3(int64(a.Value(i)), int64(y.(*array.Timestamp).Value(i)))
	case *array.Float32:
		return fcmp3(float64(a.Value(i)), float64(y.(*array.Float32).Value(i)))
	case *array.Float64:
		return fcmp3(a.Value(i), y.(*array.Float64).Value(i))
	case *array.Decimal128:
		return a.Value(i).Cmp(y.(*array.Decimal128).Value(i))
	case *array.String:
		return strings.Compare(a.Value(i), y.(*array.String).Value(i))
	case *array.Boolean:
		return int(b2u(a.Value(i))) - int(b2u(y.(*array.Boolean).Value(i)))
	}
	return 0
}

func cmp3(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func fcmp3(a, b float64) int {
	switch {
	case feq(a, b):
		return 0
	case flt(a, b):
		return -1
	}
	return 1
}
