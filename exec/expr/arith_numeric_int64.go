package expr

import (
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The int64 fast path of numeric + - *. Decimals travel as decimal128 but
// almost every value a query meets (money, quantities, rates) fits in 64
// bits. One pass per batch finds each operand's largest magnitude; when
// that bound proves no result can overflow 64 bits, the whole batch is
// computed with plain int64 arithmetic, branch-free over every row (NULL
// and unselected rows compute harmless values the validity bitmap hides),
// and needs no per-value precision check: a 64-bit result has at most 19
// digits, within the 38 of the result type. Otherwise the exact 128-bit
// path runs as before.

// int64Bound reports the largest magnitude in x when every value fits in
// int64 (the high word is the low word's sign extension).
func int64Bound(x []decimal128.Num) (maxAbs uint64, ok bool) {
	var bad int64 // ORed, so the loop has no data-dependent exit
	for _, v := range x {
		lo := int64(v.LowBits())
		bad |= v.HighBits() ^ (lo >> 63)
		m := uint64(lo)
		if lo < 0 {
			m = uint64(-lo)
		}
		maxAbs = max(maxAbs, m)
	}
	return maxAbs, bad == 0
}

// decArithInt64 computes out = x op y over all rows when op's result
// (already at the result scale: same scales for + -, scales summing to the
// result's for *) provably fits in int64; it reports false, leaving out
// untouched, when it does not.
func decArithInt64(op byte, x, y, out []decimal128.Num) bool {
	bx, okx := int64Bound(x)
	if !okx {
		return false
	}
	by, oky := int64Bound(y)
	if !oky {
		return false
	}
	switch op {
	case '+', '-':
		if bx >= 1<<62 || by >= 1<<62 {
			return false
		}
		y = y[:len(x)]
		out = out[:len(x)]
		if op == '+' {
			for i := range x {
				out[i] = decimal128.FromI64(int64(x[i].LowBits()) + int64(y[i].LowBits()))
			}
		} else {
			for i := range x {
				out[i] = decimal128.FromI64(int64(x[i].LowBits()) - int64(y[i].LowBits()))
			}
		}
		return true
	case '*':
		if hi, lo := bits.Mul64(bx, by); hi != 0 || lo >= 1<<63 {
			return false
		}
		y = y[:len(x)]
		out = out[:len(x)]
		for i := range x {
			out[i] = decimal128.FromI64(int64(x[i].LowBits()) * int64(y[i].LowBits()))
		}
		return true
	}
	return false
}
