package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// rowIdentity builds a row group's file ordinal column (a constant) or row
// position column (first, first+1, …) for DML.
func rowIdentity(src int, ordinal, first, n int64, tc *TaskContext) arrow.Array {
	b := array.NewInt64Builder(tc.Eval.Alloc)
	defer b.Release()
	b.Reserve(int(n))
	for i := int64(0); i < n; i++ {
		if src == srcFileOrdinal {
			b.UnsafeAppend(ordinal)
		} else {
			b.UnsafeAppend(first + i)
		}
	}
	return b.NewArray()
}

// mergeSorted is the sorted union of two ascending position lists.
func mergeSorted(a, b []int64) []int64 {
	out := make([]int64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
