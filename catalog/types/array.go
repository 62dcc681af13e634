package types

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
)

// Arrays are one-dimensional with lower bound 1, as nearly every array
// PostgreSQL clients build is. An array T keeps its element's kind in Elem
// and the element's precision, scale and length in its own fields, so T
// stays a small comparable value. Values are Arrow list<elem>; a Literal
// holds []any of element values in the Literal convention (nil = NULL).

// ArrayOf is the array type whose elements are e (an array of arrays is
// the same array type, as int[][] is int[] in PostgreSQL).
func ArrayOf(e T) T {
	if e.Kind == Array {
		return e
	}
	if e.Kind == Unknown {
		e = TText
	}
	return T{Kind: Array, Elem: e.Kind, Precision: e.Precision, Scale: e.Scale, Length: e.Length, Alias: e.Alias}
}

// ElemT is the element type of an array type (t itself for non-arrays).
func (t T) ElemT() T {
	if t.Kind != Array {
		return t
	}
	return T{Kind: t.Elem, Precision: t.Precision, Scale: t.Scale, Length: t.Length, Alias: t.Alias}
}

// IsArray reports whether t is an array type.
func (t T) IsArray() bool { return t.Kind == Array }

// arrayOIDs are pg_type.typarray of the element types.
var arrayOIDs = map[Kind]uint32{
	Bool: 1000, Int16: 1005, Int32: 1007, Int64: 1016, Float32: 1021, Float64: 1022,
	Numeric: 1231, Text: 1009, Varchar: 1015, Date: 1182, Timestamp: 1115,
	TimestampTZ: 1185, Interval: 1187, Bytea: 1001, UUID: 2951,
}

// arrayOID is the typarray of the element type e.
func (e T) arrayOID() uint32 {
	if e.Alias != AliasNone {
		return e.Alias.arrayOID()
	}
	if o, ok := arrayOIDs[e.Kind]; ok {
		return o
	}
	return 1009
}

// AppendArray appends the text form ({1,2,NULL}) of the list at row i.
func AppendArray(dst []byte, a *array.List, i int, t T, loc *time.Location) []byte {
	et := t.ElemT()
	if t.Kind != Array {
		et, _ = FromArrow(a.DataType().(*arrow.ListType).Elem())
	}
	start, end := a.ValueOffsets(i)
	vals := a.ListValues()
	dst = append(dst, '{')
	var buf []byte
	for j := start; j < end; j++ {
		if j > start {
			dst = append(dst, ',')
		}
		if vals.IsNull(int(j)) {
			dst = append(dst, "NULL"...)
			continue
		}
		buf = AppendText(buf[:0], vals, int(j), et, loc)
		dst = AppendArrayElem(dst, buf)
	}
	return append(dst, '}')
}

