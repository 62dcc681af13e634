package exec

import (
	"math"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ---- string_agg(text, delimiter) ----

// stringAggState concatenates each group's non-NULL values in arrival
// order (PostgreSQL leaves the order unspecified without ORDER BY).
type stringAggState struct {
	delim string
	order string // "", "_asc" or "_desc": ORDER BY the value itself
	vals  [][]string
}

func (s *stringAggState) resize(n int) { s.vals = resizeTo(s.vals, n) }

func (s *stringAggState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	a := arr.(*array.String)
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if a.IsValid(r) {
			s.vals[g] = append(s.vals[g], a.Value(r))
		}
	}
	return nil
}

func (s *stringAggState) merge(src aggState, gmap []int32) error {
	for g, v := range src.(*stringAggState).vals {
		if m := gmap[g]; m >= 0 {
			s.vals[m] = append(s.vals[m], v...)
		}
	}
	return nil
}

func (s *stringAggState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for _, v := range s.vals {
		switch s.order {
		case "_asc":
			sort.Strings(v)
		case "_desc":
			sort.Sort(sort.Reverse(sort.StringSlice(v)))
		}
		if len(v) == 0 {
			b.AppendNull()
		} else {
			b.Append(strings.Join(v, s.delim))
		}
	}
	return b.NewArray(), nil
}

// ---- percentile_cont / percentile_disc WITHIN GROUP (ORDER BY x) ----

// percentileState collects each group's values (as float64, or decimals
// exactly) and picks the percentile at build time.
type percentileState struct {
	frac float64
	disc bool
	vals [][]float64
	decs [][]decimal128.Num
}

func (s *percentileState) resize(n int) {
	s.vals = resizeTo(s.vals, n)
	s.decs = resizeTo(s.decs, n)
}

func (s *percentileState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if arr.IsNull(r) {
			continue
		}
		if d, ok := arr.(*array.Decimal128); ok && s.disc {
			s.decs[g] = append(s.decs[g], d.Value(r))
			continue
		}
		v, _ := numericKey(arr, r)
		s.vals[g] = append(s.vals[g], v)
	}
	return nil
}

func (s *percentileState) merge(src aggState, gmap []int32) error {
	o := src.(*percentileState)
	for g := range o.vals {
		if m := gmap[g]; m >= 0 {
			s.vals[m] = append(s.vals[m], o.vals[g]...)
			s.decs[m] = append(s.decs[m], o.decs[g]...)
		}
	}
	return nil
}

func (s *percentileState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for g := range s.vals {
		if len(s.decs[g]) > 0 {
			d := s.decs[g]
			sort.Slice(d, func(i, j int) bool { return d[i].Less(d[j]) })
			b.(*array.Decimal128Builder).Append(d[discIndex(s.frac, len(d))])
			continue
		}
		v := s.vals[g]
		if len(v) == 0 {
			b.AppendNull()
			continue
		}
		sort.Float64s(v)
		var x float64
		if s.disc {
			x = v[discIndex(s.frac, len(v))]
		} else {
			// Linear interpolation between the rows around frac*(n-1).
			pos := s.frac * float64(len(v)-1)
			lo := math.Floor(pos)
			hi := math.Ceil(pos)
			x = v[int(lo)] + (v[int(hi)]-v[int(lo)])*(pos-lo)
		}
		switch bb := b.(type) {
		case *array.Float64Builder:
			bb.Append(x)
		case *array.Float32Builder:
			bb.Append(float32(x))
		case *array.Int16Builder:
			bb.Append(int16(x))
		case *array.Int32Builder:
			bb.Append(int32(x))
		case *array.Int64Builder:
			bb.Append(int64(x))
		case *array.Date32Builder:
			bb.Append(arrow.Date32(x))
		case *array.TimestampBuilder:
			bb.Append(arrow.Timestamp(x))
		default:
			b.AppendNull()
		}
	}
	return b.NewArray(), nil
}

// discIndex is the first value whose position reaches frac of the rows
// (PostgreSQL's percentile_disc).
func discIndex(frac float64, n int) int {
	i := int(math.Ceil(frac*float64(n))) - 1
	return max(0, min(i, n-1))
}
