package exec

import (
	"math/big"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// aggState holds one aggregate's running value for every group of a hash
// table. update folds n input rows (rows[i] is the physical row of the i-th,
// nil = identity) into the groups gids[i]; merge folds group g of src into
// group gmap[g] (skipping -1); build produces the output column.
type aggState interface {
	resize(n int)
	update(arr arrow.Array, rows []int32, n int, gids []int32) error
	merge(src aggState, gmap []int32) error
	build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error)
}

type fixedT interface {
	~int16 | ~int32 | ~int64 | ~float32 | ~float64 | decimal128.Num
}

// fixedValues views the value buffer of a fixed-width array as []T.
func fixedValues[T fixedT](arr arrow.Array) []T {
	d := arr.Data()
	buf := d.Buffers()[1]
	if buf == nil || buf.Len() == 0 {
		return nil
	}
	var z T
	b := buf.Bytes()
	all := unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/int(unsafe.Sizeof(z)))
	return all[d.Offset() : d.Offset()+d.Len()]
}

// buildFixed makes an array of type dt from vals, NULL where !valid[i]
// (valid == nil: no NULLs).
func buildFixed[T fixedT](mem memory.Allocator, dt arrow.DataType, vals []T, valid []bool) arrow.Array {
	var z T
	n := len(vals)
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * int(unsafe.Sizeof(z)))
	if n > 0 {
		b := buf.Bytes()
		copy(unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n), vals)
	}
	vbuf, nulls := validityBuffer(mem, valid, n)
	data := array.NewData(dt, n, []*memory.Buffer{vbuf, buf}, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	buf.Release()
	if vbuf != nil {
		vbuf.Release()
	}
	return arr
}

func validityBuffer(mem memory.Allocator, valid []bool, n int) (*memory.Buffer, int) {
	if valid == nil {
		return nil, 0
	}
	nulls := 0
	for _, v := range valid[:n] {
		if !v {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	vbuf := memory.NewResizableBuffer(mem)
	vbuf.Resize(int(bitutil.BytesForBits(int64(n))))
	bs := vbuf.Bytes()
	clear(bs)
	for i, v := range valid[:n] {
		if v {
			bitutil.SetBit(bs, i)
		}
	}
	return vbuf, nulls
}

func resizeTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	if cap(s) >= n {
		return s[:n]
	}
	ns := make([]T, n, max(n, 2*cap(s)))
	copy(ns, s)
	return ns
}

func overflowErr(what string) error {
	return sqlerr.New(sqlerr.NumericOutOfRange, "%s out of range", what)
}

// newAggState picks the specialised state for an aggregate call.
func newAggState(a AggSpec, in arrow.DataType) (aggState, error) {
	var st aggState
	switch a.Func {
	case "count_star":
		return &countState{star: true}, nil
	case "count":
		st = &countState{}
	case "sum", "avg":
		avg := a.Func == "avg"
		switch in.ID() {
		case arrow.INT16:
			if avg {
				st = &int128State[int16]{avg: true, scale: a.Out.Scale}
			} else {
				st = &sumSmallIntState[int16]{}
			}
		case arrow.INT32:
			if avg {
				st = &int128State[int32]{avg: true, scale: a.Out.Scale}
			} else {
				st = &sumSmallIntState[int32]{}
			}
		case arrow.INT64:
			st = &int128State[int64]{avg: avg, scale: a.Out.Scale}
		case arrow.FLOAT32:
			if avg {
				st = &avgFloatState[float32]{}
			} else {
				st = &sumFloatState[float32]{}
			}
		case arrow.FLOAT64:
			if avg {
				st = &avgFloatState[float64]{}
			} else {
				st = &sumFloatState[float64]{}
			}
		case arrow.DECIMAL128:
			st = &decState{avg: avg, inScale: in.(*arrow.Decimal128Type).Scale, outScale: a.Out.Scale}
		}
	case "min", "max":
		mx := a.Func == "max"
		switch in.ID() {
		case arrow.INT16:
			st = &mmState[int16]{max: mx}
		case arrow.INT32:
			st = &mmState[int32]{max: mx}
		case arrow.INT64:
			st = &mmState[int64]{max: mx}
		case arrow.DATE32:
			st = &mmState[arrow.Date32]{max: mx}
		case arrow.TIMESTAMP:
			st = &mmState[arrow.Timestamp]{max: mx}
		case arrow.FLOAT32:
			st = &mmFloatState[float32]{max: mx}
		case arrow.FLOAT64:
			st = &mmFloatState[float64]{max: mx}
		case arrow.DECIMAL128:
			st = &mmDecState{max: mx}
		case arrow.STRING:
			st = &mmStrState{max: mx}
		case arrow.BOOL:
			st = &mmBoolState{max: mx}
		}
	case "string_agg", "string_agg_asc", "string_agg_desc":
		delim, _ := a.Param.(string)
		st = &stringAggState{delim: delim, order: strings.TrimPrefix(a.Func, "string_agg")}
	case "array_agg":
		ast := newArrayAggState(in)
		if o, ok := a.Param.(string); ok {
			ast.order = &SortKey{Desc: strings.HasPrefix(o, "desc"), NullsFirst: strings.HasSuffix(o, "nulls first")}
		}
		st = ast
	case "percentile_cont", "percentile_disc":
		frac, _ := a.Param.(float64)
		if frac < 0 || frac > 1 {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "percentile value %g is not between 0 and 1", frac)
		}
		st = &percentileState{frac: frac, disc: a.Func == "percentile_disc"}
	default:
		return nil, sqlerr.New(sqlerr.UndefinedFunction, "unknown aggregate %s", a.Func)
	}
	if st == nil {
		return nil, sqlerr.New(sqlerr.UndefinedFunction, "function %s(%s) does not exist", a.Func, a.In)
	}
	if a.Distinct {
		st = newDistinctState(st, in)
	}
	return st, nil
}

