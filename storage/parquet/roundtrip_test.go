package parquet

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

var (
	tsUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	tsNTZ = &arrow.TimestampType{Unit: arrow.Microsecond}
)

// allTypesSchema has one nullable column of every type Lode writes, plus a
// non-nullable one to cover REQUIRED columns.
func allTypesSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: false},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "d9", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
		{Name: "d18", Type: &arrow.Decimal128Type{Precision: 18, Scale: 4}, Nullable: true},
		{Name: "d38", Type: &arrow.Decimal128Type{Precision: 38, Scale: 10}, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: tsUTC, Nullable: true},
		{Name: "tsntz", Type: tsNTZ, Nullable: true},
	}, nil)
}

// makeRecord builds n rows starting at row number base; every 3rd row is
// NULL in the nullable columns, and values include negatives.
func makeRecord(mem memory.Allocator, schema *arrow.Schema, base, n int) arrow.Record {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for r := base; r < base+n; r++ {
		null := r%3 == 1
		sign := int64(1)
		if r%2 == 0 {
			sign = -1
		}
		for c, f := range schema.Fields() {
			fb := b.Field(c)
			if null && f.Nullable {
				fb.AppendNull()
				continue
			}
			v := sign * int64(r)
			switch fb := fb.(type) {
			case *array.BooleanBuilder:
				fb.Append(r%2 == 0)
			case *array.Int16Builder:
				fb.Append(int16(v))
			case *array.Int32Builder:
				fb.Append(int32(v * 1000))
			case *array.Int64Builder:
				fb.Append(v * 1_000_000_007)
			case *array.Float32Builder:
				fb.Append(float32(v) / 4)
			case *array.Float64Builder:
				fb.Append(float64(v) / 3)
			case *array.Decimal128Builder:
				if f.Name == "d38" {
					fb.Append(decimal128.FromI64(v).Mul(decimal128.GetScaleMultiplier(25)))
				} else {
					fb.Append(decimal128.FromI64(v * 12345))
				}
			case *array.StringBuilder:
				fb.Append(fmt.Sprintf("row-%d-%s", r, string(rune('a'+r%26))))
			case *array.Date32Builder:
				fb.Append(arrow.Date32(v))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(v * 86_400_000_123))
			}
		}
	}
	return b.NewRecord()
}

