package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileAndOr, "and", "or")
	register(compileNot, "not")
	register(compileIsNull, "is null", "is not null")
	register(compileIsBool, "is true", "is not true", "is false", "is not false")
}

// andOrEval implements SQL three-valued AND/OR. The right operand runs only
// on the rows the left does not decide (left true/NULL for AND, false/NULL
// for OR), so guards like `x <> 0 AND 1/x > 0` never divide by zero.
type andOrEval struct {
	l, r  Evaluator
	isAnd bool
}

func compileAndOr(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) < 2 {
		return nil, wrongArgs(f)
	}
	// Fold n-ary calls left-deep.
	e := args[0]
	for _, a := range args[1:] {
		e = &andOrEval{l: e, r: a, isAnd: f.Name == "and"}
	}
	return e, nil
}

func (e *andOrEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	l, err := e.l.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer l.Release()
	lb, loff := bitsOf(l)
	decided := func(i int) bool { // left alone decides the row
		return isValid(l, i) && bitutil.BitIsSet(lb, loff+i) != e.isAnd
	}
	rest := narrow(b, func(i int) bool { return !decided(i) })
	n := b.NumRows()
	valBuf, vals := newBits(ctx.Alloc, n)
	validBuf, valid := newBits(ctx.Alloc, n)
	if len(rest.Sel) == 0 {
		liveRows(b, func(i int) {
			bitutil.SetBit(valid, i)
			if !e.isAnd {
				bitutil.SetBit(vals, i)
			}
		})
		return boolResult(n, validBuf, valBuf), nil
	}
	r, err := e.r.Eval(ctx, rest)
	if err != nil {
		valBuf.Release()
		validBuf.Release()
		return nil, err
	}
	defer r.Release()
	rb, roff := bitsOf(r)
	liveRows(b, func(i int) {
		if decided(i) {
			bitutil.SetBit(valid, i)
			if !e.isAnd {
				bitutil.SetBit(vals, i)
			}
			return
		}
		rv := isValid(r, i)
		rt := rv && bitutil.BitIsSet(rb, roff+i)
		lv := isValid(l, i)
		switch {
		case rv && rt != e.isAnd: // right decides: false for AND, true for OR
			bitutil.SetBit(valid, i)
			if !e.isAnd {
				bitutil.SetBit(vals, i)
			}
		case rv && lv: // left is the neutral value: result is right
			bitutil.SetBit(valid, i)
			if rt {
				bitutil.SetBit(vals, i)
			}
		}
	})
	return boolResult(n, validBuf, valBuf), nil
}

func compileNot(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 1 {
		return nil, wrongArgs(f)
	}
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newBits(ctx.Alloc, n)
		in, off := bitsOf(a[0])
		bitutil.CopyBitmap(in, off, n, out, 0)
		invertBits(out)
		return boolResult(n, validity(ctx.Alloc, n, a[0]), buf), nil
	}}, nil
}

// IS [NOT] NULL is never NULL itself.
func compileIsNull(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 1 {
		return nil, wrongArgs(f)
	}
	not := f.Name == "is not null"
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newBits(ctx.Alloc, n)
		if a[0].NullN() == 0 {
			bitutil.SetBitsTo(out, 0, int64(n), true)
		} else {
			bitutil.CopyBitmap(a[0].NullBitmapBytes(), a[0].Data().Offset(), n, out, 0)
		}
		if !not {
			invertBits(out)
		}
		return boolResult(n, nil, buf), nil
	}}, nil
}

// IS [NOT] TRUE/FALSE treat NULL as neither and are never NULL.
func compileIsBool(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 1 {
		return nil, wrongArgs(f)
	}
	want := f.Name == "is true" || f.Name == "is not true"
	neg := f.Name == "is not true" || f.Name == "is not false"
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newBits(ctx.Alloc, n)
		in, off := bitsOf(a[0])
		liveRows(b, func(i int) {
			match := isValid(a[0], i) && bitutil.BitIsSet(in, off+i) == want
			if match != neg {
				bitutil.SetBit(out, i)
			}
		})
		return boolResult(n, nil, buf), nil
	}}, nil
}