// ---- count ----

type countState struct {
	star   bool
	counts []int64
}

func (s *countState) resize(n int) { s.counts = resizeTo(s.counts, n) }

func (s *countState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	c := s.counts
	if s.star || arr.NullN() == 0 {
		for _, g := range gids[:n] {
			c[g]++
		}
		return nil
	}
	for i, g := range gids[:n] {
		if arr.IsValid(rowAt(rows, i)) {
			c[g]++
		}
	}
	return nil
}

func (s *countState) merge(src aggState, gmap []int32) error {
	for g, v := range src.(*countState).counts {
		if m := gmap[g]; m >= 0 {
			s.counts[m] += v
		}
	}
	return nil
}

func (s *countState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	return buildFixed(mem, dt, s.counts, nil), nil
}

// ---- sum(int2/int4) → int8 ----

type sumSmallIntState[T ~int16 | ~int32] struct {
	sums []int64
	has  []bool
}

func (s *sumSmallIntState[T]) resize(n int) {
	s.sums = resizeTo(s.sums, n)
	s.has = resizeTo(s.has, n)
}

func (s *sumSmallIntState[T]) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[T](arr)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.sums[g] += int64(v[r])
		s.has[g] = true
	}
	return nil
}

func (s *sumSmallIntState[T]) merge(src aggState, gmap []int32) error {
	o := src.(*sumSmallIntState[T])
	for g, m := range gmap {
		if m >= 0 && o.has[g] {
			s.sums[m] += o.sums[g]
			s.has[m] = true
		}
	}
	return nil
}

func (s *sumSmallIntState[T]) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	return buildFixed(mem, dt, s.sums, s.has), nil
}

// ---- sum(int8) → numeric, avg(int*) → numeric: exact int128 sums ----

type int128State[T ~int16 | ~int32 | ~int64] struct {
	avg   bool
	scale int32
	lo    []uint64
	hi    []int64
	cnt   []int64
}

func (s *int128State[T]) resize(n int) {
	s.lo = resizeTo(s.lo, n)
	s.hi = resizeTo(s.hi, n)
	s.cnt = resizeTo(s.cnt, n)
}

