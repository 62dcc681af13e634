package engine

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// zorderPermutation returns the row order of rec along the Z-order curve
// of the given columns: each column's values are ranked (NULLs first,
// equal values share a rank), the ranks are scaled to the same number of
// bits, and the bits of all columns are interleaved into one key. Rows
// close in every column end up close in the file order, so each output
// file covers a small range of each column.
func zorderPermutation(rec arrow.Record, cols []int) ([]int32, error) {
	n := int(rec.NumRows())
	if n == 0 || len(cols) == 0 {
		return nil, nil
	}
	bits := 64 / len(cols)
	if bits > 32 {
		bits = 32
	}
	keys := make([]uint64, n)
	for k, c := range cols {
		ranks, maxRank, err := columnRanks(rec.Column(c))
		if err != nil {
			return nil, fmt.Errorf("ZORDER BY column %d: %w", c, err)
		}
		scale := float64(uint64(1)<<bits-1) / float64(max(maxRank, 1))
		for i, r := range ranks {
			scaled := uint64(float64(r) * scale)
			keys[i] |= spread(scaled, bits, len(cols), k)
		}
	}
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int { return cmp.Compare(keys[a], keys[b]) })
	return perm, nil
}

// spread places the low `bits` bits of v at every stride-th bit of the
// key, most significant first, starting at offset k.
func spread(v uint64, bits, stride, k int) uint64 {
	var out uint64
	for b := 0; b < bits; b++ {
		if v&(1<<(bits-1-b)) != 0 {
			pos := 63 - (b*stride + k)
			if pos >= 0 {
				out |= 1 << pos
			}
		}
	}
	return out
}

// columnRanks ranks a column's values: NULL is rank 0, then distinct
// values in ascending order from 1.
func columnRanks(col arrow.Array) ([]int, int, error) {
	n := col.Len()
	less, err := valueComparator(col)
	if err != nil {
		return nil, 0, err
	}
	idx := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if !col.IsNull(i) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, less)
	ranks := make([]int, n)
	rank := 0
	for j, i := range idx {
		if j == 0 || less(idx[j-1], i) != 0 {
			rank++
		}
		ranks[i] = rank
	}
	return ranks, rank, nil
}

// valueComparator compares two rows of a column by value.
func valueComparator(col arrow.Array) (func(a, b int) int, error) {
	switch c := col.(type) {
	case *array.Int16:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Int32:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Int64:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Float32:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Float64:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Date32:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Timestamp:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Decimal128:
		return func(a, b int) int { return c.Value(a).Cmp(c.Value(b)) }, nil
	case *array.String:
		return func(a, b int) int { return cmp.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Binary:
		return func(a, b int) int { return bytes.Compare(c.Value(a), c.Value(b)) }, nil
	case *array.Boolean:
		return func(a, b int) int {
			x, y := c.Value(a), c.Value(b)
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}, nil
	}
	return nil, fmt.Errorf("type %s cannot be Z-ordered", col.DataType())
}
