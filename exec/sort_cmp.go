package exec

import (
	"bytes"
	"cmp"
	"fmt"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// rowCmp compares two rows of one record by the sort keys; ties are broken
// by row index, which makes every sort stable.
type rowCmp struct {
	keys []func(i, j int) int
}

func newRowCmp(rec arrow.Record, keys []SortKey) rowCmp {
	c := rowCmp{keys: make([]func(i, j int) int, len(keys))}
	for k, key := range keys {
		c.keys[k] = keyCmp(rec.Column(key.Col), key)
	}
	return c
}

func (c rowCmp) cmp(i, j int32) int {
	for _, f := range c.keys {
		if r := f(int(i), int(j)); r != 0 {
			return r
		}
	}
	return cmp.Compare(i, j)
}

// keyCmp builds a comparator for one column, specialised by type; NULLs go
// first or last regardless of the direction, as the key says.
func keyCmp(arr arrow.Array, k SortKey) func(i, j int) int { return keyPairCmp(arr, arr, k) }

// keyPairCmp compares row i of x with row j of y (two arrays of one type:
// the external sort merges runs read back from disk) by one sort key.
func keyPairCmp(x, y arrow.Array, k SortKey) func(i, j int) int {
	vc := pairCmp(x, y)
	if k.Desc {
		asc := vc
		vc = func(i, j int) int { return -asc(i, j) }
	}
	if x.NullN() == 0 && y.NullN() == 0 {
		return vc
	}
	nullSide := 1
	if k.NullsFirst {
		nullSide = -1
	}
	return func(i, j int) int {
		ni, nj := x.IsNull(i), y.IsNull(j)
		switch {
		case ni && nj:
			return 0
		case ni:
			return nullSide
		case nj:
			return -nullSide
		}
		return vc(i, j)
	}
}

func fixedCmp[T int16 | int32 | int64 | arrow.Date32 | arrow.Timestamp](x, y []T) func(i, j int) int {
	return func(i, j int) int { return cmp.Compare(x[i], y[j]) }
}

// floatCmp orders NaN above every number and equal to itself (PostgreSQL).
func floatCmp[T float32 | float64](x, y []T) func(i, j int) int {
	return func(i, j int) int {
		a, b := x[i], y[j]
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		an, bn := a != a, b != b
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return 0
	}
}

// valueCmp compares two values of one array in ascending order.
func valueCmp(arr arrow.Array) func(i, j int) int { return pairCmp(arr, arr) }

// pairCmp compares value i of x with value j of y (arrays of one type) in
// ascending order, without looking at NULLs.
func pairCmp(x, y arrow.Array) func(i, j int) int {
	switch a := x.(type) {
	case *array.Int16:
		return fixedCmp(a.Int16Values(), y.(*array.Int16).Int16Values())
	case *array.Int32:
		return fixedCmp(a.Int32Values(), y.(*array.Int32).Int32Values())
	case *array.Int64:
		return fixedCmp(a.Int64Values(), y.(*array.Int64).Int64Values())
	case *array.Date32:
		return fixedCmp(a.Date32Values(), y.(*array.Date32).Date32Values())
	case *array.Timestamp:
		return fixedCmp(a.TimestampValues(), y.(*array.Timestamp).TimestampValues())
	case *array.Float32:
		return floatCmp(a.Float32Values(), y.(*array.Float32).Float32Values())
	case *array.Float64:
		return floatCmp(a.Float64Values(), y.(*array.Float64).Float64Values())
	case *array.Decimal128:
		v, w := a.Values(), y.(*array.Decimal128).Values()
		return func(i, j int) int { return v[i].Cmp(w[j]) }
	case *array.String:
		xo, xd := batch.StringBuffers(a)
		yo, yd := batch.StringBuffers(y.(*array.String))
		return func(i, j int) int {
			return bytes.Compare(xd[xo[i]:xo[i+1]], yd[yo[j]:yo[j+1]])
		}
	case *array.Boolean:
		b := y.(*array.Boolean)
		return func(i, j int) int {
			v, w := a.Value(i), b.Value(j)
			switch {
			case v == w:
				return 0
			case !v:
				return -1
			}
			return 1
		}
	case *array.List:
		// PostgreSQL's array order: element by element (NULL elements
		// after the others), then the shorter array first.
		b := y.(*array.List)
		ec := keyPairCmp(a.ListValues(), b.ListValues(), SortKey{})
		return func(i, j int) int {
			si, ei := a.ValueOffsets(i)
			sj, ej := b.ValueOffsets(j)
			for ; si < ei && sj < ej; si, sj = si+1, sj+1 {
				if c := ec(int(si), int(sj)); c != 0 {
					return c
				}
			}
			return cmpInt(ei-si, ej-sj)
		}
	case *array.MonthDayNanoInterval:
		b := y.(*array.MonthDayNanoInterval)
		return func(i, j int) int {
			return types.IntervalFromArrow(a.Value(i)).Compare(types.IntervalFromArrow(b.Value(j)))
		}
	}
	panic(fmt.Sprintf("exec: cannot sort %s", x.DataType()))
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