func (s *int128State[T]) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[T](arr)
	lo, hi, cnt := s.lo, s.hi, s.cnt
	if arr.NullN() == 0 && rows == nil {
		v = v[:n]
		for i, g := range gids[:n] {
			x := int64(v[i])
			var c uint64
			lo[g], c = bits.Add64(lo[g], uint64(x), 0)
			hi[g] += x>>63 + int64(c)
			cnt[g]++
		}
		return nil
	}
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		x := int64(v[r])
		var c uint64
		lo[g], c = bits.Add64(lo[g], uint64(x), 0)
		hi[g] += x>>63 + int64(c)
		cnt[g]++
	}
	return nil
}

func (s *int128State[T]) merge(src aggState, gmap []int32) error {
	o := src.(*int128State[T])
	for g, m := range gmap {
		if m < 0 {
			continue
		}
		var c uint64
		s.lo[m], c = bits.Add64(s.lo[m], o.lo[g], 0)
		s.hi[m] += o.hi[g] + int64(c)
		s.cnt[m] += o.cnt[g]
	}
	return nil
}

func (s *int128State[T]) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	n := len(s.cnt)
	out := make([]decimal128.Num, n)
	valid := make([]bool, n)
	prec := int32(types.NumericMaxPrecision)
	if d, ok := dt.(*arrow.Decimal128Type); ok {
		prec = d.Precision
	}
	for g := 0; g < n; g++ {
		if s.cnt[g] == 0 {
			continue
		}
		valid[g] = true
		sum := decimal128.New(s.hi[g], s.lo[g])
		if s.avg {
			q, err := divRound(sum.BigInt(), 0, s.scale, s.cnt[g], prec)
			if err != nil {
				return nil, err
			}
			out[g] = q
			continue
		}
		if !sum.FitsInPrecision(prec) {
			return nil, overflowErr("numeric sum")
		}
		out[g] = sum
	}
	return buildFixed(mem, dt, out, valid), nil
}

var bigTen = big.NewInt(10)

// divRound computes sum (at scale inScale) / cnt at scale outScale, rounded
// half away from zero, as PostgreSQL's numeric division does.
func divRound(sum *big.Int, inScale, outScale int32, cnt int64, prec int32) (decimal128.Num, error) {
	num := new(big.Int).Set(sum)
	den := big.NewInt(cnt)
	if d := outScale - inScale; d > 0 {
		num.Mul(num, new(big.Int).Exp(bigTen, big.NewInt(int64(d)), nil))
	} else if d < 0 {
		den.Mul(den, new(big.Int).Exp(bigTen, big.NewInt(int64(-d)), nil))
	}
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	res := decimal128.FromBigInt(q)
	if q.BitLen() > 127 || !res.FitsInPrecision(prec) {
		return decimal128.Num{}, overflowErr("numeric average")
	}
	return res, nil
}

// ---- sum(float4) → float4, sum(float8) → float8 ----

type sumFloatState[T ~float32 | ~float64] struct {
	sums []T
	has  []bool
}

func (s *sumFloatState[T]) resize(n int) {
	s.sums = resizeTo(s.sums, n)
	s.has = resizeTo(s.has, n)
}

func (s *sumFloatState[T]) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[T](arr)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.sums[g] += v[r]
		s.has[g] = true
	}
	return nil
}

func (s *sumFloatState[T]) merge(src aggState, gmap []int32) error {
	o := src.(*sumFloatState[T])
	for g, m := range gmap {
		if m >= 0 && o.has[g] {
			s.sums[m] += o.sums[g]
			s.has[m] = true
		}
	}
	return nil
}

func (s *sumFloatState[T]) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	return buildFixed(mem, dt, s.sums, s.has), nil
}

// ---- avg(float*) → float8 ----

type avgFloatState[T ~float32 | ~float64] struct {
	sums []float64
	cnt  []int64
}

func (s *avgFloatState[T]) resize(n int) {
	s.sums = resizeTo(s.sums, n)
	s.cnt = resizeTo(s.cnt, n)
}

