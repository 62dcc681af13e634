package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Join keys of two narrow integer columns (TPC-H's partsupp key
// (partkey, suppkey), any pair of int2/int4/date columns) are packed into
// one int64, high half the first column, and take the integer path of the
// hash table: no per-row byte serialisation, one 8-byte compare per probe.
// Joins only: a row with a NULL in either column never matches, which the
// integer path's single NULL group gives; an aggregate would need
// (NULL, 1) and (NULL, 2) kept apart.

// narrowIntKey reports whether dt's values fit in 32 bits.
func narrowIntKey(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT16, arrow.INT32, arrow.DATE32:
		return true
	}
	return false
}

// packableJoinKeys reports whether a join on these key types (both sides)
// can pack its keys.
func packableJoinKeys(sides ...[]arrow.DataType) bool {
	for _, dts := range sides {
		if len(dts) != 2 || !narrowIntKey(dts[0]) || !narrowIntKey(dts[1]) {
			return false
		}
	}
	return true
}

// newJoinKeyEncoder is newKeyEncoder for one side of a join, packing the
// keys when pack is set (packableJoinKeys of both sides).
func newJoinKeyEncoder(dts []arrow.DataType, pack bool) *keyEncoder {
	e := newKeyEncoder(dts)
	if pack {
		e.intMode, e.packed = true, true
	}
	return e
}

// encodePacked fills ikeys and hashes with the packed pair of each row.
func (e *keyEncoder) encodePacked(arrs []arrow.Array, rows []int32, n int) {
	e.ikeys = growSlice(e.ikeys, n)
	keys, hashes := e.ikeys, e.hashes
	hi, lo := narrowValues(arrs[0]), narrowValues(arrs[1])
	for i := 0; i < n; i++ {
		r := rowAt(rows, i)
		k := int64(uint64(hi(r))<<32 | uint64(lo(r)))
		keys[i] = k
		hashes[i] = hashInt(uint64(k))
	}
	e.maskNullKeys(keys, hashes, n)
}

// narrowValues reads a narrow integer column as uint32 (sign bits kept, so
// equal SQL values give equal halves whatever the column's width).
func narrowValues(a arrow.Array) func(i int) uint32 {
	switch a := a.(type) {
	case *array.Int16:
		v := a.Int16Values()
		return func(i int) uint32 { return uint32(int32(v[i])) }
	case *array.Int32:
		v := a.Int32Values()
		return func(i int) uint32 { return uint32(v[i]) }
	case *array.Date32:
		v := a.Date32Values()
		return func(i int) uint32 { return uint32(v[i]) }
	}
	panic("exec: not a narrow integer key")
}
