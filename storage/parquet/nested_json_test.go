package parquet

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestNestedJSONLeaves checks the JSON of the leaf types the golden tables
// do not nest: decimals exact, dates and timestamps in ISO form (an
// instant with +00:00, whatever the file's unit), escaped strings, base64
// binary, non-finite floats as strings, NULL fields as null, the shape's
// names over the file's, and a NULL top-level value as SQL NULL.
func TestNestedJSONLeaves(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dt := arrow.StructOf(
		arrow.Field{Name: "p_dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
		arrow.Field{Name: "p_date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		arrow.Field{Name: "p_ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
		arrow.Field{Name: "p_ntz", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		arrow.Field{Name: "p_str", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "p_bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
		arrow.Field{Name: "p_f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	)
	b := array.NewStructBuilder(mem, dt)
	defer b.Release()
	b.Append(true)
	b.FieldBuilder(0).(*array.Decimal128Builder).Append(decimal128.FromI64(-5))
	b.FieldBuilder(1).(*array.Date32Builder).Append(18878)                  // 2021-09-08
	b.FieldBuilder(2).(*array.TimestampBuilder).Append(1631099471123000000) // 2021-09-08 11:11:11.123 UTC
	b.FieldBuilder(3).(*array.TimestampBuilder).Append(1631099471000000)    // same, local
	b.FieldBuilder(4).(*array.StringBuilder).Append("a\"b\\c\nd\x01é")
	b.FieldBuilder(5).(*array.BinaryBuilder).Append([]byte{0, 1, 2})
	b.FieldBuilder(6).(*array.Float64Builder).Append(math.Inf(-1))
	b.Append(true)
	for i := range dt.NumFields() {
		b.FieldBuilder(i).AppendNull()
	}
	b.AppendNull()
	arr := b.NewArray()
	defer arr.Release()

	names := []string{"dec", "date", "ts", "ntz", "str", "bin", "f"}
	kinds := []string{"decimal(10,2)", "date", "timestamp", "timestamp_ntz", "string", "binary", "double"}
	shape := &Shape{Kind: "struct"}
	for i, n := range names {
		shape.Fields = append(shape.Fields, ShapeField{Name: n, Stored: "p_" + n, Type: Shape{Kind: kinds[i]}})
	}
	shape.Fields = append(shape.Fields, ShapeField{Name: "added_later", Type: Shape{Kind: "integer"}})

	got, err := toJSONText(arr, shape, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	want := []string{
		`{"dec":-0.05,"date":"2021-09-08","ts":"2021-09-08T11:11:11.123+00:00","ntz":"2021-09-08T11:11:11","str":"a\"b\\c\nd\u0001é","bin":"AAEC","f":"-Infinity","added_later":null}`,
		`{"dec":null,"date":null,"ts":null,"ntz":null,"str":null,"bin":null,"f":null,"added_later":null}`,
	}
	s := got.(*array.String)
	for i, w := range want {
		if s.IsNull(i) || s.Value(i) != w {
			t.Errorf("row %d:\n got %s\nwant %s", i, s.ValueStr(i), w)
		}
	}
	if !s.IsNull(2) {
		t.Errorf("a NULL struct became %q, want SQL NULL", s.Value(2))
	}
}
