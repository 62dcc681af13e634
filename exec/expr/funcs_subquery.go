package expr

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(func(f *planner.Func, _ []Evaluator) (Evaluator, error) { return tooManyRows{}, nil },
		"more than one row")
}

// tooManyRows raises PostgreSQL's 21000 for any live row: the planner
// places it in the CASE branch reached only when a scalar subquery yielded
// more than one row for an outer row.
type tooManyRows struct{}

func (tooManyRows) Eval(_ *Context, b batch.Batch) (arrow.Array, error) {
	return nil, sqlerr.New(sqlerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")
}
