package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// Array values are Arrow lists; array functions work row by row through
// builders (an array row is a variable-length run of child values).

// appendLit appends a value in the planner.Literal convention to b.
func appendLit(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch x := b.(type) {
	case *array.BooleanBuilder:
		x.Append(v.(bool))
	case *array.Int16Builder:
		x.Append(int16(v.(int64)))
	case *array.Int32Builder:
		x.Append(int32(v.(int64)))
	case *array.Int64Builder:
		x.Append(v.(int64))
	case *array.Float32Builder:
		x.Append(float32(v.(float64)))
	case *array.Float64Builder:
		x.Append(v.(float64))
	case *array.Decimal128Builder:
		x.Append(v.(decimal128.Num))
	case *array.StringBuilder:
		x.Append(v.(string))
	case *array.Date32Builder:
		x.Append(arrow.Date32(v.(int32)))
	case *array.TimestampBuilder:
		x.Append(arrow.Timestamp(v.(int64)))
	case *array.MonthDayNanoIntervalBuilder:
		x.Append(v.(types.IntervalValue).ToArrow())
	case *array.ListBuilder:
		x.Append(true)
		for _, e := range v.([]any) {
			appendLit(x.ValueBuilder(), e)
		}
	default:
		b.AppendNull()
	}
}

// litAt reads a[i] in the planner.Literal convention (nil = NULL).
func litAt(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch x := a.(type) {
	case *array.Boolean:
		return x.Value(i)
	case *array.Int16:
		return int64(x.Value(i))
	case *array.Int32:
		return int64(x.Value(i))
	case *array.Int64:
		return x.Value(i)
	case *array.Float32:
		return float64(x.Value(i))
	case *array.Float64:
		return x.Value(i)
	case *array.Decimal128:
		return x.Value(i)
	case *array.String:
		return x.Value(i)
	case *array.Date32:
		return int32(x.Value(i))
	case *array.Timestamp:
		return int64(x.Value(i))
	case *array.MonthDayNanoInterval:
		return types.IntervalFromArrow(x.Value(i))
	case *array.List:
		s, e := x.ValueOffsets(i)
		out := make([]any, 0, e-s)
		for j := s; j < e; j++ {
			out = append(out, litAt(x.ListValues(), int(j)))
		}
		return out
	}
	return a.ValueStr(i)
}

// broadcastList repeats the array constant v (nil = NULL) n times.
func broadcastList(mem memory.Allocator, t types.T, v any, n int) arrow.Array {
	b := array.NewBuilder(mem, t.ArrowType())
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		appendLit(b, v)
	}
	return b.NewArray()
}

// checkArrayConst verifies an array constant's elements.
func checkArrayConst(v any, t types.T) bool {
	xs, ok := v.([]any)
	if !ok {
		return false
	}
	for _, x := range xs {
		if checkConst(x, t.ElemT()) != nil {
			return false
		}
	}
	return true
}

// castArray converts an array element by element (int[] → text[], …).
func castArray(from, to types.T, explicit bool) (castRow, error) {
	if from.Kind != types.Array {
		return nil, cannotCast(from, to)
	}
	ef, et := from.ElemT(), to.ElemT()
	var elem castRow
	if !sameType(ef, et) || (ef.Kind == types.Varchar && et.Kind == types.Varchar) {
		var err error
		if elem, err = castFunc(ef, et, explicit); err != nil {
			return nil, err
		}
	}
	return func(ctx *Context, in arrow.Array, i int, out array.Builder) error {
		l := in.(*array.List)
		lb := out.(*array.ListBuilder)
		lb.Append(true)
		vb := lb.ValueBuilder()
		s, e := l.ValueOffsets(i)
		vals := l.ListValues()
		for j := int(s); j < int(e); j++ {
			if vals.IsNull(j) || elem == nil {
				appendLit(vb, litAt(vals, j))
				continue
			}
			if err := elem(ctx, vals, j, vb); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// arrayFromText parses array_in's text form into a list builder.
func arrayFromText(ctx *Context, s string, to types.T, b *array.ListBuilder) error {
	v, err := types.ParseArray(s, to, ctx.loc())
	if err != nil {
		return err
	}
	appendLit(b, v)
	return nil
}

func errArraySubscript() error {
	return sqlerr.New(sqlerr.FeatureNotSupported, "array slices are not supported yet")
}

// AppendLit appends a value in the planner.Literal convention (arrays as
// []any) to b, whose type matches the value's.
func AppendLit(b array.Builder, v any) { appendLit(b, v) }
