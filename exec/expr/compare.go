package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileCompare, "=", "<>", "<", "<=", ">", ">=")
}

// mirror is the operator with its operands swapped.
var mirror = map[string]string{"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

//go:generate go run gen_compare_loops.go

type vvLoop[T any] func(x, y []T, n int, out []byte, sel []int32)
type vcLoop[T any] func(x []T, c T, n int, out []byte, sel []int32)

type loopSet[T any] struct {
	eq, lt, le         vvLoop[T]
	ceq, clt, cle, cgt vcLoop[T]
	cge                vcLoop[T]
}

func ordLoops[T ordT]() loopSet[T] {
	return loopSet[T]{cmpVVEqOrd[T], cmpVVLtOrd[T], cmpVVLeOrd[T],
		cmpVCEqOrd[T], cmpVCLtOrd[T], cmpVCLeOrd[T], cmpVCGtOrd[T], cmpVCGeOrd[T]}
}

func fltLoops[T floatT]() loopSet[T] {
	return loopSet[T]{cmpVVEqFlt[T], cmpVVLtFlt[T], cmpVVLeFlt[T],
		cmpVCEqFlt[T], cmpVCLtFlt[T], cmpVCLeFlt[T], cmpVCGtFlt[T], cmpVCGeFlt[T]}
}

var decLoops = loopSet[decimal128.Num]{cmpVVEqDec, cmpVVLtDec, cmpVVLeDec,
	cmpVCEqDec, cmpVCLtDec, cmpVCLeDec, cmpVCGtDec, cmpVCGeDec}

func invertBits(b []byte) {
	for i := range b {
		b[i] = ^b[i]
	}
}

func compileCompare(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 2 {
		return nil, wrongArgs(f)
	}
	op := f.Name
	l, r := f.Args[0], f.Args[1]
	// Put a constant on the right so one loop shape serves both sides.
	if _, ok := l.(*planner.Literal); ok {
		if _, ok := r.(*planner.Literal); !ok {
			l, r, op = r, l, mirror[op]
			args = []Evaluator{args[1], args[0]}
		}
	}
	lit, _ := r.(*planner.Literal)
	if lit != nil && lit.Value == nil {
		return &constEval{v: nil, t: types.TBool}, nil
	}
	t := l.Type()
	switch t.Kind {
	case types.Int16:
		return cmpFixed(op, args, lit, ordLoops[int16](), func(v any) int16 { return int16(v.(int64)) }), nil
	case types.Int32:
		return cmpFixed(op, args, lit, ordLoops[int32](), func(v any) int32 { return int32(v.(int64)) }), nil
	case types.Int64, types.Timestamp, types.TimestampTZ:
		return cmpFixed(op, args, lit, ordLoops[int64](), func(v any) int64 { return v.(int64) }), nil
	case types.Date:
		return cmpFixed(op, args, lit, ordLoops[int32](), func(v any) int32 { return v.(int32) }), nil
	case types.Float32:
		return cmpFixed(op, args, lit, fltLoops[float32](), func(v any) float32 { return float32(v.(float64)) }), nil
	case types.Float64:
		return cmpFixed(op, args, lit, fltLoops[float64](), func(v any) float64 { return v.(float64) }), nil
	case types.Numeric:
		return cmpFixed(op, args, lit, decLoops, func(v any) decimal128.Num { return v.(decimal128.Num) }), nil
	case types.Text, types.Varchar, types.Unknown, types.Bytea, types.UUID:
		// bytea compares bytewise and canonical uuid text sorts as its bytes.
		if c, ok := litString(lit); ok {
			return &cmpTextConstEval{arg: args[0], c: c, op: op}, nil
		}
		return &strictEval{args, cmpRowKernel(op, func(a, b arrow.Array, i int) int {
			return strings.Compare(a.(*array.String).Value(i), b.(*array.String).Value(i))
		})}, nil
	case types.Bool:
		return &strictEval{args, cmpRowKernel(op, func(a, b arrow.Array, i int) int {
			return int(b2u(a.(*array.Boolean).Value(i))) - int(b2u(b.(*array.Boolean).Value(i)))
		})}, nil
	}
	return nil, unsupportedOp(f)
}

// cmpFixed picks the vector-vector or vector-constant loop once, at compile time.
func cmpFixed[T fixed](op string, args []Evaluator, lit *planner.Literal, ls loopSet[T], conv func(any) T) Evaluator {
	if lit != nil {
		e := &cmpConstEval[T]{arg: args[0], c: conv(lit.Value)}
		switch op {
		case "=":
			e.loop = ls.ceq
		case "<>":
			e.loop, e.invert = ls.ceq, true
		case "<":
			e.loop = ls.clt
		case "<=":
			e.loop = ls.cle
		case ">":
			e.loop = ls.cgt
		case ">=":
			e.loop = ls.cge
		}
		return e
	}
	var loop vvLoop[T]
	swap, invert := false, false
	switch op {
	case "=":
		loop = ls.eq
	case "<>":
		loop, invert = ls.eq, true
	case "<":
		loop = ls.lt
	case "<=":
		loop = ls.le
	case ">":
		loop, swap = ls.lt, true
	case ">=":
		loop, swap = ls.le, true
	}
	return &strictEval{args, func(ctx *Context, b batch.Batch, arrs []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		x, y := vals[T](arrs[0]), vals[T](arrs[1])
		if swap {
			x, y = y, x
		}
		buf, out := newBits(ctx.Alloc, n)
		loop(x, y, n, out, b.Sel)
		if invert {
			invertBits(out)
		}
		return boolResult(n, validity(ctx.Alloc, n, arrs...), buf), nil
	}}
}

type cmpConstEval[T fixed] struct {
	arg    Evaluator
	c      T
	loop   vcLoop[T]
	invert bool
}

func (e *cmpConstEval[T]) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	a, err := e.arg.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	n := b.NumRows()
	buf, out := newBits(ctx.Alloc, n)
	e.loop(vals[T](a), e.c, n, out, b.Sel)
	if e.invert {
		invertBits(out)
	}
	return boolResult(n, validity(ctx.Alloc, n, a), buf), nil
}

// cmpRowKernel compares row by row through a three-way comparison (text,
// bool), where the per-row work dwarfs the call.
func cmpRowKernel(op string, cmp func(a, b arrow.Array, i int) int) kernel {
	return func(ctx *Context, b batch.Batch, arrs []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newBits(ctx.Alloc, n)
		x, y := arrs[0], arrs[1]
		liveRows(b, func(i int) {
			if !bothValid(i, x, y) {
				return
			}
			if cmpResult(op, cmp(x, y, i)) {
				bitutil.SetBit(out, i)
			}
		})
		return boolResult(n, validity(ctx.Alloc, n, arrs...), buf), nil
	}
}

// litString is a text constant's value.
func litString(lit *planner.Literal) (string, bool) {
	if lit == nil {
		return "", false
	}
	s, ok := lit.Value.(string)
	return s, ok
}

func cmpResult(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}
