package parquet

import (
	"cmp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// ColumnStats summarises one top-level column of a file or row group.
//
// Min and Max are nil when the column holds no non-NULL value (or, for
// files written elsewhere, when the file carries no usable statistics).
// Otherwise their Go type follows the column's Arrow type: bool, int16,
// int32, int64, float32, float64, decimal128.Num, string, arrow.Date32 or
// arrow.Timestamp (always microseconds). Float NaNs are left out of min/max.
type ColumnStats struct {
	Name      string
	NullCount int64
	Min, Max  any
}

// FileStats is what a Writer learned while writing a file.
type FileStats struct {
	NumRecords int64
	Bytes      int64         // file size
	Columns    []ColumnStats // one per top-level column, in schema order
}

// statsAcc accumulates the statistics of one column across Write calls.
// It works on typed slices: one comparison per value, no boxing.
type statsAcc struct {
	nulls     int64
	has       bool
	min, max  any
	countOnly bool // NULLs only, no min/max (bytea)
}

func (s *statsAcc) result(name string) ColumnStats {
	st := ColumnStats{Name: name, NullCount: s.nulls}
	if s.has {
		st.Min, st.Max = s.min, s.max
	}
	return st
}

// orderedMinMax finds the min and max of the valid entries of vs.
func orderedMinMax[T cmp.Ordered](vs []T, a arrow.Array) (mn, mx T, ok bool) {
	hasNulls := a.NullN() > 0
	for i, v := range vs {
		if hasNulls && a.IsNull(i) {
			continue
		}
		if v != v { // NaN: Delta and Spark leave it out of min/max
			continue
		}
		if !ok {
			mn, mx, ok = v, v, true
			continue
		}
		if v < mn {
			mn = v
		}
		if v > mx {
			mx = v
		}
	}
	return
}

// accumulateOrdered folds the min and max of vs (the values of a) into s.
func accumulateOrdered[T cmp.Ordered](s *statsAcc, vs []T, a arrow.Array) {
	mn, mx, ok := orderedMinMax(vs, a)
	if !ok {
		return
	}
	if !s.has {
		s.min, s.max, s.has = mn, mx, true
		return
	}
	if mn < s.min.(T) {
		s.min = mn
	}
	if mx > s.max.(T) {
		s.max = mx
	}
}

// update folds the statistics of one Arrow array into s.
func (s *statsAcc) update(a arrow.Array) {
	s.nulls += int64(a.NullN())
	if s.countOnly {
		return
	}
	switch a := a.(type) {
	case *array.Boolean:
		var mn, mx, ok bool
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				continue
			}
			v := a.Value(i)
			if !ok {
				mn, mx, ok = v, v, true
			}
			mn = mn && v
			mx = mx || v
		}
		if ok {
			if !s.has {
				s.min, s.max, s.has = mn, mx, true
			} else {
				s.min = s.min.(bool) && mn
				s.max = s.max.(bool) || mx
			}
		}
	case *array.Int16:
		accumulateOrdered(s, a.Int16Values(), a)
	case *array.Int32:
		accumulateOrdered(s, a.Int32Values(), a)
	case *array.Int64:
		accumulateOrdered(s, a.Int64Values(), a)
	case *array.Float32:
		accumulateOrdered(s, a.Float32Values(), a)
	case *array.Float64:
		accumulateOrdered(s, a.Float64Values(), a)
	case *array.Date32:
		accumulateOrdered(s, a.Date32Values(), a)
	case *array.Timestamp:
		accumulateOrdered(s, a.TimestampValues(), a)
	case *array.Decimal128:
		s.updateDecimal(a)
	case *array.String:
		s.updateString(a)
	}
}

func (s *statsAcc) updateDecimal(a *array.Decimal128) {
	var mn, mx decimal128.Num
	ok := false
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			continue
		}
		v := a.Value(i)
		if !ok {
			mn, mx, ok = v, v, true
			continue
		}
		if v.Less(mn) {
			mn = v
		}
		if mx.Less(v) {
			mx = v
		}
	}
	if !ok {
		return
	}
	if !s.has {
		s.min, s.max, s.has = mn, mx, true
		return
	}
	if mn.Less(s.min.(decimal128.Num)) {
		s.min = mn
	}
	if s.max.(decimal128.Num).Less(mx) {
		s.max = mx
	}
}

func (s *statsAcc) updateString(a *array.String) {
	var mn, mx string
	ok := false
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			continue
		}
		v := a.Value(i) // aliases the Arrow buffer: cloned below before keeping it
		if !ok {
			mn, mx, ok = v, v, true
			continue
		}
		if v < mn {
			mn = v
		}
		if v > mx {
			mx = v
		}
	}
	if !ok {
		return
	}
	if !s.has {
		s.min, s.max, s.has = strings.Clone(mn), strings.Clone(mx), true
		return
	}
	if mn < s.min.(string) {
		s.min = strings.Clone(mn)
	}
	if mx > s.max.(string) {
		s.max = strings.Clone(mx)
	}
}
