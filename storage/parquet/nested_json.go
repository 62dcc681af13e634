package parquet

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// toJSONText renders each value of a nested column as JSON text; a NULL
// value stays NULL (SQL NULL, not the JSON null inner NULLs become).
func toJSONText(a arrow.Array, shape *Shape, mem memory.Allocator) (arrow.Array, error) {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	var buf []byte
	var err error
	for i := range a.Len() {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		if buf, err = appendJSON(buf[:0], a, i, shape); err != nil {
			return nil, err
		}
		b.BinaryBuilder.Append(buf)
	}
	return b.NewArray(), nil
}

// appendJSON appends value i of a as JSON: structs as objects keyed by
// the Shape's (logical) field names in Shape order, lists as arrays, maps
// as objects when their keys are strings and as arrays of
// {"key":…,"value":…} otherwise; numbers as numbers (decimals exact,
// non-finite floats as the strings "NaN", "Infinity", "-Infinity"), dates
// and timestamps as ISO-8601 strings, binary as base64. A nil shape (or
// one that does not fit) falls back to the names and types the file has.
func appendJSON(dst []byte, a arrow.Array, i int, s *Shape) ([]byte, error) {
	if a.IsNull(i) {
		return append(dst, "null"...), nil
	}
	var err error
	switch a := a.(type) {
	case *array.Struct:
		return appendStructJSON(dst, a, i, s)
	case *array.Map:
		return appendMapJSON(dst, a, i, s)
	case *array.List:
		var elem *Shape
		if s != nil {
			elem = s.Elem
		}
		start, end := a.ValueOffsets(i)
		dst = append(dst, '[')
		for j := start; j < end; j++ {
			if j > start {
				dst = append(dst, ',')
			}
			if dst, err = appendJSON(dst, a.ListValues(), int(j), elem); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case *array.Boolean:
		return strconv.AppendBool(dst, a.Value(i)), nil
	case *array.Int8:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int16:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int32:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int64:
		return strconv.AppendInt(dst, a.Value(i), 10), nil
	case *array.Float32:
		return appendJSONFloat(dst, float64(a.Value(i)), 32), nil
	case *array.Float64:
		return appendJSONFloat(dst, a.Value(i), 64), nil
	case *array.Decimal128:
		return append(dst, a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)...), nil
	case *array.String:
		return appendJSONString(dst, a.Value(i)), nil
	case *array.Binary:
		return appendJSONBase64(dst, a.Value(i)), nil
	case *array.FixedSizeBinary:
		return appendJSONBase64(dst, a.Value(i)), nil
	case *array.Date32:
		return appendJSONString(dst, a.Value(i).ToTime().Format("2006-01-02")), nil
	case *array.Timestamp:
		dt := a.DataType().(*arrow.TimestampType)
		zoned := dt.TimeZone != ""
		if s != nil && (s.Kind == "timestamp" || s.Kind == "timestamp_ntz") {
			zoned = s.Kind == "timestamp"
		}
		return appendJSONTimestamp(dst, int64(a.Value(i)), dt.Unit, zoned), nil
	}
	return nil, fmt.Errorf("nested values of type %s are not supported", a.DataType())
}

func appendStructJSON(dst []byte, a *array.Struct, i int, s *Shape) ([]byte, error) {
	st := a.DataType().(*arrow.StructType)
	var err error
	dst = append(dst, '{')
	if s == nil || s.Kind != "struct" {
		for k, f := range st.Fields() {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = append(appendJSONString(dst, f.Name), ':')
			if dst, err = appendJSON(dst, a.Field(k), i, nil); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	for k := range s.Fields {
		f := &s.Fields[k]
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendJSONString(dst, f.Name), ':')
		j, ok := st.FieldIdx(f.storedName())
		if !ok {
			// A field added to the struct after this file was written.
			dst = append(dst, "null"...)
			continue
		}
		if dst, err = appendJSON(dst, a.Field(j), i, &f.Type); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendMapJSON(dst []byte, a *array.Map, i int, s *Shape) ([]byte, error) {
	var keyShape, valShape *Shape
	if s != nil && s.Kind == "map" {
		keyShape, valShape = s.Key, s.Value
	}
	keys, items := a.Keys(), a.Items()
	_, stringKeys := keys.(*array.String)
	start, end := a.ValueOffsets(i)
	var err error
	if stringKeys {
		dst = append(dst, '{')
	} else {
		dst = append(dst, '[')
	}
	for j := int(start); j < int(end); j++ {
		if j > int(start) {
			dst = append(dst, ',')
		}
		if stringKeys {
			dst = append(appendJSONString(dst, keys.(*array.String).Value(j)), ':')
		} else {
			dst = append(dst, `{"key":`...)
			if dst, err = appendJSON(dst, keys, j, keyShape); err != nil {
				return nil, err
			}
			dst = append(dst, `,"value":`...)
		}
		if dst, err = appendJSON(dst, items, j, valShape); err != nil {
			return nil, err
		}
		if !stringKeys {
			dst = append(dst, '}')
		}
	}
	if stringKeys {
		return append(dst, '}'), nil
	}
	return append(dst, ']'), nil
}

func appendJSONFloat(dst []byte, v float64, bits int) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(dst, `"-Infinity"`...)
	}
	// Plain notation in the usual range, exponent outside it, as
	// JavaScript and encoding/json print numbers (1e+21, 1e-7).
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		n := len(dst)
		dst = strconv.AppendFloat(dst, v, 'e', -1, bits)
		// e-07 → e-7
		if m := len(dst) - n; m >= 4 && dst[len(dst)-4] == 'e' && dst[len(dst)-3] == '-' && dst[len(dst)-2] == '0' {
			dst[len(dst)-2] = dst[len(dst)-1]
			dst = dst[:len(dst)-1]
		}
		return dst
	}
	return strconv.AppendFloat(dst, v, 'f', -1, bits)
}

// appendJSONTimestamp renders a timestamp as PostgreSQL's to_json does:
// 2024-01-02T03:04:05.678 for a local time, with +00:00 for an instant
// (rendered in UTC); trailing zero fractions are dropped.
func appendJSONTimestamp(dst []byte, v int64, unit arrow.TimeUnit, zoned bool) []byte {
	var t time.Time
	switch unit {
	case arrow.Second:
		t = time.Unix(v, 0)
	case arrow.Millisecond:
		t = time.UnixMilli(v)
	case arrow.Microsecond:
		t = time.UnixMicro(v)
	default:
		t = time.Unix(0, v)
	}
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.999999")
	if zoned {
		dst = append(dst, "+00:00"...)
	}
	return append(dst, '"')
}

func appendJSONBase64(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, other characters as they are (invalid UTF-8
// becomes U+FFFD, as JSON text must be UTF-8).
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
