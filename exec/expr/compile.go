package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// Evaluator computes one expression over a batch. The result has
// b.NumRows() entries; only the positions in b.Sel (all, when Sel is nil)
// are meaningful, and only those rows are evaluated — so an error such as
// division by zero is raised only for live rows. The caller releases it.
// An Evaluator is safe for concurrent use by several workers.
type Evaluator interface {
	Eval(ctx *Context, b batch.Batch) (arrow.Array, error)
}

// Compile turns a bound expression into an evaluator.
func Compile(e planner.Expr) (Evaluator, error) {
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "expression evaluation not implemented yet: %s", e)
}
