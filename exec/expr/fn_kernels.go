package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/exec/batch"
)

// Kernel builders shared by the scalar function families (fn_*.go).

// mapFixed builds a fixed-width result from f over the live rows whose
// inputs are all non-NULL; f may also return NULL (ok false).
func mapFixed[T fixed](dt arrow.DataType, f func(a []arrow.Array, i int) (T, bool, error)) kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newVals[T](ctx.Alloc, n)
		vbuf, bits := newBits(ctx.Alloc, n)
		var err error
		liveRows(b, func(i int) {
			if err != nil || !bothValid(i, a...) {
				return
			}
			v, ok, e := f(a, i)
			if e != nil {
				err = e
				return
			}
			if ok {
				out[i] = v
				bitutil.SetBit(bits, i)
			}
		})
		if err != nil {
			buf.Release()
			vbuf.Release()
			return nil, err
		}
		return makeArray(dt, n, vbuf, buf), nil
	}
}

// mapBool is mapFixed for boolean results.
func mapBool(f func(a []arrow.Array, i int) (bool, bool, error)) kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, vals := newBits(ctx.Alloc, n)
		vbuf, bits := newBits(ctx.Alloc, n)
		var err error
		liveRows(b, func(i int) {
			if err != nil || !bothValid(i, a...) {
				return
			}
			v, ok, e := f(a, i)
			if e != nil {
				err = e
				return
			}
			if ok {
				if v {
					bitutil.SetBit(vals, i)
				}
				bitutil.SetBit(bits, i)
			}
		})
		if err != nil {
			buf.Release()
			vbuf.Release()
			return nil, err
		}
		return boolResult(n, vbuf, buf), nil
	}
}

// mapStr builds a text result whose rows may also come out NULL.
func mapStr(f func(a []arrow.Array, i int) (string, bool, error)) kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		var o strOut
		vbuf, bits := newBits(ctx.Alloc, n)
		var err error
		liveRows(b, func(i int) {
			if err != nil || !bothValid(i, a...) {
				return
			}
			s, ok, e := f(a, i)
			if e != nil {
				err = e
				return
			}
			if ok {
				o.set(i, s)
				bitutil.SetBit(bits, i)
			}
		})
		if err != nil {
			vbuf.Release()
			return nil, err
		}
		return o.finish(ctx.Alloc, n, vbuf), nil
	}
}

// unaryF64 applies f to a float8 column in a tight loop; inputs' NULLs
// pass through, f's error is raised only for live non-NULL rows.
func unaryF64(f func(x float64) (float64, error)) kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		x := vals[float64](a[0])
		buf, out := newVals[float64](ctx.Alloc, n)
		var err error
		nulls := a[0].NullN() > 0
		liveRows(b, func(i int) {
			if err != nil || nulls && !a[0].IsValid(i) {
				return
			}
			out[i], err = f(x[i])
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return makeArray(arrow.PrimitiveTypes.Float64, n, validity(ctx.Alloc, n, a[0]), buf), nil
	}
}

// binaryF64 is unaryF64 for two float8 operands.
func binaryF64(f func(x, y float64) (float64, error)) kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		x, y := vals[float64](a[0]), vals[float64](a[1])
		buf, out := newVals[float64](ctx.Alloc, n)
		var err error
		nulls := a[0].NullN() > 0 || a[1].NullN() > 0
		liveRows(b, func(i int) {
			if err != nil || nulls && !bothValid(i, a...) {
				return
			}
			out[i], err = f(x[i], y[i])
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return makeArray(arrow.PrimitiveTypes.Float64, n, validity(ctx.Alloc, n, a...), buf), nil
	}
}

// lazyEval evaluates every argument and hands the arrays (NULLs
// included) to a kernel that decides NULL handling itself: concat,
// concat_ws, num_nulls.
type lazyEval = strictEval

var _ memory.Allocator

type batchT = batch.Batch
