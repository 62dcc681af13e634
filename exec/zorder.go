package exec

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// ZOrderPermutation returns the row order of rec along the Z-order curve
// of the given columns: each column's values are ranked (NULLs first,
// equal values share a rank), the ranks are scaled to the same number of
// bits, and the bits of all columns are interleaved into one key. Rows
// close in every column end up close in the file order, so each output
// file covers a small range of each column.
func ZOrderPermutation(rec arrow.Record, cols []int) ([]int32, error) {
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
// values in ascending order (the sort's order) from 1.
func columnRanks(col arrow.Array) ([]int, int, error) {
	if err := sortableError(col.DataType()); err != nil {
		return nil, 0, err
	}
	n := col.Len()
	cmpv := valueCmp(col)
	idx := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if !col.IsNull(i) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, cmpv)
	ranks := make([]int, n)
	rank := 0
	for j, i := range idx {
		if j == 0 || cmpv(idx[j-1], i) != 0 {
			rank++
		}
		ranks[i] = rank
	}
	return ranks, rank, nil
}

// sortableError refuses types the sort's comparators do not order
// (valueCmp panics on them).
func sortableError(dt arrow.DataType) error {
	switch dt.ID() {
	case arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIMESTAMP, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.STRING, arrow.BOOL, arrow.LIST, arrow.INTERVAL_MONTH_DAY_NANO:
		return nil
	}
	return fmt.Errorf("type %s cannot be Z-ordered", dt)
}
