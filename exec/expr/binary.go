package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/exec/batch"
)

// kernel computes a function of already evaluated operands over b's live rows.
type kernel func(ctx *Context, b batch.Batch, args []arrow.Array) (arrow.Array, error)

// strictEval evaluates every argument on the same rows, then the kernel.
// NULL handling is the kernel's (usually: AND of the inputs' validity).
type strictEval struct {
	args []Evaluator
	k    kernel
}

func (e *strictEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	var buf [3]arrow.Array
	arrs := buf[:0]
	defer func() { releaseAll(arrs...) }()
	for _, a := range e.args {
		r, err := a.Eval(ctx, b)
		if err != nil {
			return nil, err
		}
		arrs = append(arrs, r)
	}
	return e.k(ctx, b, arrs)
}

// bothValid reports whether row i is non-NULL in every array.
func bothValid(i int, arrs ...arrow.Array) bool {
	for _, a := range arrs {
		if !isValid(a, i) {
			return false
		}
	}
	return true
}
