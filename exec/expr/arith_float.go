package expr

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
)

type floatT interface{ ~float32 | ~float64 }

// Float arithmetic follows float8pl & co.: an infinite result from finite
// operands is 22003 "value out of range: overflow", and division by zero
// is an error even though IEEE would give Inf.
func floatArithKernel[T floatT](op byte) kernel {
	return func(ctx *Context, b batch.Batch, args []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		la, ra := args[0], args[1]
		x, y := vals[T](la), vals[T](ra)
		buf, out := newVals[T](ctx.Alloc, n)
		if op == '/' {
			var err error
			liveRows(b, func(i int) {
				if y[i] == 0 && err == nil && bothValid(i, la, ra) {
					err = divByZero()
				}
			})
			if err != nil {
				buf.Release()
				return nil, err
			}
		}
		switch op {
		case '+':
			floatLoop(x, y, out, b.Sel, func(a, b T) T { return a + b })
		case '-':
			floatLoop(x, y, out, b.Sel, func(a, b T) T { return a - b })
		case '*':
			floatLoop(x, y, out, b.Sel, func(a, b T) T { return a * b })
		case '/':
			floatLoop(x, y, out, b.Sel, func(a, b T) T {
				if b == 0 {
					return 0
				}
				return a / b
			})
		}
		var err error
		liveRows(b, func(i int) {
			r := float64(out[i])
			if err == nil && math.IsInf(r, 0) && !math.IsInf(float64(x[i]), 0) && !math.IsInf(float64(y[i]), 0) && bothValid(i, la, ra) {
				err = sqlerr.New(sqlerr.NumericOutOfRange, "value out of range: overflow")
			}
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return makeArray(la.DataType(), n, validity(ctx.Alloc, n, la, ra), buf), nil
	}
}

// floatLoop: the op closure is inlined by the compiler in each caller
// instantiation; floats need no overflow witness in the loop itself.
func floatLoop[T floatT](x, y, out []T, sel []int32, op func(a, b T) T) {
	if sel == nil {
		x, y = x[:len(out)], y[:len(out)]
		for i := range out {
			out[i] = op(x[i], y[i])
		}
		return
	}
	for _, i := range sel {
		out[i] = op(x[i], y[i])
	}
}

func floatNegKernel[T floatT]() kernel {
	return func(ctx *Context, b batch.Batch, args []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		a := args[0]
		x := vals[T](a)
		buf, out := newVals[T](ctx.Alloc, n)
		liveRows(b, func(i int) { out[i] = -x[i] })
		return makeArray(a.DataType(), n, validity(ctx.Alloc, n, a), buf), nil
	}
}
