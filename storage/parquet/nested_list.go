package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// toList re-types a list of primitives as pqarrow assembled it into the
// list type the reader asked for: the offsets and validity are kept, the
// elements are converted where the stored type differs (int8 to int16,
// nanosecond timestamps to microseconds, …).
func toList(raw arrow.Array, dt *arrow.ListType, mem memory.Allocator) (arrow.Array, error) {
	l, ok := raw.(*array.List)
	if !ok {
		return nil, fmt.Errorf("a %s column cannot be read as %s", raw.DataType(), dt)
	}
	vals, err := convertElems(l.ListValues(), dt.Elem(), mem)
	if err != nil {
		return nil, err
	}
	defer vals.Release()
	src := l.Data()
	data := array.NewData(dt, src.Len(), src.Buffers()[:2], []arrow.ArrayData{vals.Data()}, src.NullN(), src.Offset())
	defer data.Release()
	return array.MakeFromData(data), nil
}

// convertElems converts list elements to type to, without loss.
func convertElems(a arrow.Array, to arrow.DataType, mem memory.Allocator) (arrow.Array, error) {
	from := a.DataType()
	if arrow.TypeEqual(from, to) {
		a.Retain()
		return a, nil
	}
	switch to := to.(type) {
	case *arrow.Int16Type:
		if src, ok := a.(*array.Int8); ok {
			b := array.NewInt16Builder(mem)
			defer b.Release()
			b.Reserve(a.Len())
			for i := range a.Len() {
				if a.IsNull(i) {
					b.AppendNull()
				} else {
					b.Append(int16(src.Value(i)))
				}
			}
			return b.NewArray(), nil
		}
	case *arrow.TimestampType:
		if src, ok := a.(*array.Timestamp); ok && to.Unit == arrow.Microsecond {
			perUnit := map[arrow.TimeUnit]int64{arrow.Second: 1e9, arrow.Millisecond: 1e6, arrow.Microsecond: 1e3, arrow.Nanosecond: 1}
			nanos := perUnit[src.DataType().(*arrow.TimestampType).Unit]
			b := array.NewTimestampBuilder(mem, to)
			defer b.Release()
			b.Reserve(a.Len())
			for i := range a.Len() {
				if a.IsNull(i) {
					b.AppendNull()
					continue
				}
				v := int64(src.Value(i))
				if nanos == 1 {
					v = toMicros(v, 1)
				} else {
					v *= nanos / 1e3
				}
				b.Append(arrow.Timestamp(v))
			}
			return b.NewArray(), nil
		}
	case *arrow.StringType:
		// bytea elements: Lode carries bytes in string arrays (the same
		// offsets and data buffers as binary).
		if _, ok := a.(*array.Binary); ok {
			data := array.NewData(to, a.Len(), a.Data().Buffers(), nil, a.NullN(), a.Data().Offset())
			defer data.Release()
			return array.MakeFromData(data), nil
		}
	case *arrow.Decimal128Type:
		// Same unscaled values, only the declared precision differs.
		if d, ok := from.(*arrow.Decimal128Type); ok && d.Scale == to.Scale && d.Precision <= to.Precision {
			data := array.NewData(to, a.Len(), a.Data().Buffers(), nil, a.NullN(), a.Data().Offset())
			defer data.Release()
			return array.MakeFromData(data), nil
		}
	}
	return nil, fmt.Errorf("list elements of type %s cannot be read as %s", from, to)
}
