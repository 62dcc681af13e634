package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/lodedb/lode/exec/batch"
)

// cmpTextConstEval compares a text column with a constant (TPC-H's
// p_brand = 'Brand#23', c_mktsegment = 'BUILDING'): each row's bytes are
// compared with the constant in place, without a broadcast column of the
// constant or a call through the generic row comparator.
type cmpTextConstEval struct {
	arg Evaluator
	c   string
	op  string
}

func (e *cmpTextConstEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	a, err := e.arg.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	n := b.NumRows()
	buf, out := newBits(ctx.Alloc, n)
	offs, data := batch.StringBuffers(a.(*array.String))
	c := e.c
	switch e.op {
	case "=", "<>":
		want := e.op == "="
		liveRows(b, func(i int) {
			if (string(data[offs[i]:offs[i+1]]) == c) == want {
				bitutil.SetBit(out, i)
			}
		})
	default:
		liveRows(b, func(i int) {
			if cmpResult(e.op, strings.Compare(string(data[offs[i]:offs[i+1]]), c)) {
				bitutil.SetBit(out, i)
			}
		})
	}
	// NULL rows may have set bits; the validity bitmap hides them.
	return boolResult(n, validity(ctx.Alloc, n, a), buf), nil
}
