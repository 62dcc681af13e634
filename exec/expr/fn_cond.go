package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileNumNulls, "num_nulls", "num_nonnulls")
}

// num_nulls / num_nonnulls never return NULL.
func compileNumNulls(f *planner.Func, args []Evaluator) (Evaluator, error) {
	nulls := f.Name == "num_nulls"
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newVals[int32](ctx.Alloc, n)
		liveRows(b, func(i int) {
			c := int32(0)
			for _, x := range a {
				if isValid(x, i) != nulls {
					c++
				}
			}
			out[i] = c
		})
		return makeArray(arrow.PrimitiveTypes.Int32, n, nil, buf), nil
	}}, nil
}
