package batch

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Take gathers arr[idx[0]], arr[idx[1]], … into a new array. An index of -1
// yields NULL (used by outer joins for the missing side).
func Take(mem memory.Allocator, arr arrow.Array, idx []int32) arrow.Array {
	switch a := arr.(type) {
	case *array.Int16:
		return takeFixed(mem, a, a.Int16Values(), idx)
	case *array.Int32:
		return takeFixed(mem, a, a.Int32Values(), idx)
	case *array.Int64:
		return takeFixed(mem, a, a.Int64Values(), idx)
	case *array.Float32:
		return takeFixed(mem, a, a.Float32Values(), idx)
	case *array.Float64:
		return takeFixed(mem, a, a.Float64Values(), idx)
	case *array.Date32:
		return takeFixed(mem, a, a.Date32Values(), idx)
	case *array.Timestamp:
		return takeFixed(mem, a, a.TimestampValues(), idx)
	case *array.Decimal128:
		return takeFixed(mem, a, a.Values(), idx)
	case *array.MonthDayNanoInterval:
		return takeFixed(mem, a, a.MonthDayNanoIntervalValues(), idx)
	case *array.Boolean:
		return takeBool(mem, a, idx)
	case *array.String:
		return takeString(mem, a, idx)
	case *array.Null:
		return array.NewNull(len(idx))
	case *array.List:
		return takeListMem(mem, a, idx)
	}
	panic(fmt.Sprintf("batch.Take: unsupported array type %s", arr.DataType()))
}

type fixedValue interface {
	~int16 | ~int32 | ~int64 | ~float32 | ~float64 | decimal128.Num | arrow.MonthDayNanoInterval
}

// takeValidity builds the validity bitmap for a gather, or nil when no
// output row is NULL.
func takeValidity(mem memory.Allocator, arr arrow.Array, idx []int32) (*memory.Buffer, int) {
	anyNull := arr.NullN() > 0
	if !anyNull {
		for _, i := range idx {
			if i < 0 {
				anyNull = true
				break
			}
		}
	}
	if !anyNull {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(idx)))))
	bits := buf.Bytes()
	for j := range bits {
		bits[j] = 0
	}
	nulls := 0
	for j, i := range idx {
		if i >= 0 && arr.IsValid(int(i)) {
			bitutil.SetBit(bits, j)
		} else {
			nulls++
		}
	}
	return buf, nulls
}

func takeFixed[T fixedValue](mem memory.Allocator, arr arrow.Array, vals []T, idx []int32) arrow.Array {
	var zero T
	width := int(sizeOf(zero))
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(idx) * width)
	out := arrow.GetData[T](buf.Bytes())
	for j, i := range idx {
		if i >= 0 {
			out[j] = vals[i]
		} else {
			out[j] = zero
		}
	}
	valid, nulls := takeValidity(mem, arr, idx)
	data := array.NewData(arr.DataType(), len(idx), []*memory.Buffer{valid, buf}, nil, nulls, 0)
	defer data.Release()
	buf.Release()
	if valid != nil {
		valid.Release()
	}
	return array.MakeFromData(data)
}

func sizeOf(v any) uintptr {
	switch v.(type) {
	case int16:
		return 2
	case int32, float32, arrow.Date32:
		return 4
	case int64, float64, arrow.Timestamp:
		return 8
	case decimal128.Num, arrow.MonthDayNanoInterval:
		return 16
	}
	panic("batch: unknown fixed width")
}

func takeBool(mem memory.Allocator, a *array.Boolean, idx []int32) arrow.Array {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(idx)))))
	bits := buf.Bytes()
	for j := range bits {
		bits[j] = 0
	}
	for j, i := range idx {
		if i >= 0 && a.Value(int(i)) {
			bitutil.SetBit(bits, j)
		}
	}
	valid, nulls := takeValidity(mem, a, idx)
	data := array.NewData(a.DataType(), len(idx), []*memory.Buffer{valid, buf}, nil, nulls, 0)
	defer data.Release()
	buf.Release()
	if valid != nil {
		valid.Release()
	}
	return array.MakeFromData(data)
}

func takeString(mem memory.Allocator, a *array.String, idx []int32) arrow.Array {
	offs, bytes := StringBuffers(a)
	total := 0
	for _, i := range idx {
		if i >= 0 {
			total += int(offs[i+1] - offs[i])
		}
	}
	offBuf := memory.NewResizableBuffer(mem)
	offBuf.Resize((len(idx) + 1) * 4)
	outOffs := arrow.Int32Traits.CastFromBytes(offBuf.Bytes())
	dataBuf := memory.NewResizableBuffer(mem)
	dataBuf.Resize(total)
	outBytes := dataBuf.Bytes()
	pos := int32(0)
	for j, i := range idx {
		outOffs[j] = pos
		if i >= 0 {
			pos += int32(copy(outBytes[pos:], bytes[offs[i]:offs[i+1]]))
		}
	}
	outOffs[len(idx)] = pos
	valid, nulls := takeValidity(mem, a, idx)
	data := array.NewData(a.DataType(), len(idx), []*memory.Buffer{valid, offBuf, dataBuf}, nil, nulls, 0)
	defer data.Release()
	offBuf.Release()
	dataBuf.Release()
	if valid != nil {
		valid.Release()
	}
	return array.MakeFromData(data)
}

// StringBuffers returns a string array's offsets (one per row plus one,
// already positioned at the array's slice offset) and the whole data
// buffer they index. Unlike ValueBytes, whose start is rebased to the
// slice's first value, data[offs[i]:offs[i+1]] is row i even for slices.
func StringBuffers(a *array.String) (offs []int32, data []byte) {
	offs = a.ValueOffsets()
	if b := a.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	return offs, data
}
