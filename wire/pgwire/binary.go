package pgwire

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// PostgreSQL's binary formats count dates and timestamps from 2000-01-01;
// Arrow's from 1970-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = int64(pgEpochDays) * 86400 * 1000000
)

// appendBinary appends the binary (send-function) encoding of the non-NULL
// value arr[i]. Every Arrow type Lode returns has one; anything else falls
// back to its text form, which for text-like types is also the binary form.
func appendBinary(dst []byte, arr arrow.Array, i int, t types.T, loc *time.Location) []byte {
	switch {
	case t.Kind == types.UUID:
		u := types.UUIDBytes(arr.(*array.String).Value(i))
		return append(dst, u[:]...)
	case t.Alias == types.AliasOID && t.Kind == types.Int64:
		return binary.BigEndian.AppendUint32(dst, uint32(arr.(*array.Int64).Value(i)))
	case t.Alias == types.AliasJSONB && t.Kind == types.Text:
		dst = append(dst, jsonbVersion)
	}
	// bytea's binary form is its bytes: the string case below.
	switch a := arr.(type) {
	case *array.Boolean:
		if a.Value(i) {
			return append(dst, 1)
		}
		return append(dst, 0)
	case *array.Int16:
		return binary.BigEndian.AppendUint16(dst, uint16(a.Value(i)))
	case *array.Int32:
		return binary.BigEndian.AppendUint32(dst, uint32(a.Value(i)))
	case *array.Int64:
		return binary.BigEndian.AppendUint64(dst, uint64(a.Value(i)))
	case *array.Float32:
		return binary.BigEndian.AppendUint32(dst, math.Float32bits(a.Value(i)))
	case *array.Float64:
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(a.Value(i)))
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return appendNumericBinary(dst, a.Value(i), scale)
	case *array.String:
		return append(dst, a.Value(i)...)
	case *array.Date32:
		return binary.BigEndian.AppendUint32(dst, uint32(int32(a.Value(i))-pgEpochDays))
	case *array.Timestamp:
		return binary.BigEndian.AppendUint64(dst, uint64(int64(a.Value(i))-pgEpochMicros))
	case *array.List:
		return appendArrayBinary(dst, a, i, t, loc)
	case *array.MonthDayNanoInterval:
		// interval_send: microseconds (int64), days (int32), months (int32).
		iv := types.IntervalFromArrow(a.Value(i))
		dst = binary.BigEndian.AppendUint64(dst, uint64(iv.Micros))
		dst = binary.BigEndian.AppendUint32(dst, uint32(iv.Days))
		return binary.BigEndian.AppendUint32(dst, uint32(iv.Months))
	}
	return types.AppendText(dst, arr, i, t, loc)
}

