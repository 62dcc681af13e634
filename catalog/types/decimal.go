package types

import (
	"math/bits"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Exact decimal helpers on decimal128.Num without math/big: numerics are
// carried as sign + 128-bit magnitude, which is all PostgreSQL's rounding
// and precision rules need, and keeps per-value work allocation free.

// U128 is an unsigned 128-bit magnitude.
type U128 struct{ Hi, Lo uint64 }

// pow10U64[k] = 10^k for k <= 19.
var pow10U64 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < 20; i++ {
		p[i] = p[i-1] * 10
	}
	return
}()

// pow10U128[k] = 10^k for k <= 38.
var pow10U128 = func() (p [39]U128) {
	p[0] = U128{0, 1}
	for i := 1; i < 39; i++ {
		p[i], _ = p[i-1].MulU64(10)
	}
	return
}()

// Pow10 returns 10^k as a U128 (0 <= k <= 38).
func Pow10(k int32) U128 { return pow10U128[k] }

// MagSign splits n into magnitude and sign (true = negative).
func MagSign(n decimal128.Num) (U128, bool) {
	hi, lo := uint64(n.HighBits()), n.LowBits()
	if int64(hi) < 0 {
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
		return U128{hi, lo}, true
	}
	return U128{hi, lo}, false
}

// FromMagSign rebuilds a Num from a magnitude below 2^127 and a sign.
func FromMagSign(m U128, neg bool) decimal128.Num {
	n := decimal128.New(int64(m.Hi), m.Lo)
	if neg {
		return n.Negate()
	}
	return n
}

// Less compares magnitudes.
func (a U128) Less(b U128) bool { return a.Hi < b.Hi || (a.Hi == b.Hi && a.Lo < b.Lo) }

// IsZero reports a == 0.
func (a U128) IsZero() bool { return a.Hi == 0 && a.Lo == 0 }

// MulU64 returns a*m and whether it overflowed 128 bits.
func (a U128) MulU64(m uint64) (U128, bool) {
	h1, l1 := bits.Mul64(a.Lo, m)
	h2, l2 := bits.Mul64(a.Hi, m)
	hi, c := bits.Add64(h1, l2, 0)
	return U128{hi, l1}, h2 != 0 || c != 0
}

// Add returns a+b and whether it overflowed.
func (a U128) Add(b U128) (U128, bool) {
	lo, c := bits.Add64(a.Lo, b.Lo, 0)
	hi, c2 := bits.Add64(a.Hi, b.Hi, c)
	return U128{hi, lo}, c2 != 0
}

// Sub returns a-b (a >= b).
func (a U128) Sub(b U128) U128 {
	lo, c := bits.Sub64(a.Lo, b.Lo, 0)
	hi, _ := bits.Sub64(a.Hi, b.Hi, c)
	return U128{hi, lo}
}

// DivU64 returns a/d and a%d.
func (a U128) DivU64(d uint64) (U128, uint64) {
	qhi := a.Hi / d
	r := a.Hi % d
	qlo, r := bits.Div64(r, a.Lo, d)
	return U128{qhi, qlo}, r
}

// MulPow10 multiplies by 10^k, reporting overflow beyond 128 bits.
func (a U128) MulPow10(k int32) (U128, bool) {
	for k > 0 {
		s := k
		if s > 19 {
			s = 19
		}
		var ov bool
		a, ov = a.MulU64(pow10U64[s])
		if ov {
			return a, true
		}
		k -= s
	}
	return a, false
}

// DivPow10Round divides by 10^k rounding half away from zero (on the
// magnitude, so the sign is handled by the caller).
func (a U128) DivPow10Round(k int32) U128 {
	if k <= 0 {
		return a
	}
	k--
	for k > 0 {
		s := k
		if s > 19 {
			s = 19
		}
		a, _ = a.DivU64(pow10U64[s])
		k -= s
	}
	q, r := a.DivU64(10)
	if r >= 5 {
		q, _ = q.Add(U128{0, 1})
	}
	return q
}

// FitsPrecision reports whether a < 10^p.
func (a U128) FitsPrecision(p int32) bool { return a.Less(pow10U128[p]) }

// RescaleDecimal converts n from scale `from` to scale `to`, rounding half
// away from zero, and reports false when the result needs more than prec
// digits (prec 0 means 38).
func RescaleDecimal(n decimal128.Num, from, to, prec int32) (decimal128.Num, bool) {
	if prec == 0 {
		prec = NumericMaxPrecision
	}
	m, neg := MagSign(n)
	switch {
	case to > from:
		var ov bool
		if m, ov = m.MulPow10(to - from); ov {
			return n, false
		}
	case to < from:
		m = m.DivPow10Round(from - to)
	}
	if !m.FitsPrecision(prec) {
		return n, false
	}
	return FromMagSign(m, neg), true
}

// AppendU128 appends the decimal digits of a.
func AppendU128(dst []byte, a U128) []byte {
	if a.Hi == 0 {
		return strconv.AppendUint(dst, a.Lo, 10)
	}
	// Peel off 19-digit chunks, least significant first.
	var chunks [3]uint64
	n := 0
	for a.Hi != 0 {
		var r uint64
		a, r = a.DivU64(pow10U64[19])
		chunks[n] = r
		n++
	}
	dst = strconv.AppendUint(dst, a.Lo, 10)
	var buf [19]byte
	for n > 0 {
		n--
		s := strconv.AppendUint(buf[:0], chunks[n], 10)
		for i := len(s); i < 19; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, s...)
	}
	return dst
}

// AppendDecimal appends n at the given scale; trim drops trailing
// fractional zeros (and the point when nothing is left after it).
func AppendDecimal(dst []byte, n decimal128.Num, scale int32, trim bool) []byte {
	m, neg := MagSign(n)
	var buf [48]byte
	digits := AppendU128(buf[:0], m)
	if neg {
		dst = append(dst, '-')
	}
	if scale <= 0 {
		return append(dst, digits...)
	}
	s := int(scale)
	if len(digits) <= s {
		dst = append(dst, '0')
		frac := make([]byte, 0, s)
		for i := len(digits); i < s; i++ {
			frac = append(frac, '0')
		}
		frac = append(frac, digits...)
		return appendFrac(dst, frac, trim)
	}
	dst = append(dst, digits[:len(digits)-s]...)
	return appendFrac(dst, digits[len(digits)-s:], trim)
}

func appendFrac(dst, frac []byte, trim bool) []byte {
	if trim {
		for len(frac) > 0 && frac[len(frac)-1] == '0' {
			frac = frac[:len(frac)-1]
		}
	}
	if len(frac) == 0 {
		return dst
	}
	dst = append(dst, '.')
	return append(dst, frac...)
}
