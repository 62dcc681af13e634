package expr

import (
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// Integer arithmetic. The loops run branch-free over every live row
// (NULL rows included: their values are garbage but masked by validity)
// and only OR together an overflow witness; when it fires, a slow pass
// finds whether a non-NULL row really overflowed, so NULL garbage never
// raises an error.

type intT interface{ ~int16 | ~int32 | ~int64 }

func intOutOfRange(t types.T) error {
	switch t.Kind {
	case types.Int16:
		return sqlerr.New(sqlerr.NumericOutOfRange, "smallint out of range")
	case types.Int32:
		return sqlerr.New(sqlerr.NumericOutOfRange, "integer out of range")
	case types.Date:
		return sqlerr.New(sqlerr.DatetimeOverflow, "date out of range")
	}
	return sqlerr.New(sqlerr.NumericOutOfRange, "bigint out of range")
}

func divByZero() error { return sqlerr.New(sqlerr.DivisionByZero, "division by zero") }

// exact computes one op in 64 bits and reports overflow for T.
func exact[T intT](op byte, a, b T) (T, bool) {
	x, y := int64(a), int64(b)
	var r int64
	switch op {
	case '+':
		r = x + y
		if int64(T(0)) == 0 && (x^r)&(y^r) < 0 {
			return 0, false
		}
	case '-':
		r = x - y
		if (x^y)&(x^r) < 0 {
			return 0, false
		}
	case '*':
		r = x * y
		if x != 0 && (r/x != y || (x == -1 && y == math.MinInt64)) {
			return 0, false
		}
	}
	return T(r), int64(T(r)) == r
}

func intArithKernel[T intT](op byte, t types.T) kernel {
	return func(ctx *Context, b batch.Batch, args []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		la, ra := args[0], args[1]
		x, y := vals[T](la), vals[T](ra)
		var buf *memory.Buffer
		var out []T
		if b.Sel == nil && (op == '+' || op == '-' || op == '*') {
			buf, out = newValsNoClear[T](ctx.Alloc, n) // every row is written
		} else {
			buf, out = newVals[T](ctx.Alloc, n)
		}
		var bad int64
		switch op {
		case '+':
			bad = addLoop(x, y, out, b.Sel)
		case '-':
			bad = subLoop(x, y, out, b.Sel)
		case '*':
			bad = mulLoop(x, y, out, b.Sel)
		case '/', '%':
			if err := divLoop(op, x, y, out, b, la, ra, t); err != nil {
				buf.Release()
				return nil, err
			}
		}
		if bad != 0 {
			var err error
			liveRows(b, func(i int) {
				if err == nil && bothValid(i, la, ra) {
					if _, ok := exact(op, x[i], y[i]); !ok {
						err = intOutOfRange(t)
					}
				}
			})
			if err != nil {
				buf.Release()
				return nil, err
			}
		}
		return makeArray(t.ArrowType(), n, validity(ctx.Alloc, n, la, ra), buf), nil
	}
}

// The loops return a nonzero witness when some row may have overflowed.
// For int16/int32 the sum is exact in int64, so narrowing and comparing
// detects overflow; for int64 the sign-bit rule does.

func addLoop[T intT](x, y, out []T, sel []int32) int64 {
	var bad int64
	m := int64(sizeMask[T]())
	if sel == nil {
		x, y = x[:len(out)], y[:len(out)]
		for i := range out {
			r := int64(x[i]) + int64(y[i])
			out[i] = T(r)
			bad |= (r ^ int64(T(r))) | ((int64(x[i]) ^ int64(T(r))) & (int64(y[i]) ^ int64(T(r))) & m)
		}
		return bad
	}
	for _, i := range sel {
		r := int64(x[i]) + int64(y[i])
		out[i] = T(r)
		bad |= (r ^ int64(T(r))) | ((int64(x[i]) ^ int64(T(r))) & (int64(y[i]) ^ int64(T(r))) & m)
	}
	return bad
}

func subLoop[T intT](x, y, out []T, sel []int32) int64 {
	var bad int64
	m := int64(sizeMask[T]())
	if sel == nil {
		x, y = x[:len(out)], y[:len(out)]
		for i := range out {
			r := int64(x[i]) - int64(y[i])
			out[i] = T(r)
			bad |= (r ^ int64(T(r))) | ((int64(x[i]) ^ int64(y[i])) & (int64(x[i]) ^ int64(T(r))) & m)
		}
		return bad
	}
	for _, i := range sel {
		r := int64(x[i]) - int64(y[i])
		out[i] = T(r)
		bad |= (r ^ int64(T(r))) | ((int64(x[i]) ^ int64(y[i])) & (int64(x[i]) ^ int64(T(r))) & m)
	}
	return bad
}

// sizeMask is the sign bit for int64 (whose overflow the narrowing test
// cannot see) and 0 for narrower types (where it is exact).
func sizeMask[T intT]() uint64 {
	var z T
	if unsafe.Sizeof(z) == 8 {
		return 1 << 63
	}
	return 0
}

func mulLoop[T intT](x, y, out []T, sel []int32) int64 {
	var bad int64
	wide := sizeMask[T]() != 0
	one := func(i int) {
		r := int64(x[i]) * int64(y[i])
		out[i] = T(r)
		bad |= r ^ int64(T(r))
		if wide {
			// |x|,|y| < 2^31 cannot overflow; otherwise check exactly.
			if uint64(int64(x[i])+(1<<31)) >= 1<<32 || uint64(int64(y[i])+(1<<31)) >= 1<<32 {
				if _, ok := exact('*', x[i], y[i]); !ok {
					bad = 1
				}
			}
		}
	}
	if sel == nil {
		for i := range out {
			one(i)
		}
		return bad
	}
	for _, i := range sel {
		one(int(i))
	}
	return bad
}

func divLoop[T intT](op byte, x, y, out []T, b batch.Batch, la, ra arrow.Array, t types.T) error {
	var err error
	liveRows(b, func(i int) {
		if err != nil {
			return
		}
		d := y[i]
		if d == 0 {
			if bothValid(i, la, ra) {
				err = divByZero()
			}
			return
		}
		if d == -1 {
			// MinInt / -1 overflows; MinInt % -1 is 0 in PostgreSQL.
			if op == '%' {
				out[i] = 0
				return
			}
			r := -int64(x[i])
			if int64(T(r)) != r || (sizeMask[T]() != 0 && int64(x[i]) == math.MinInt64) {
				if bothValid(i, la, ra) {
					err = intOutOfRange(t)
				}
				return
			}
			out[i] = T(r)
			return
		}
		if op == '/' {
			out[i] = x[i] / d
		} else {
			out[i] = x[i] % d
		}
	})
	return err
}

func intNegKernel[T intT](t types.T) kernel {
	return func(ctx *Context, b batch.Batch, args []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		a := args[0]
		x := vals[T](a)
		buf, out := newVals[T](ctx.Alloc, n)
		var err error
		liveRows(b, func(i int) {
			r := -int64(x[i])
			if int64(T(r)) != r || (sizeMask[T]() != 0 && int64(x[i]) == math.MinInt64) {
				if err == nil && isValid(a, i) {
					err = intOutOfRange(t)
				}
				return
			}
			out[i] = T(r)
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return makeArray(a.DataType(), n, validity(ctx.Alloc, n, a), buf), nil
	}
}