func (s *avgFloatState[T]) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[T](arr)
	hasNull := arr.NullN() > 0
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.sums[g] += float64(v[r])
		s.cnt[g]++
	}
	return nil
}

func (s *avgFloatState[T]) merge(src aggState, gmap []int32) error {
	o := src.(*avgFloatState[T])
	for g, m := range gmap {
		if m >= 0 {
			s.sums[m] += o.sums[g]
			s.cnt[m] += o.cnt[g]
		}
	}
	return nil
}

func (s *avgFloatState[T]) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	n := len(s.cnt)
	out := make([]float64, n)
	valid := make([]bool, n)
	for g := range out {
		if s.cnt[g] > 0 {
			out[g] = s.sums[g] / float64(s.cnt[g])
			valid[g] = true
		}
	}
	return buildFixed(mem, dt, out, valid), nil
}

// ---- sum/avg(numeric) ----

var (
	decMax = decimal128.GetMaxValue(types.NumericMaxPrecision)
	decMin = decMax.Negate()
)

type decState struct {
	avg               bool
	inScale, outScale int32
	acc               []decimal128.Num
	cnt               []int64
}

func (s *decState) resize(n int) {
	s.acc = resizeTo(s.acc, n)
	s.cnt = resizeTo(s.cnt, n)
}

// addDec adds with a check against 38 digits (and int128 wrap-around).
func addDec(a, b decimal128.Num) (decimal128.Num, bool) {
	r := a.Add(b)
	if (a.Sign() >= 0) == (b.Sign() >= 0) && (r.Sign() >= 0) != (a.Sign() >= 0) {
		return r, false
	}
	if r.Greater(decMax) || r.Less(decMin) {
		return r, false
	}
	return r, true
}

func (s *decState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	v := fixedValues[decimal128.Num](arr)
	hasNull := arr.NullN() > 0
	if !hasNull {
		// The common case, without NULLs, in tight loops.
		acc, cnt := s.acc, s.cnt
		if rows == nil {
			for i, g := range gids[:n] {
				sum, ok := addDecFast(acc[g], v[i])
				if !ok {
					return overflowErr("numeric sum")
				}
				acc[g] = sum
				cnt[g]++
			}
			return nil
		}
		for i, g := range gids[:n] {
			sum, ok := addDecFast(acc[g], v[rows[i]])
			if !ok {
				return overflowErr("numeric sum")
			}
			acc[g] = sum
			cnt[g]++
		}
		return nil
	}
	for i, g := range gids[:n] {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		sum, ok := addDecFast(s.acc[g], v[r])
		if !ok {
			return overflowErr("numeric sum")
		}
		s.acc[g] = sum
		s.cnt[g]++
	}
	return nil
}

// decSafeHi bounds the high word of sums that are surely within 38
// digits: |hi| < decSafeHi means |sum| < 2^64·decSafeHi ≤ 10^38.
var decSafeHi = decMax.HighBits()

// addDecFast is addDec with the common case, a sum well inside 38 digits,
// decided from the high word alone. Two operands of at most 38 digits can
// wrap int128 only to a magnitude above 10^38, whose high word fails the
// same test, so the exact check runs just near the limits.
func addDecFast(a, b decimal128.Num) (decimal128.Num, bool) {
	lo, c := bits.Add64(a.LowBits(), b.LowBits(), 0)
	hi := a.HighBits() + b.HighBits() + int64(c)
	if hi > -decSafeHi && hi < decSafeHi {
		return decimal128.New(hi, lo), true
	}
	return addDec(a, b)
}

func (s *decState) merge(src aggState, gmap []int32) error {
	o := src.(*decState)
	for g, m := range gmap {
		if m < 0 || o.cnt[g] == 0 {
			continue
		}
		sum, ok := addDec(s.acc[m], o.acc[g])
		if !ok {
			return overflowErr("numeric sum")
		}
		s.acc[m] = sum
		s.cnt[m] += o.cnt[g]
	}
	return nil
}

