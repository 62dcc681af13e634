package exec

// Per-group min/max states of the hash aggregate, one per value family.

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/exec/batch"
)

// ---- min/max ----

type mmState[T ~int16 | ~int32 | ~int64] struct {
	max  bool
	vals []T
	has  []bool
}

func (s *mmState[T]) resize(n int) {
	s.vals = resizeTo(s.vals, n)
	s.has = resizeTo(s.has, n)
}

func (s *mmState[T]) put(g int32, x T) {
	if !s.has[g] || (s.max && x > s.vals[g]) || (!s.max && x < s.vals[g]) {
		s.vals[g] = x
		s.has[g] = true
	}
}

func (s *mmState[T]) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[T](arr)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.put(g, v[r])
	}
	return nil
}

func (s *mmState[T]) merge(src aggState, gmap []int32) error {
	o := src.(*mmState[T])
	for g, m := range gmap {
		if m >= 0 && o.has[g] {
			s.put(m, o.vals[g])
		}
	}
	return nil
}

func (s *mmState[T]) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	return buildFixed(mem, dt, s.vals, s.has), nil
}

// floatLess orders floats as PostgreSQL does: NaN above every number.
func floatLess[T ~float32 | ~float64](a, b T) bool {
	if a != a {
		return false
	}
	if b != b {
		return true
	}
	return a < b
}

type mmFloatState[T ~float32 | ~float64] struct {
	max  bool
	vals []T
	has  []bool
}

func (s *mmFloatState[T]) resize(n int) {
	s.vals = resizeTo(s.vals, n)
	s.has = resizeTo(s.has, n)
}

func (s *mmFloatState[T]) put(g int32, x T) {
	if !s.has[g] || (s.max && floatLess(s.vals[g], x)) || (!s.max && floatLess(x, s.vals[g])) {
		s.vals[g] = x
		s.has[g] = true
	}
}

func (s *mmFloatState[T]) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[T](arr)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.put(g, v[r])
	}
	return nil
}

func (s *mmFloatState[T]) merge(src aggState, gmap []int32) error {
	o := src.(*mmFloatState[T])
	for g, m := range gmap {
		if m >= 0 && o.has[g] {
			s.put(m, o.vals[g])
		}
	}
	return nil
}

func (s *mmFloatState[T]) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	return buildFixed(mem, dt, s.vals, s.has), nil
}

type mmDecState struct {
	max  bool
	vals []decimal128.Num
	has  []bool
}

func (s *mmDecState) resize(n int) {
	s.vals = resizeTo(s.vals, n)
	s.has = resizeTo(s.has, n)
}

func (s *mmDecState) put(g int32, x decimal128.Num) {
	if !s.has[g] || (s.max && x.Greater(s.vals[g])) || (!s.max && x.Less(s.vals[g])) {
		s.vals[g] = x
		s.has[g] = true
	}
}

func (s *mmDecState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[decimal128.Num](arr)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.put(g, v[r])
	}
	return nil
}

func (s *mmDecState) merge(src aggState, gmap []int32) error {
	o := src.(*mmDecState)
	for g, m := range gmap {
		if m >= 0 && o.has[g] {
			s.put(m, o.vals[g])
		}
	}
	return nil
}

func (s *mmDecState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	return buildFixed(mem, dt, s.vals, s.has), nil
}

// mmStrState compares bytewise; a value is copied only when it becomes the
// group's new extreme.
type mmStrState struct {
	max  bool
	vals []string
	has  []bool
}

func (s *mmStrState) resize(n int) {
	s.vals = resizeTo(s.vals, n)
	s.has = resizeTo(s.has, n)
}

func (s *mmStrState) better(g int32, x []byte) bool {
	if !s.has[g] {
		return true
	}
	if s.max {
		return string(x) > s.vals[g]
	}
	return string(x) < s.vals[g]
}

func (s *mmStrState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	a := arr.(*array.String)
	vo, vb := batch.StringBuffers(a)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		x := vb[vo[r]:vo[r+1]]
		if s.better(g, x) {
			s.vals[g] = string(x)
			s.has[g] = true
		}
	}
	return nil
}

func (s *mmStrState) merge(src aggState, gmap []int32) error {
	o := src.(*mmStrState)
	for g, m := range gmap {
		if m >= 0 && o.has[g] && s.better(m, unsafe.Slice(unsafe.StringData(o.vals[g]), len(o.vals[g]))) {
			s.vals[m] = o.vals[g]
			s.has[m] = true
		}
	}
	return nil
}

func (s *mmStrState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(len(s.vals))
	for g, v := range s.vals {
		if s.has[g] {
			b.Append(v)
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray(), nil
}

// mmBoolState: false < true, so min is bool_and and max is bool_or.
type mmBoolState struct {
	max  bool
	vals []bool
	has  []bool
}

func (s *mmBoolState) resize(n int) {
	s.vals = resizeTo(s.vals, n)
	s.has = resizeTo(s.has, n)
}

func (s *mmBoolState) put(g int32, x bool) {
	if !s.has[g] || (s.max && x) || (!s.max && !x) {
		s.vals[g] = x
		s.has[g] = true
	}
}

func (s *mmBoolState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	a := arr.(*array.Boolean)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.put(g, a.Value(r))
	}
	return nil
}

func (s *mmBoolState) merge(src aggState, gmap []int32) error {
	o := src.(*mmBoolState)
	for g, m := range gmap {
		if m >= 0 && o.has[g] {
			s.put(m, o.vals[g])
		}
	}
	return nil
}

func (s *mmBoolState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	for g, v := range s.vals {
		if s.has[g] {
			b.Append(v)
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray(), nil
}
