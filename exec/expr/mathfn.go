package expr

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileAbs, "abs")
	register(compileRound, "round")
	register(compileNow, "now", "current_date")
}

func compileAbs(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 1 {
		return nil, wrongArgs(f)
	}
	t := f.T
	switch t.Kind {
	case types.Int16:
		return &strictEval{args, absInt[int16](t)}, nil
	case types.Int32:
		return &strictEval{args, absInt[int32](t)}, nil
	case types.Int64:
		return &strictEval{args, absInt[int64](t)}, nil
	case types.Float32:
		return &strictEval{args, absFloat[float32]()}, nil
	case types.Float64:
		return &strictEval{args, absFloat[float64]()}, nil
	case types.Numeric:
		return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
			n := b.NumRows()
			x := vals[decimal128.Num](a[0])
			buf, out := newVals[decimal128.Num](ctx.Alloc, n)
			liveRows(b, func(i int) { out[i] = x[i].Abs() })
			return makeArray(a[0].DataType(), n, validity(ctx.Alloc, n, a[0]), buf), nil
		}}, nil
	}
	return nil, unsupportedOp(f)
}

func absInt[T intT](t types.T) kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		x := vals[T](a[0])
		buf, out := newVals[T](ctx.Alloc, n)
		var err error
		liveRows(b, func(i int) {
			v := x[i]
			if v < 0 {
				v = -v
				if v < 0 && err == nil && isValid(a[0], i) {
					err = intOutOfRange(t)
				}
			}
			out[i] = v
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return makeArray(a[0].DataType(), n, validity(ctx.Alloc, n, a[0]), buf), nil
	}
}

func absFloat[T floatT]() kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		x := vals[T](a[0])
		buf, out := newVals[T](ctx.Alloc, n)
		liveRows(b, func(i int) { out[i] = T(math.Abs(float64(x[i]))) })
		return makeArray(a[0].DataType(), n, validity(ctx.Alloc, n, a[0]), buf), nil
	}
}

// round(float8) rounds half to even (rint); round(numeric[, n]) half away
// from zero to n places (negative n rounds left of the point), stored at
// the result type's scale.
func compileRound(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, wrongArgs(f)
	}
	t := f.T
	if t.Kind == types.Float64 {
		return &strictEval{args[:1], func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
			n := b.NumRows()
			x := vals[float64](a[0])
			buf, out := newVals[float64](ctx.Alloc, n)
			liveRows(b, func(i int) { out[i] = math.RoundToEven(x[i]) })
			return makeArray(a[0].DataType(), n, validity(ctx.Alloc, n, a[0]), buf), nil
		}}, nil
	}
	if t.Kind != types.Numeric {
		return nil, unsupportedOp(f)
	}
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		x := vals[decimal128.Num](a[0])
		s := decScale(a[0])
		buf, out := newVals[decimal128.Num](ctx.Alloc, n)
		var err error
		liveRows(b, func(i int) {
			if err != nil || !bothValid(i, a...) {
				return
			}
			places := int64(0)
			if len(a) == 2 {
				places = intAt(a[1], i)
			}
			places = max(min(places, int64(s)), int64(s)-38)
			// Round to `places`, then express at the result scale.
			r, ok := types.RescaleDecimal(x[i], s, int32(places), 38)
			if ok {
				r, ok = types.RescaleDecimal(r, int32(places), t.Scale, 38)
			}
			if !ok {
				err = types.NumericOverflow(t)
				return
			}
			out[i] = r
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return makeArray(t.ArrowType(), n, validity(ctx.Alloc, n, a...), buf), nil
	}}, nil
}

// now() is the statement start; current_date its date in the session zone.
func compileNow(f *planner.Func, args []Evaluator) (Evaluator, error) {
	date := f.Name == "current_date"
	return &nowEval{date: date}, nil
}

type nowEval struct{ date bool }

func (e *nowEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	us := ctx.Now.UnixMicro()
	if e.date {
		local := us + types.ZoneOffset(us, ctx.loc())*1000000
		d, _ := types.FloorDiv(local, usPerDay)
		return broadcast(ctx.Alloc, types.TDate, int32(d), b.NumRows()), nil
	}
	return broadcast(ctx.Alloc, types.TTimestampTZ, us, b.NumRows()), nil
}
