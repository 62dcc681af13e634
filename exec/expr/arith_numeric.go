package expr

import (
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// Numeric arithmetic on decimal128 at the result type's scale. + and - are
// plain 128-bit ops; * multiplies into 256 bits and rounds back, both
// without math/big; / and % (rarer, and needing wide division) use
// math/big with the big.Ints allocated once per batch.

func decScale(a arrow.Array) int32 { return a.DataType().(*arrow.Decimal128Type).Scale }

func numericArithKernel(op byte, t types.T) kernel {
	return func(ctx *Context, b batch.Batch, args []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		la, ra := args[0], args[1]
		x, y := vals[decimal128.Num](la), vals[decimal128.Num](ra)
		sa, sb := decScale(la), decScale(ra)
		buf, out := newValsNoClear[decimal128.Num](ctx.Alloc, n)
		if fastInt64(op, sa, sb, t) && decArithInt64(op, x, y, out) {
			return makeArray(t.ArrowType(), n, validity(ctx.Alloc, n, la, ra), buf), nil
		}
		clear(out)
		var err error
		var bw bigWork
		liveRows(b, func(i int) {
			if err != nil || !bothValid(i, la, ra) {
				return
			}
			var r decimal128.Num
			var ok bool
			switch op {
			case '+', '-':
				r, ok = decAddSub(op, x[i], y[i], sa, sb, t.Scale)
			case '*':
				r, ok = decMul(x[i], y[i], sa+sb, t.Scale)
			case '/', '%':
				if y[i] == (decimal128.Num{}) {
					err = divByZero()
					return
				}
				r, ok = bw.divMod(op, x[i], y[i], sa, sb, t.Scale)
			}
			if !ok || !fitsDec(r, t) {
				err = types.NumericOverflow(t)
				return
			}
			out[i] = r
		})
		if err != nil {
			buf.Release()
			return nil, err
		}
		return makeArray(t.ArrowType(), n, validity(ctx.Alloc, n, la, ra), buf), nil
	}
}

// fastInt64 reports whether op at these scales needs no rescaling, so the
// int64 path applies when the values are small enough, and whether the
// result type holds any 64-bit value (19 digits).
func fastInt64(op byte, sa, sb int32, t types.T) bool {
	if t.DecimalPrecision() < 19 {
		return false
	}
	switch op {
	case '+', '-':
		return sa == sb && sa == t.Scale
	case '*':
		return sa+sb == t.Scale
	}
	return false
}

func fitsDec(r decimal128.Num, t types.T) bool {
	m, _ := types.MagSign(r)
	return m.FitsPrecision(t.DecimalPrecision())
}

func decAddSub(op byte, a, b decimal128.Num, sa, sb, s int32) (decimal128.Num, bool) {
	if sa != sb {
		// The binder aligns scales; stay correct if it did not.
		c := max(sa, sb)
		var ok bool
		if a, ok = types.RescaleDecimal(a, sa, c, 38); !ok {
			return a, false
		}
		if b, ok = types.RescaleDecimal(b, sb, c, 38); !ok {
			return b, false
		}
		sa = c
	}
	if op == '-' {
		b = b.Negate()
	}
	r := a.Add(b)
	// Same signs in, other sign out: the 128-bit sum wrapped.
	if (a.Sign() >= 0) == (b.Sign() >= 0) && (r.Sign() >= 0) != (a.Sign() >= 0) {
		return r, false
	}
	if sa != s {
		return types.RescaleDecimal(r, sa, s, 38)
	}
	return r, true
}

// u256 is a little-endian 256-bit magnitude.
type u256 [4]uint64

func mul128(a, b types.U128) u256 {
	var r u256
	h, l := bits.Mul64(a.Lo, b.Lo)
	r[0] = l
	r[1] = h
	h, l = bits.Mul64(a.Lo, b.Hi)
	var c uint64
	r[1], c = bits.Add64(r[1], l, 0)
	r[2], c = bits.Add64(r[2], h, c)
	r[3] += c
	h, l = bits.Mul64(a.Hi, b.Lo)
	r[1], c = bits.Add64(r[1], l, 0)
	r[2], c = bits.Add64(r[2], h, c)
	r[3] += c
	h, l = bits.Mul64(a.Hi, b.Hi)
	r[2], c = bits.Add64(r[2], l, 0)
	r[3], _ = bits.Add64(r[3], h, c)
	return r
}

func (a u256) divU64(d uint64) (u256, uint64) {
	var q u256
	var r uint64
	for i := 3; i >= 0; i-- {
		q[i], r = bits.Div64(r, a[i], d)
	}
	return q, r
}

var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < 20; i++ {
		p[i] = p[i-1] * 10
	}
	return
}()

