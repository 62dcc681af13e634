package types

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
)

// ParseText parses PostgreSQL text input for t into the planner.Literal
// value convention (int64 for all integers, float64 for floats,
// decimal128.Num scaled to t.Scale, string, int32 days, int64 µs, bool).
// timestamptz input without a zone is read as UTC; see ParseTextIn.
func ParseText(s string, t T) (any, error) { return ParseTextIn(s, t, time.UTC) }

// ParseTextIn is ParseText with the session time zone for timestamptz.
func ParseTextIn(s string, t T, loc *time.Location) (any, error) {
	if t.Alias != AliasNone && t.Kind != Array {
		return parseAlias(s, t)
	}
	switch t.Kind {
	case Bool:
		return ParseBool(s)
	case Int16, Int32, Int64:
		return ParseInt(s, t)
	case Float32, Float64:
		return ParseFloat(s, t)
	case Numeric:
		return ParseNumeric(s, t)
	case Text, Unknown:
		return s, nil
	case Varchar:
		return ParseVarchar(s, t)
	case Date:
		return ParseDate(s)
	case Timestamp:
		return ParseTimestamp(s, false, loc)
	case TimestampTZ:
		return ParseTimestamp(s, true, loc)
	case Interval:
		return ParseIntervalIn(s, t.Length)
	case Array:
		return ParseArray(s, t, loc)
	case Bytea:
		return ParseBytea(s)
	case UUID:
		return ParseUUID(s)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cannot parse values of type %s", t)
}

func badSyntax(t T, s string) error {
	return sqlerr.New(sqlerr.InvalidTextRep, "invalid input syntax for type %s: %q", inputName(t), s)
}

// inputName is the type name PostgreSQL's input functions print.
func inputName(t T) string {
	switch t.Kind {
	case Varchar:
		return "character varying"
	case Numeric:
		return "numeric"
	}
	return t.String()
}

func trimSpace(s string) string {
	return strings.Trim(s, " \t\n\r\v\f")
}

// ParseInt parses int2/int4/int8 input with range checks.
func ParseInt(s string, t T) (int64, error) {
	v := trimSpace(s)
	bitSize := 64
	switch t.Kind {
	case Int16:
		bitSize = 16
	case Int32:
		bitSize = 32
	}
	if v == "" || strings.ContainsRune(v, '_') {
		return 0, badSyntax(t, s)
	}
	n, err := strconv.ParseInt(v, 10, bitSize)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, sqlerr.New(sqlerr.NumericOutOfRange, "value %q is out of range for type %s", s, t)
		}
		return 0, badSyntax(t, s)
	}
	return n, nil
}

// ParseFloat parses real/double precision input like float4in/float8in.
func ParseFloat(s string, t T) (float64, error) {
	v := trimSpace(s)
	bitSize := 64
	if t.Kind == Float32 {
		bitSize = 32
	}
	switch strings.ToLower(v) {
	case "nan", "+nan", "-nan":
		return math.NaN(), nil
	case "infinity", "+infinity", "inf", "+inf":
		return math.Inf(1), nil
	case "-infinity", "-inf":
		return math.Inf(-1), nil
	}
	if v == "" || strings.ContainsAny(v, "_xXpPnNiI") {
		return 0, badSyntax(t, s)
	}
	f, err := strconv.ParseFloat(v, bitSize)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, sqlerr.New(sqlerr.NumericOutOfRange, "%q is out of range for type %s", v, t)
		}
		return 0, badSyntax(t, s)
	}
	if f == 0 && hasNonZeroMantissa(v) {
		// strtod reports underflow to zero as ERANGE; PostgreSQL rejects it.
		return 0, sqlerr.New(sqlerr.NumericOutOfRange, "%q is out of range for type %s", v, t)
	}
	return f, nil
}

func hasNonZeroMantissa(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == 'e' || c == 'E' {
			return false
		}
		if c >= '1' && c <= '9' {
			return true
		}
	}
	return false
}

// NumericOverflow is PostgreSQL's error for a value too wide for numeric(p,s).
func NumericOverflow(t T) error {
	e := sqlerr.New(sqlerr.NumericOutOfRange, "numeric field overflow")
	p := t.DecimalPrecision()
	if p > t.Scale {
		e.Detail = "A field with precision " + strconv.Itoa(int(p)) + ", scale " + strconv.Itoa(int(t.Scale)) +
			" must round to an absolute value less than 10^" + strconv.Itoa(int(p-t.Scale)) + "."
	} else {
		e.Detail = "A field with precision " + strconv.Itoa(int(p)) + ", scale " + strconv.Itoa(int(t.Scale)) +
			" must round to an absolute value less than 1."
	}
	return e
}

