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
func keyCmp(arr arrow.Array, k SortKey) func(i, j int) int {
	vc := valueCmp(arr)
	if k.Desc {
		asc := vc
		vc = func(i, j int) int { return asc(j, i) }
	}
	if arr.NullN() == 0 {
		return vc
	}
	nullSide := 1
	if k.NullsFirst {
		nullSide = -1
	}
	return func(i, j int) int {
		ni, nj := arr.IsNull(i), arr.IsNull(j)
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

func fixedCmp[T int16 | int32 | int64 | arrow.Date32 | arrow.Timestamp](v []T) func(i, j int) int {
	return func(i, j int) int { return cmp.Compare(v[i], v[j]) }
}

// floatCmp orders NaN above every number and equal to itself (PostgreSQL).
func floatCmp[T float32 | float64](v []T) func(i, j int) int {
	return func(i, j int) int {
		a, b := v[i], v[j]
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

func valueCmp(arr arrow.Array) func(i, j int) int {
	switch a := arr.(type) {
	case *array.Int16:
		return fixedCmp(a.Int16Values())
	case *array.Int32:
		return fixedCmp(a.Int32Values())
	case *array.Int64:
		return fixedCmp(a.Int64Values())
	case *array.Date32:
		return fixedCmp(a.Date32Values())
	case *array.Timestamp:
		return fixedCmp(a.TimestampValues())
	case *array.Float32:
		return floatCmp(a.Float32Values())
	case *array.Float64:
		return floatCmp(a.Float64Values())
	case *array.Decimal128:
		v := a.Values()
		return func(i, j int) int { return v[i].Cmp(v[j]) }
	case *array.String:
		offs, data := batch.StringBuffers(a)
		return func(i, j int) int {
			return bytes.Compare(data[offs[i]:offs[i+1]], data[offs[j]:offs[j+1]])
		}
	case *array.Boolean:
		return func(i, j int) int {
			x, y := a.Value(i), a.Value(j)
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	case *array.List:
		// PostgreSQL's array order: element by element (NULL elements
		// after the others), then the shorter array first.
		vals := a.ListValues()
		ec := keyCmp(vals, SortKey{})
		return func(i, j int) int {
			si, ei := a.ValueOffsets(i)
			sj, ej := a.ValueOffsets(j)
			for ; si < ei && sj < ej; si, sj = si+1, sj+1 {
				if c := ec(int(si), int(sj)); c != 0 {
					return c
				}
			}
			return cmpInt(ei-si, ej-sj)
		}
	case *array.MonthDayNanoInterval:
		return func(i, j int) int {
			return types.IntervalFromArrow(a.Value(i)).Compare(types.IntervalFromArrow(a.Value(j)))
		}
	}
	panic(fmt.Sprintf("exec: cannot sort %s", arr.DataType()))
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
