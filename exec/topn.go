package exec

import "github.com/apache/arrow-go/v18/arrow"

// NewTopN returns the first n rows of the input in key order (ORDER BY …
// LIMIT n) with one output partition. Each child partition keeps only its
// best n rows as it reads — whenever it has collected 2n rows (at least a
// batch) it sorts them and drops all but n — so memory stays O(n) per
// partition; the survivors are then merged as by Sort.
func NewTopN(child PhysicalPlan, keys []SortKey, n int64, schema *arrow.Schema) PhysicalPlan {
	if n < 0 {
		n = 0
	}
	return &sortPlan{child: child, keys: keys, schema: schema, limit: n}
}
