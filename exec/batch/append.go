package batch

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// AppendValue appends src[i] (NULL included) to b, whose type matches
// src's. It is the slow, general path used for nested types (lists),
// where a row is a variable-length run of child values.
func AppendValue(b array.Builder, src arrow.Array, i int) {
	if src.IsNull(i) {
		b.AppendNull()
		return
	}
	switch a := src.(type) {
	case *array.Boolean:
		b.(*array.BooleanBuilder).Append(a.Value(i))
	case *array.Int16:
		b.(*array.Int16Builder).Append(a.Value(i))
	case *array.Int32:
		b.(*array.Int32Builder).Append(a.Value(i))
	case *array.Int64:
		b.(*array.Int64Builder).Append(a.Value(i))
	case *array.Float32:
		b.(*array.Float32Builder).Append(a.Value(i))
	case *array.Float64:
		b.(*array.Float64Builder).Append(a.Value(i))
	case *array.Decimal128:
		b.(*array.Decimal128Builder).Append(a.Value(i))
	case *array.String:
		b.(*array.StringBuilder).Append(a.Value(i))
	case *array.Date32:
		b.(*array.Date32Builder).Append(a.Value(i))
	case *array.Timestamp:
		b.(*array.TimestampBuilder).Append(a.Value(i))
	case *array.MonthDayNanoInterval:
		b.(*array.MonthDayNanoIntervalBuilder).Append(a.Value(i))
	case *array.List:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		AppendRange(lb.ValueBuilder(), a, i)
	default:
		panic(fmt.Sprintf("batch.AppendValue: unsupported array type %s", src.DataType()))
	}
}

// AppendRange appends the elements of list row i of a to vb.
func AppendRange(vb array.Builder, a *array.List, i int) {
	start, end := a.ValueOffsets(i)
	vals := a.ListValues()
	for j := start; j < end; j++ {
		AppendValue(vb, vals, int(j))
	}
}

func takeListMem(mem memory.Allocator, arr *array.List, idx []int32) arrow.Array {
	b := array.NewListBuilder(mem, arr.DataType().(*arrow.ListType).Elem())
	defer b.Release()
	for _, i := range idx {
		if i < 0 {
			b.AppendNull()
			continue
		}
		AppendValue(b, arr, int(i))
	}
	return b.NewArray()
}