// decMul multiplies and rounds from scale from (the sum of the operand
// scales) to scale to, half away from zero.
func decMul(a, b decimal128.Num, from, to int32) (decimal128.Num, bool) {
	ma, na := types.MagSign(a)
	mb, nb := types.MagSign(b)
	p := mul128(ma, mb)
	if from > to {
		k := from - to - 1
		for k > 0 {
			s := min(k, 19)
			p, _ = p.divU64(pow10[s])
			k -= s
		}
		var d uint64
		p, d = p.divU64(10)
		if d >= 5 {
			var c uint64
			for i := 0; i < 4; i++ {
				p[i], c = bits.Add64(p[i], 0, boolU(i == 0)+c)
				if c == 0 {
					break
				}
			}
		}
	}
	if p[2] != 0 || p[3] != 0 || p[1]>>63 != 0 {
		return decimal128.Num{}, false
	}
	m := types.U128{Hi: p[1], Lo: p[0]}
	if from < to {
		var ov bool
		if m, ov = m.MulPow10(to - from); ov || m.Hi>>63 != 0 {
			return decimal128.Num{}, false
		}
	}
	return types.FromMagSign(m, na != nb), true
}

func boolU(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// bigWork holds reusable big.Ints for one batch (not shared: evaluators
// stay stateless; this lives on the Eval call's stack).
type bigWork struct {
	n, d, q, r, t big.Int
	ten           big.Int
}

func (w *bigWork) pow10(k int32) *big.Int {
	w.ten.SetInt64(10)
	return w.t.Exp(&w.ten, big.NewInt(int64(k)), nil)
}

func (w *bigWork) divMod(op byte, a, b decimal128.Num, sa, sb, s int32) (decimal128.Num, bool) {
	w.n.Set(a.BigInt())
	w.d.Set(b.BigInt())
	if op == '/' {
		// a/b at scale s = round(a·10^(s+sb-sa) / b).
		if e := s + sb - sa; e > 0 {
			w.n.Mul(&w.n, w.pow10(e))
		} else if e < 0 {
			w.d.Mul(&w.d, w.pow10(-e))
		}
		w.q.QuoRem(&w.n, &w.d, &w.r)
		w.r.Abs(&w.r).Lsh(&w.r, 1)
		if w.r.CmpAbs(&w.d) >= 0 {
			if (w.n.Sign() < 0) != (w.d.Sign() < 0) {
				w.q.Sub(&w.q, big.NewInt(1))
			} else {
				w.q.Add(&w.q, big.NewInt(1))
			}
		}
		if w.q.BitLen() > 126 {
			return decimal128.Num{}, false
		}
		return decimal128.FromBigInt(&w.q), true
	}
	// a % b: exact at the common scale, sign of the dividend (truncation).
	c := max(sa, sb)
	if c > sa {
		w.n.Mul(&w.n, w.pow10(c-sa))
	}
	if c > sb {
		w.d.Mul(&w.d, w.pow10(c-sb))
	}
	w.r.Rem(&w.n, &w.d)
	if w.r.BitLen() > 126 {
		return decimal128.Num{}, false
	}
	return types.RescaleDecimal(decimal128.FromBigInt(&w.r), c, s, 38)
}

func numericNegKernel(ctx *Context, b batch.Batch, args []arrow.Array) (arrow.Array, error) {
	n := b.NumRows()
	a := args[0]
	x := vals[decimal128.Num](a)
	buf, out := newVals[decimal128.Num](ctx.Alloc, n)
	liveRows(b, func(i int) { out[i] = x[i].Negate() })
	return makeArray(a.DataType(), n, validity(ctx.Alloc, n, a), buf), nil
}
