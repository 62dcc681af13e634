package types

import (
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Special values PostgreSQL keeps at the ends of the date and timestamp
// ranges ('infinity' and '-infinity'); Lode uses the same sentinels.
const (
	DateNegInfinity = math.MinInt32
	DateInfinity    = math.MaxInt32
	TsNegInfinity   = math.MinInt64
	TsInfinity      = math.MaxInt64
)

// AppendText appends PostgreSQL 15's text output (DateStyle ISO,
// extra_float_digits 1) of the non-NULL value arr[i] of type t. Timestamps
// with time zone are shown in loc (nil = UTC).
func AppendText(dst []byte, arr arrow.Array, i int, t T, loc *time.Location) []byte {
	if t.Kind == Bytea {
		return AppendByteaHex(dst, arr.(*array.String).Value(i))
	}
	switch a := arr.(type) {
	case *array.Boolean:
		if a.Value(i) {
			return append(dst, 't')
		}
		return append(dst, 'f')
	case *array.Int16:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.AppendInt(dst, a.Value(i), 10)
	case *array.Float32:
		return AppendFloat4(dst, a.Value(i))
	case *array.Float64:
		return AppendFloat8(dst, a.Value(i))
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return AppendDecimal(dst, a.Value(i), scale, t.Kind == Numeric && t.Precision == 0)
	case *array.String:
		return append(dst, a.Value(i)...)
	case *array.Date32:
		return AppendDate(dst, int32(a.Value(i)))
	case *array.MonthDayNanoInterval:
		return AppendInterval(dst, IntervalFromArrow(a.Value(i)))
	case *array.List:
		return AppendArray(dst, a, i, t, loc)
	case *array.Timestamp:
		if t.Kind == TimestampTZ || (t.Kind != Timestamp && a.DataType().(*arrow.TimestampType).TimeZone != "") {
			return AppendTimestampTZ(dst, int64(a.Value(i)), loc)
		}
		return AppendTimestamp(dst, int64(a.Value(i)))
	}
	return append(dst, arr.ValueStr(i)...)
}

// AppendFloat8 prints like float8out: shortest round-trip digits, fixed
// notation for decimal exponents in [-4, 15), else exponent notation.
func AppendFloat8(dst []byte, f float64) []byte { return appendFloat(dst, f, 64, 15) }

// AppendFloat4 prints like float4out (fixed for exponents in [-4, 6)).
func AppendFloat4(dst []byte, f float32) []byte { return appendFloat(dst, float64(f), 32, 6) }

func appendFloat(dst []byte, f float64, bitSize, maxExp int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	// The decimal exponent of the shortest representation decides the
	// notation, exactly as PostgreSQL's Ryu-based output does.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bitSize)
	exp := 0
	for j := len(e) - 1; j >= 0; j-- {
		if e[j] == 'e' {
			exp, _ = strconv.Atoi(string(e[j+1:]))
			break
		}
	}
	e = fixTie(e, f, bitSize)
	if exp < -4 || exp >= maxExp {

		return append(dst, e...)
	}
	// Fixed notation with the digits chosen above.
	return appendFixed(dst, e)
}

// fixTie: Go's shortest digits may name the exact midpoint between two
// floats (reading back rounds the tie to even); the Ryu code in PostgreSQL
// excludes that boundary and prints more digits. A decimal with at most 17
// (9) digits can only hit a midpoint when the spacing of floats is at least
// about 1, so smaller values skip the exact check.
func fixTie(e []byte, f float64, bitSize int) []byte {
	a := math.Abs(f)
	if (bitSize == 64 && a < 1<<50) || (bitSize == 32 && a < 1<<20) || math.IsInf(f, 0) {
		return e
	}
	for p := 0; p < 20; p++ {
		x, _, err := big.ParseFloat(string(e), 10, 256, big.ToNearestEven)
		if err != nil {
			return e
		}
		exact := new(big.Float).SetPrec(256).SetFloat64(f)
		if x.Cmp(exact) == 0 {
			return e
		}
		var nb float64
		if x.Cmp(exact) > 0 {
			nb = nextUp(f, bitSize, true)
		} else {
			nb = nextUp(f, bitSize, false)
		}
		mid := new(big.Float).SetPrec(256).SetFloat64(nb)
		mid.Add(mid, exact)
		mid.SetMantExp(mid, -1)
		if x.Cmp(mid) != 0 {
			return e
		}
		digits := 0
		for _, c := range e {
			if c == 'e' {
				break
			}
			if c >= '0' && c <= '9' {
				digits++
			}
		}
		e = strconv.AppendFloat(nil, f, 'e', digits, bitSize)
	}
	return e
}

func nextUp(f float64, bitSize int, up bool) float64 {
	dir := math.Inf(-1)
	if up {
		dir = math.Inf(1)
	}
	if bitSize == 32 {
		return float64(math.Nextafter32(float32(f), float32(dir)))
	}
	return math.Nextafter(f, dir)
}

// appendFixed rewrites "d.ddde±XX" in positional notation.
func appendFixed(dst, e []byte) []byte {
	i := 0
	for e[i] != 'e' {
		i++
	}
	exp, _ := strconv.Atoi(string(e[i+1:]))
	mant := e[:i]
	if mant[0] == '-' {
		dst = append(dst, '-')
		mant = mant[1:]
	}
	var digits []byte
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	point := exp + 1 // digits before the point
	switch {
	case point <= 0:
		dst = append(dst, '0', '.')
		for ; point < 0; point++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	case point >= len(digits):
		dst = append(dst, digits...)
		for k := len(digits); k < point; k++ {
			dst = append(dst, '0')
		}
		return dst
	}
	dst = append(dst, digits[:point]...)
	dst = append(dst, '.')
	return append(dst, digits[point:]...)
}