func (s *decState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	n := len(s.cnt)
	out := make([]decimal128.Num, n)
	valid := make([]bool, n)
	prec := int32(types.NumericMaxPrecision)
	scale := s.outScale
	if d, ok := dt.(*arrow.Decimal128Type); ok {
		prec, scale = d.Precision, d.Scale
	}
	for g := 0; g < n; g++ {
		if s.cnt[g] == 0 {
			continue
		}
		valid[g] = true
		if s.avg {
			q, err := divRound(s.acc[g].BigInt(), s.inScale, scale, s.cnt[g], prec)
			if err != nil {
				return nil, err
			}
			out[g] = q
			continue
		}
		v := s.acc[g]
		if scale != s.inScale {
			var err error
			if v, err = v.Rescale(s.inScale, scale); err != nil {
				return nil, overflowErr("numeric sum")
			}
		}
		if !v.FitsInPrecision(prec) {
			return nil, overflowErr("numeric sum")
		}
		out[g] = v
	}
	return buildFixed(mem, dt, out, valid), nil
}

// ---- DISTINCT: dedupe (group, value) pairs, feed new ones to the inner state ----

type distinctState struct {
	inner  aggState
	set    *hashTable
	enc    *keyEncoder
	sgids  []int32
	rows   []int32
	gs     []int32
	chunks []arrow.Array // the distinct values seen, for merging partials
	chunkG [][]int32     // their groups
}

func newDistinctState(inner aggState, in arrow.DataType) *distinctState {
	return &distinctState{inner: inner, set: newHashTable(false, 16), enc: newKeyEncoder([]arrow.DataType{in})}
}

func (s *distinctState) resize(n int) { s.inner.resize(n) }

func (s *distinctState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	return s.add(arr, rows, n, gids, true)
}

func (s *distinctState) add(arr arrow.Array, rows []int32, n int, gids []int32, keep bool) error {
	// non-NULL rows only
	s.rows = s.rows[:0]
	s.gs = s.gs[:0]
	hasNull := arr.NullN() > 0
	for i := 0; i < n; i++ {
		r := rowAt(rows, i)
		if hasNull && arr.IsNull(r) {
			continue
		}
		s.rows = append(s.rows, int32(r))
		s.gs = append(s.gs, gids[i])
	}
	m := len(s.rows)
	if m == 0 {
		return nil
	}
	s.enc.encode([]arrow.Array{arr}, s.rows, m, s.gs)
	s.sgids = growSlice(s.sgids, m)
	next := int32(s.set.groups())
	s.set.findOrInsert(s.enc, s.sgids)
	// new pairs get consecutive ids at their first occurrence
	k := 0
	for i, sg := range s.sgids[:m] {
		if sg == next {
			s.rows[k] = s.rows[i]
			s.gs[k] = s.gs[i]
			k++
			next++
		}
	}
	if k == 0 {
		return nil
	}
	newRows, newG := s.rows[:k], s.gs[:k]
	if err := s.inner.update(arr, newRows, k, newG); err != nil {
		return err
	}
	if keep {
		s.chunks = append(s.chunks, takeGo(arr, newRows))
		s.chunkG = append(s.chunkG, append([]int32(nil), newG...))
	}
	return nil
}

func (s *distinctState) merge(src aggState, gmap []int32) error {
	o := src.(*distinctState)
	var rows, gs []int32
	for c, arr := range o.chunks {
		rows, gs = rows[:0], gs[:0]
		for i, g := range o.chunkG[c] {
			if m := gmap[g]; m >= 0 {
				rows = append(rows, int32(i))
				gs = append(gs, m)
			}
		}
		if err := s.add(arr, rows, len(rows), gs, false); err != nil {
			return err
		}
	}
	return nil
}

func (s *distinctState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	return s.inner.build(mem, dt)
}

func (s *distinctState) release() {
	for _, c := range s.chunks {
		c.Release()
	}
	s.chunks, s.chunkG = nil, nil
}

// takeGo gathers rows of arr into Go-heap memory (internal state that is
// never handed to another operator).
func takeGo(arr arrow.Array, rows []int32) arrow.Array {
	return batch.Take(memory.DefaultAllocator, arr, rows)
}
