package expr

import (
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The int64 fast path of numeric + - *. Decimals travel as decimal128 but
// almost every value a query meets (money, quantities, rates) fits in 64
// bits. One branch-free pass over the batch computes every row with int64
// arithmetic and ORs together, per row, whether an operand did not fit in
// 64 bits or the result overflowed; only if that flag is set does the batch
// go down the exact 128-bit path instead. NULL and unselected rows compute
// harmless values the validity bitmap hides (their flag counts too, which
// can only send a batch to the exact path). No per-value precision check
// is needed: a 64-bit result has at most 19 digits, within the 38 of the
// result type.

// wide reports (as a nonzero word) a value that does not fit in int64: its
// high word is not the low word's sign extension.
func wide(v decimal128.Num) int64 { return v.HighBits() ^ (int64(v.LowBits()) >> 63) }

// decArithInt64 computes out = x op y over all rows, the operands already
// at the result scale (same scales for + -, scales summing to the
// result's for *). It reports false when some row needs the 128-bit path;
// out then holds garbage the caller overwrites.
func decArithInt64(op byte, x, y, out []decimal128.Num) bool {
	y = y[:len(x)]
	out = out[:len(x)]
	var bad int64
	switch op {
	case '+':
		for i := range x {
			a, b := int64(x[i].LowBits()), int64(y[i].LowBits())
			r := a + b
			bad |= wide(x[i]) | wide(y[i]) | ((a^r)&(b^r))>>63 // result's sign unlike both operands': overflow
			out[i] = decimal128.FromI64(r)
		}
	case '-':
		for i := range x {
			a, b := int64(x[i].LowBits()), int64(y[i].LowBits())
			r := a - b
			bad |= wide(x[i]) | wide(y[i]) | ((a^b)&(a^r))>>63
			out[i] = decimal128.FromI64(r)
		}
	case '*':
		for i := range x {
			a, b := int64(x[i].LowBits()), int64(y[i].LowBits())
			hi, lo := bits.Mul64(abs64(a), abs64(b))
			// |a·b| must stay below 2^63 (so -2^63 itself goes the exact way).
			bad |= wide(x[i]) | wide(y[i]) | int64(hi) | int64(lo>>63)
			out[i] = decimal128.FromI64(a * b)
		}
	default:
		return false
	}
	return bad == 0
}

// abs64 is |v| as uint64 (math.MinInt64 gives 2^63).
func abs64(v int64) uint64 {
	m := v >> 63
	return uint64((v ^ m) - m)
}
