package parquet

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// TestReadNestedColumns writes a file with arrow-go (a flat column, a
// list of int8 and a struct holding a list) and reads it back through
// ReadRowGroup: the flat column on the fast path, the list re-typed to
// list<int16>, the struct as JSON, all memory released.
func TestReadNestedColumns(t *testing.T) {
	in := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "bytes", Type: arrow.ListOf(arrow.PrimitiveTypes.Int8), Nullable: true},
		{Name: "s", Type: arrow.StructOf(
			arrow.Field{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
			arrow.Field{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		), Nullable: true},
	}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, in)
	defer rb.Release()
	ids := rb.Field(0).(*array.Int64Builder)
	lb := rb.Field(1).(*array.ListBuilder)
	sb := rb.Field(2).(*array.StructBuilder)
	for i := range 3 {
		ids.Append(int64(i))
		switch i {
		case 1:
			lb.AppendNull()
			sb.AppendNull()
			continue
		}
		lb.Append(true)
		lb.ValueBuilder().(*array.Int8Builder).Append(int8(i - 100))
		lb.ValueBuilder().(*array.Int8Builder).AppendNull()
		sb.Append(true)
		sb.FieldBuilder(0).(*array.StringBuilder).Append("n")
		tags := sb.FieldBuilder(1).(*array.ListBuilder)
		tags.Append(true)
		tags.ValueBuilder().(*array.StringBuilder).Append("x")
	}
	rec := rb.NewRecord()
	defer rec.Release()
	var buf bytes.Buffer
	if err := pqarrow.WriteTable(array.NewTableFromRecords(in, []arrow.Record{rec}), &buf, 1024, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}

	f, err := NewFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	out := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "bytes", Type: arrow.ListOf(arrow.PrimitiveTypes.Int16), Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	got, err := f.ReadRowGroup(0, nil, out, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if !arrow.TypeEqual(got.Column(1).DataType(), out.Field(1).Type) {
		t.Fatalf("list read as %s, want %s", got.Column(1).DataType(), out.Field(1).Type)
	}
	want := []string{
		`0|[-100,null]|{"name":"n","tags":["x"]}`,
		`1|(null)|(null)`,
		`2|[-98,null]|{"name":"n","tags":["x"]}`,
	}
	for r, w := range want {
		row := got.Column(0).ValueStr(r) + "|" + got.Column(1).ValueStr(r) + "|" + got.Column(2).ValueStr(r)
		if row != w {
			t.Errorf("row %d = %s, want %s", r, row, w)
		}
	}
}