// AppendArrayElem appends one element's text, double-quoted when
// array_out would quote it (empty, NULL, or containing braces, quotes,
// commas, backslashes or white space).
func AppendArrayElem(dst, s []byte) []byte {
	quote := len(s) == 0 || strings.EqualFold(string(s), "NULL")
	for _, c := range s {
		switch c {
		case '{', '}', ',', '"', '\\', ' ', '\t', '\n', '\r', '\v', '\f':
			quote = true
		}
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for _, c := range s {
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

// ArrayText is the text form of an array literal value ([]any).
func ArrayText(vals []any, t T) string {
	et := t.ElemT()
	b := []byte{'{'}
	for j, v := range vals {
		if j > 0 {
			b = append(b, ',')
		}
		if v == nil {
			b = append(b, "NULL"...)
			continue
		}
		b = AppendArrayElem(b, []byte(FormatLiteral(v, et)))
	}
	return string(append(b, '}'))
}

func isArraySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// SplitArrayText parses array_in's text form into element strings (nil =
// NULL). A leading dimension decoration ([1:3]=) is accepted and ignored.
func SplitArrayText(s string) ([]*string, error) {
	bad := func(detail string) error {
		_ = detail // PostgreSQL's DETAIL line; sqlerr has no detail field yet
		return sqlerr.New(sqlerr.InvalidTextRep, "malformed array literal: \"%s\"", s)
	}
	p := strings.TrimLeft(s, " \t\n\r\v\f")
	if strings.HasPrefix(p, "[") {
		i := strings.IndexByte(p, '=')
		if i < 0 {
			return nil, bad("Missing \"=\" after array dimensions.")
		}
		p = strings.TrimLeft(p[i+1:], " \t\n\r\v\f")
	}
	if !strings.HasPrefix(p, "{") {
		return nil, bad("Array value must start with \"{\" or dimension information.")
	}
	i := 1
	var out []*string
	skip := func() {
		for i < len(p) && isArraySpace(p[i]) {
			i++
		}
	}
	skip()
	if i < len(p) && p[i] == '}' {
		i++
		skip()
		if i != len(p) {
			return nil, bad("Junk after closing right brace.")
		}
		return []*string{}, nil
	}
	for {
		skip()
		if i >= len(p) {
			return nil, bad("Unexpected end of input.")
		}
		if p[i] == '{' {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "multidimensional arrays are not supported yet")
		}
		var el strings.Builder
		quoted, sawQuote := false, false
		trailing := 0 // unquoted white space at the end of el, trimmed
		for ; i < len(p); i++ {
			c := p[i]
			if quoted {
				switch c {
				case '\\':
					i++
					if i < len(p) {
						el.WriteByte(p[i])
					}
				case '"':
					quoted = false
				default:
					el.WriteByte(c)
				}
				continue
			}
			if c == ',' || c == '}' {
				break
			}
			switch {
			case c == '"':
				if el.Len() > 0 && !sawQuote {
					return nil, bad("Unexpected array element.")
				}
				quoted, sawQuote = true, true
				trailing = 0
			case c == '\\':
				i++
				if i < len(p) {
					el.WriteByte(p[i])
				}
				trailing = 0
			case c == '{':
				return nil, bad("Unexpected \"{\" character.")
			case isArraySpace(c):
				if el.Len() > 0 || sawQuote {
					el.WriteByte(c)
					trailing++
				}
			default:
				if sawQuote && trailing == 0 {
					return nil, bad("Unexpected array element.")
				}
				el.WriteByte(c)
				trailing = 0
			}
		}
		if quoted || i >= len(p) {
			return nil, bad("Unexpected end of input.")
		}
		v := el.String()
		v = v[:len(v)-trailing]
		if !sawQuote && v == "" {
			return nil, bad("Unexpected \"" + string(p[i]) + "\" character.")
		}
		if !sawQuote && strings.EqualFold(v, "NULL") {
			out = append(out, nil)
		} else {
			out = append(out, &v)
		}
		if p[i] == '}' {
			i++
			skip()
			if i != len(p) {
				return nil, bad("Junk after closing right brace.")
			}
			return out, nil
		}
		i++ // ','
	}
}

// ParseArray parses array_in's text form into []any of t's element values.
func ParseArray(s string, t T, loc *time.Location) (any, error) {
	parts, err := SplitArrayText(s)
	if err != nil {
		return nil, err
	}
	et := t.ElemT()
	out := make([]any, len(parts))
	for j, p := range parts {
		if p == nil {
			continue
		}
		if out[j], err = ParseTextIn(*p, et, loc); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FormatLiteral is the text output of a value in the Literal convention.
func FormatLiteral(v any, t T) string {
	var b []byte
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "t"
		}
		return "f"
	case string:
		switch t.Kind {
		case Bytea:
			return string(AppendByteaHex(nil, x))
		}
		return x
	case float64:
		if t.Kind == Float32 {
			return string(AppendFloat4(b, float32(x)))
		}
		return string(AppendFloat8(b, x))
	case decimal128.Num:
		return string(AppendDecimal(b, x, t.Scale, t.Precision == 0))
	case int32:
		return string(AppendDate(b, x))
	case int64:
		switch t.Kind {
		case Timestamp:
			return string(AppendTimestamp(b, x))
		case TimestampTZ:
			return string(AppendTimestampTZ(b, x, time.UTC))
		}
		return strconv.FormatInt(x, 10)
	case IntervalValue:
		return string(AppendInterval(b, x))
	case []any:
		return ArrayText(x, t)
	}
	return fmt.Sprint(v)
}
