package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/planner"
)

// NewNestedLoopJoin joins every left row with every right row for which
// cond (over the left columns followed by the right columns; nil = true,
// a cross join) holds. The right side is materialised once and shared by
// the left partitions; all join types are supported (Right/Full emit the
// unmatched right rows after every left partition finishes). It shares the
// hash join's machinery with a single key group holding every right row.
func NewNestedLoopJoin(left, right PhysicalPlan, jt JoinType, cond planner.Expr, schema *arrow.Schema) PhysicalPlan {
	return newJoin("NestedLoopJoin", left, right, jt, nil, nil, cond, schema)
}
