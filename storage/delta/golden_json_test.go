package delta

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// goldenJSON renders a nested value of an expected/ file (as arrow-go's
// pqarrow reads it) as the JSON text Lode promises for nested columns:
// structs as objects in field order, lists as arrays, maps with string
// keys as objects and others as [{"key":…,"value":…}], NULL as null,
// decimals exact, dates and timestamps as ISO strings, binary as base64.
// It is written apart from the reader's converter (storage/parquet
// nested_json.go) on purpose, with encoding/json doing the escaping and
// number formatting, so the golden test checks that converter.
func goldenJSON(a arrow.Array, i int) string {
	var b bytes.Buffer
	writeGoldenJSON(&b, a, i)
	return b.String()
}

func writeGoldenJSON(b *bytes.Buffer, a arrow.Array, i int) {
	if a.IsNull(i) {
		b.WriteString("null")
		return
	}
	switch a := a.(type) {
	case *array.Struct:
		b.WriteByte('{')
		for k, f := range a.DataType().(*arrow.StructType).Fields() {
			if k > 0 {
				b.WriteByte(',')
			}
			writeGoldenScalar(b, f.Name)
			b.WriteByte(':')
			writeGoldenJSON(b, a.Field(k), i)
		}
		b.WriteByte('}')
	case *array.Map:
		lo, hi := a.ValueOffsets(i)
		keys, items := a.Keys(), a.Items()
		if ks, ok := keys.(*array.String); ok {
			b.WriteByte('{')
			for j := int(lo); j < int(hi); j++ {
				if j > int(lo) {
					b.WriteByte(',')
				}
				writeGoldenScalar(b, ks.Value(j))
				b.WriteByte(':')
				writeGoldenJSON(b, items, j)
			}
			b.WriteByte('}')
			return
		}
		b.WriteByte('[')
		for j := int(lo); j < int(hi); j++ {
			if j > int(lo) {
				b.WriteByte(',')
			}
			b.WriteString(`{"key":`)
			writeGoldenJSON(b, keys, j)
			b.WriteString(`,"value":`)
			writeGoldenJSON(b, items, j)
			b.WriteByte('}')
		}
		b.WriteByte(']')
	case *array.List:
		lo, hi := a.ValueOffsets(i)
		b.WriteByte('[')
		for j := int(lo); j < int(hi); j++ {
			if j > int(lo) {
				b.WriteByte(',')
			}
			writeGoldenJSON(b, a.ListValues(), j)
		}
		b.WriteByte(']')
	case *array.Boolean:
		writeGoldenScalar(b, a.Value(i))
	case *array.Int8:
		writeGoldenScalar(b, a.Value(i))
	case *array.Int16:
		writeGoldenScalar(b, a.Value(i))
	case *array.Int32:
		writeGoldenScalar(b, a.Value(i))
	case *array.Int64:
		writeGoldenScalar(b, a.Value(i))
	case *array.Float32:
		writeGoldenFloat(b, float64(a.Value(i)), a.Value(i))
	case *array.Float64:
		writeGoldenFloat(b, a.Value(i), a.Value(i))
	case *array.String:
		writeGoldenScalar(b, a.Value(i))
	case *array.Binary:
		writeGoldenScalar(b, a.Value(i)) // encoding/json: base64
	case *array.Decimal128:
		// The unscaled integer with the point put back by hand.
		scale := int(a.DataType().(*arrow.Decimal128Type).Scale)
		digits := new(big.Int).Abs(a.Value(i).BigInt()).String()
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		if a.Value(i).Sign() < 0 {
			b.WriteByte('-')
		}
		b.WriteString(digits[:len(digits)-scale])
		if scale > 0 {
			b.WriteString("." + digits[len(digits)-scale:])
		}
	case *array.Date32:
		writeGoldenScalar(b, time.Unix(int64(a.Value(i))*86400, 0).UTC().Format(time.DateOnly))
	case *array.Timestamp:
		dt := a.DataType().(*arrow.TimestampType)
		s := a.Value(i).ToTime(dt.Unit).UTC().Format("2006-01-02T15:04:05.999999")
		if dt.TimeZone != "" {
			s += "+00:00"
		}
		writeGoldenScalar(b, s)
	default:
		b.WriteString("<unsupported " + a.DataType().String() + ">")
	}
}

// writeGoldenFloat writes a float as encoding/json does; non-finite
// values (which JSON numbers cannot hold) as strings.
func writeGoldenFloat(b *bytes.Buffer, f float64, v any) {
	switch {
	case math.IsNaN(f):
		b.WriteString(`"NaN"`)
	case math.IsInf(f, 0):
		b.WriteString(strconv.Quote(map[bool]string{true: "Infinity", false: "-Infinity"}[f > 0]))
	default:
		writeGoldenScalar(b, v)
	}
}

func writeGoldenScalar(b *bytes.Buffer, v any) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		b.WriteString("<" + err.Error() + ">")
		return
	}
	b.Write(bytes.TrimSuffix(out.Bytes(), []byte("\n")))
}