// ParseNumeric parses numeric input, rounds it half away from zero to
// t.Scale and checks it fits t's precision.
func ParseNumeric(s string, t T) (decimal128.Num, error) {
	v := trimSpace(s)
	var zero decimal128.Num
	neg := false
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	switch strings.ToLower(v) {
	case "nan", "infinity", "inf":
		return zero, sqlerr.New(sqlerr.FeatureNotSupported, "numeric %s is not supported", v)
	}
	// digits holds the significant digits; point is how many of them are
	// before the decimal point (may be negative or exceed len(digits)).
	var digits [80]byte
	nd, point, sawDigit, sawPoint := 0, 0, false, false
	i := 0
	for ; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			sawDigit = true
			if nd == 0 && c == '0' {
				if sawPoint {
					point--
				}
				continue
			}
			if nd < len(digits) {
				digits[nd] = c - '0'
				nd++
			}
			if !sawPoint {
				point++
			}
		case c == '.' && !sawPoint:
			sawPoint = true
		default:
			goto rest
		}
	}
rest:
	if !sawDigit {
		return zero, badSyntax(NumericT(0, 0), s)
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		e, err := strconv.Atoi(v[i+1:])
		if err != nil || e > 1000 || e < -1000 || strings.ContainsRune(v[i+1:], '_') {
			if err == nil {
				return zero, sqlerr.New(sqlerr.NumericOutOfRange, "value overflows numeric format")
			}
			return zero, badSyntax(NumericT(0, 0), s)
		}
		point += e
		i = len(v)
	}
	if i != len(v) {
		return zero, badSyntax(NumericT(0, 0), s)
	}
	// Keep the digits up to t.Scale places after the point, round on the next.
	keep := point + int(t.Scale)
	var m U128
	if keep > 39 {
		return zero, NumericOverflow(t)
	}
	for k := 0; k < keep; k++ {
		var d uint64
		if k < nd {
			d = uint64(digits[k])
		}
		m, _ = m.MulU64(10)
		m, _ = m.Add(U128{0, d})
	}
	if keep >= 0 && keep < nd && digits[keep] >= 5 {
		m, _ = m.Add(U128{0, 1})
	}
	if !m.FitsPrecision(t.DecimalPrecision()) {
		return zero, NumericOverflow(t)
	}
	return FromMagSign(m, neg), nil
}

// ParseBool accepts what boolin accepts: unique prefixes of true/false,
// yes/no, on/off and 1/0, in any case, with surrounding whitespace.
func ParseBool(s string) (bool, error) {
	v := strings.ToLower(trimSpace(s))
	if v != "" {
		switch {
		case strings.HasPrefix("true", v), strings.HasPrefix("yes", v), v == "1":
			return true, nil
		case strings.HasPrefix("false", v), strings.HasPrefix("no", v), v == "0":
			return false, nil
		case len(v) >= 2 && strings.HasPrefix("on", v):
			return true, nil
		case len(v) >= 2 && strings.HasPrefix("off", v):
			return false, nil
		}
	}
	return false, badSyntax(TBool, s)
}

// ParseVarchar checks the length limit of varchar(n) as an input function
// (and an implicit cast) does: the excess may only be spaces, which are cut.
func ParseVarchar(s string, t T) (string, error) {
	if t.Length == 0 || len(s) <= int(t.Length) {
		return s, nil
	}
	n := 0
	for i := range s {
		if n == int(t.Length) {
			if strings.Trim(s[i:], " ") != "" {
				return "", sqlerr.New(sqlerr.StringTruncation, "value too long for type character varying(%d)", t.Length)
			}
			return s[:i], nil
		}
		n++
	}
	return s, nil
}

// TruncateVarchar cuts s to n characters (explicit casts to varchar(n)).
func TruncateVarchar(s string, n int32) string {
	if n == 0 || len(s) <= int(n) {
		return s
	}
	if utf8.RuneCountInString(s) <= int(n) {
		return s
	}
	c := 0
	for i := range s {
		if c == int(n) {
			return s[:i]
		}
		c++
	}
	return s
}