func writeFile(t testing.TB, path string, schema *arrow.Schema, opts WriterOptions, recs ...arrow.Record) FileStats {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := NewWriter(f, schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	st, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// readAll reads every row group of path as schema and concatenates them.
func readAll(t testing.TB, path string, schema *arrow.Schema, mem memory.Allocator) []arrow.Record {
	t.Helper()
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []arrow.Record
	for i := range f.NumRowGroups() {
		rec, err := f.ReadRowGroup(i, nil, schema, mem)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

func concat(t testing.TB, mem memory.Allocator, schema *arrow.Schema, recs []arrow.Record) arrow.Record {
	t.Helper()
	tbl := array.NewTableFromRecords(schema, recs)
	defer tbl.Release()
	cols := make([]arrow.Array, schema.NumFields())
	for i := range cols {
		a, err := array.Concatenate(tbl.Column(i).Data().Chunks(), mem)
		if err != nil {
			t.Fatal(err)
		}
		cols[i] = a
		defer a.Release()
	}
	return array.NewRecord(schema, cols, tbl.NumRows())
}

func TestRoundTripAllTypes(t *testing.T) {
	for _, rg := range []int64{3, 7, 1000} {
		t.Run(fmt.Sprint("rowgroup", rg), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			schema := allTypesSchema()
			path := filepath.Join(t.TempDir(), "x.parquet")
			r1 := makeRecord(mem, schema, 0, 10)
			r2 := makeRecord(mem, schema, 10, 1)
			r3 := makeRecord(mem, schema, 11, 20)
			defer r1.Release()
			defer r2.Release()
			defer r3.Release()
			st := writeFile(t, path, schema, WriterOptions{RowGroupRows: rg}, r1, r2, r3)
			if st.NumRecords != 31 {
				t.Fatalf("NumRecords = %d", st.NumRecords)
			}
			want := concat(t, mem, schema, []arrow.Record{r1, r2, r3})
			defer want.Release()
			recs := readAll(t, path, schema, mem)
			got := concat(t, mem, schema, recs)
			defer got.Release()
			for _, r := range recs {
				r.Release()
			}
			for c := range schema.NumFields() {
				if !array.Equal(want.Column(c), got.Column(c)) {
					t.Errorf("column %s:\nwant %v\ngot  %v", schema.Field(c).Name, want.Column(c), got.Column(c))
				}
			}
		})
	}
}

func TestEmptyFileAndMissingColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := allTypesSchema()
	path := filepath.Join(t.TempDir(), "x.parquet")
	rec := makeRecord(mem, schema, 0, 5)
	defer rec.Release()
	writeFile(t, path, schema, WriterOptions{}, rec)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Read i32 widened to int64, plus a column the file does not have.
	out := arrow.NewSchema([]arrow.Field{
		{Name: "new", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "wide", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	got, err := f.ReadRowGroup(0, []string{"nope", "i32"}, out, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.Column(0).NullN() != 5 {
		t.Errorf("missing column: %v", got.Column(0))
	}
	if s := fmt.Sprint(got.Column(1)); s != "[0 (null) -2000 3000 (null)]" {
		t.Errorf("widened column = %s", s)
	}

	empty := filepath.Join(t.TempDir(), "empty.parquet")
	writeFile(t, empty, schema, WriterOptions{})
	ef, err := OpenFile(empty)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	if ef.NumRows() != 0 || ef.NumRowGroups() != 0 {
		t.Errorf("empty file: %d rows in %d row groups", ef.NumRows(), ef.NumRowGroups())
	}
}

func TestWriterStats(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := allTypesSchema()
	path := filepath.Join(t.TempDir(), "x.parquet")
	rec := makeRecord(mem, schema, 0, 12) // rows 0..11, NULL at 1,4,7,10
	defer rec.Release()
	st := writeFile(t, path, schema, WriterOptions{RowGroupRows: 5}, rec)
	byName := map[string]ColumnStats{}
	for _, c := range st.Columns {
		byName[c.Name] = c
	}
	check := func(name string, min, max any, nulls int64) {
		t.Helper()
		c := byName[name]
		if fmt.Sprint(c.Min) != fmt.Sprint(min) || fmt.Sprint(c.Max) != fmt.Sprint(max) || c.NullCount != nulls {
			t.Errorf("%s: got min %v max %v nulls %d, want %v %v %d", name, c.Min, c.Max, c.NullCount, min, max, nulls)
		}
	}
	// valid rows: 0,2,3,5,6,8,9,11 → signed values 0,-2,3,5,-6,-8,9,11
	check("b", false, true, 4)
	check("i16", int16(-8), int16(11), 4)
	check("i64", int64(-10*1_000_000_007), int64(11*1_000_000_007), 0)
	check("d9", decimal128.FromI64(-8*12345), decimal128.FromI64(11*12345), 4)
	check("s", "row-0-a", "row-9-j", 4)
	check("d", arrow.Date32(-8), arrow.Date32(11), 4)

	// The footer statistics the reader decodes agree with what was computed.
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rgs := f.RowGroupStats(0) // rows 0..4: valid 0,2,3 → 0,-2,3
	for _, c := range rgs {
		if c.Name == "i32" && (c.Min != int32(-2000) || c.Max != int32(3000) || c.NullCount != 2) {
			t.Errorf("row group stats i32 = %+v", c)
		}
		if c.Name == "ts" && c.Min != arrow.Timestamp(-2*86_400_000_123) {
			t.Errorf("row group stats ts = %+v", c)
		}
	}
}

func TestNaNIsNotAMinMax(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues([]float64{math.NaN(), 2, -1}, nil)
	a := b.NewArray()
	defer a.Release()
	var s statsAcc
	s.update(a)
	if s.min != -1.0 || s.max != 2.0 {
		t.Errorf("min %v max %v", s.min, s.max)
	}
}

// TestReadByPqarrow checks files Lode writes against an independent reader.
func TestReadByPqarrow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := allTypesSchema()
	path := filepath.Join(t.TempDir(), "x.parquet")
	rec := makeRecord(mem, schema, 0, 50)
	defer rec.Release()
	writeFile(t, path, schema, WriterOptions{RowGroupRows: 16}, rec)

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// pqarrow's own decoders leak a little from the allocator they are
	// given, so it gets the unchecked one.
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(raw), nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	for c, f := range schema.Fields() {
		col := tbl.Column(c)
		if col.Name() != f.Name || !arrow.TypeEqual(col.DataType(), f.Type) {
			t.Errorf("pqarrow sees column %d as %s %s, want %s %s", c, col.Name(), col.DataType(), f.Name, f.Type)
			continue
		}
		got, err := array.Concatenate(col.Data().Chunks(), memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		if !array.Equal(got, rec.Column(c)) {
			t.Errorf("column %s: pqarrow read %v, want %v", f.Name, got, rec.Column(c))
		}
		got.Release()
	}
	// Field nullability is the Parquet repetition.
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if rep := pf.MetaData().Schema.Column(3).SchemaNode().RepetitionType(); rep.String() != "required" {
		t.Errorf("i64 repetition = %s", rep)
	}
}