// appendArrayBinary encodes a one-dimensional array as array_send does:
// ndim, has-NULLs flag, element OID, (length, lower bound 1) for the
// dimension, then each element as a length-prefixed binary value (-1 for
// NULL). An empty array has no dimensions.
func appendArrayBinary(dst []byte, a *array.List, i int, t types.T, loc *time.Location) []byte {
	et := t.ElemT()
	if t.Kind != types.Array {
		et, _ = types.FromArrow(a.DataType().(*arrow.ListType).Elem())
	}
	start, end := a.ValueOffsets(i)
	vals := a.ListValues()
	hasNull := uint32(0)
	for j := start; j < end; j++ {
		if vals.IsNull(int(j)) {
			hasNull = 1
		}
	}
	ndim := uint32(1)
	if start == end {
		ndim = 0
	}
	dst = binary.BigEndian.AppendUint32(dst, ndim)
	dst = binary.BigEndian.AppendUint32(dst, hasNull)
	dst = binary.BigEndian.AppendUint32(dst, et.OID())
	if ndim == 1 {
		dst = binary.BigEndian.AppendUint32(dst, uint32(end-start))
		dst = binary.BigEndian.AppendUint32(dst, 1)
	}
	for j := start; j < end; j++ {
		if vals.IsNull(int(j)) {
			dst = binary.BigEndian.AppendUint32(dst, math.MaxUint32) // -1
			continue
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		dst = appendBinary(dst, vals, int(j), et, loc)
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst
}

// appendNumericBinary encodes n/10^scale as numeric_send does: base-10000
// digit groups with a weight, a sign word and the display scale.
func appendNumericBinary(dst []byte, n decimal128.Num, scale int32) []byte {
	mag, neg := types.MagSign(n)
	s := string(types.AppendU128(nil, mag))
	if int32(len(s)) <= scale {
		s = strings.Repeat("0", int(scale)-len(s)+1) + s
	}
	intPart, frac := s[:len(s)-int(scale)], s[len(s)-int(scale):]
	if pad := (4 - len(intPart)%4) % 4; pad > 0 {
		intPart = strings.Repeat("0", pad) + intPart
	}
	if pad := (4 - len(frac)%4) % 4; pad > 0 {
		frac += strings.Repeat("0", pad)
	}
	all := intPart + frac
	var groups []int16
	for k := 0; k < len(all); k += 4 {
		g, _ := strconv.Atoi(all[k : k+4])
		groups = append(groups, int16(g))
	}
	weight := len(intPart)/4 - 1
	for len(groups) > 0 && groups[0] == 0 {
		groups = groups[1:]
		weight--
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	if len(groups) == 0 {
		weight = 0
	}
	sign := uint16(0)
	if neg && len(groups) > 0 {
		sign = 0x4000
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(groups)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(scale))
	for _, g := range groups {
		dst = binary.BigEndian.AppendUint16(dst, uint16(g))
	}
	return dst
}

// numericBinaryText turns numeric_send's encoding back into decimal text.
func numericBinaryText(b []byte) (string, error) {
	if len(b) < 8 {
		return "", errBinary("numeric")
	}
	nd := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	if len(b) != 8+2*nd {
		return "", errBinary("numeric")
	}
	switch sign {
	case 0xC000:
		return "NaN", nil
	case 0xD000:
		return "Infinity", nil
	case 0xF000:
		return "-Infinity", nil
	}
	if nd == 0 {
		return "0", nil
	}
	var sb strings.Builder
	for k := 0; k < nd; k++ {
		g := binary.BigEndian.Uint16(b[8+2*k:])
		if g > 9999 {
			return "", errBinary("numeric")
		}
		s := strconv.Itoa(int(g))
		sb.WriteString(strings.Repeat("0", 4-len(s)) + s)
	}
	digits := sb.String()
	exp := weight - nd + 1 // value = digits * 10000^exp
	if exp >= 0 {
		digits += strings.Repeat("0000", exp)
	} else {
		fd := -4 * exp
		if len(digits) <= fd {
			digits = strings.Repeat("0", fd-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-fd] + "." + digits[len(digits)-fd:]
	}
	if sign == 0x4000 {
		digits = "-" + digits
	}
	return digits, nil
}

// jsonbVersion leads jsonb's binary form (jsonb_send/jsonb_recv): the
// format version, followed by the document's text.
const jsonbVersion = 1

func errBinary(name string) error {
	return sqlerr.New("22P03", "incorrect binary data format in bind parameter of type %s", name)
}

// decodeParam turns one Bind parameter into the engine's Literal value
// convention for type t; format 0 is text, 1 binary.
func decodeParam(v []byte, format int16, t types.T, loc *time.Location) (any, error) {
	if v == nil {
		return nil, nil
	}
	if format == 0 {
		return types.ParseTextIn(string(v), t, loc)
	}
	switch {
	case t.Alias == types.AliasOID && t.Kind == types.Int64:
		if len(v) != 4 {
			return nil, errBinary("oid")
		}
		return int64(binary.BigEndian.Uint32(v)), nil
	case t.Alias == types.AliasJSONB && t.Kind == types.Text:
		if len(v) == 0 || v[0] != jsonbVersion {
			return nil, sqlerr.New("22P03", "unsupported jsonb version number")
		}
		return types.ParseTextIn(string(v[1:]), t, loc)
	case t.Alias == types.AliasJSON && t.Kind == types.Text:
		return types.ParseTextIn(string(v), t, loc)
	}
	switch t.Kind {
	case types.Bool:
		if len(v) != 1 {
			return nil, errBinary("boolean")
		}
		return v[0] != 0, nil
	case types.Int16, types.Int32, types.Int64:
		// Accept any integer width: a client may encode by its own idea of
		// the parameter's type.
		var n int64
		switch len(v) {
		case 2:
			n = int64(int16(binary.BigEndian.Uint16(v)))
		case 4:
			n = int64(int32(binary.BigEndian.Uint32(v)))
		case 8:
			n = int64(binary.BigEndian.Uint64(v))
		default:
			return nil, errBinary(t.String())
		}
		return types.ParseInt(strconv.FormatInt(n, 10), t)
	case types.Float32, types.Float64:
		switch len(v) {
		case 4:
			return float64(math.Float32frombits(binary.BigEndian.Uint32(v))), nil
		case 8:
			return math.Float64frombits(binary.BigEndian.Uint64(v)), nil
		}
		return nil, errBinary(t.String())
	case types.Numeric:
		s, err := numericBinaryText(v)
		if err != nil {
			return nil, err
		}
		return types.ParseNumeric(s, t)
	case types.Text, types.Unknown, types.Bytea:
		return string(v), nil
	case types.UUID:
		return types.UUIDFromBytes(v)
	case types.Varchar:
		return types.ParseVarchar(string(v), t)
	case types.Date:
		if len(v) != 4 {
			return nil, errBinary("date")
		}
		return int32(binary.BigEndian.Uint32(v)) + pgEpochDays, nil
	case types.Timestamp, types.TimestampTZ:
		if len(v) != 8 {
			return nil, errBinary(t.String())
		}
		return int64(binary.BigEndian.Uint64(v)) + pgEpochMicros, nil
	case types.Array:
		return decodeArrayBinary(v, t, loc)
	case types.Interval:
		if len(v) != 16 {
			return nil, errBinary("interval")
		}
		return types.IntervalValue{Micros: int64(binary.BigEndian.Uint64(v)),
			Days: int32(binary.BigEndian.Uint32(v[8:])), Months: int32(binary.BigEndian.Uint32(v[12:]))}, nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "binary parameters of type %s are not supported", t)
}

// decodeArrayBinary reads array_send's format (see appendArrayBinary) as a
// one-dimensional array of t's elements ([]any, nil = NULL).
func decodeArrayBinary(v []byte, t types.T, loc *time.Location) (any, error) {
	bad := errBinary(t.String())
	if len(v) < 12 {
		return nil, bad
	}
	ndim := int32(binary.BigEndian.Uint32(v))
	v = v[12:] // ndim, has-NULL flag, element OID (the declared type wins)
	switch {
	case ndim == 0:
		return []any{}, nil
	case ndim != 1:
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "multidimensional arrays are not supported yet")
	case len(v) < 8:
		return nil, bad
	}
	n := int(int32(binary.BigEndian.Uint32(v)))
	v = v[8:]
	if n < 0 || n > len(v)/4 {
		return nil, bad
	}
	out := make([]any, n)
	et := t.ElemT()
	for k := 0; k < n; k++ {
		if len(v) < 4 {
			return nil, bad
		}
		l := int32(binary.BigEndian.Uint32(v))
		v = v[4:]
		if l < 0 {
			continue
		}
		if int(l) > len(v) {
			return nil, bad
		}
		x, err := decodeParam(v[:l], 1, et, loc)
		if err != nil {
			return nil, err
		}
		out[k] = x
		v = v[l:]
	}
	return out, nil
}
