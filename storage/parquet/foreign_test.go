package parquet

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pqa "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeWithPqarrow writes rec with arrow-go's writer, standing in for the
// files Spark, pyarrow and other engines produce.
func writeWithPqarrow(t testing.TB, path string, rec arrow.Record, props *pqa.WriterProperties, aprops pqarrow.ArrowWriterProperties) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, props, aprops)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReadForeignEncodings(t *testing.T) {
	schema := allTypesSchema()
	cases := []struct {
		name   string
		props  *pqa.WriterProperties
		aprops pqarrow.ArrowWriterProperties
	}{
		{"dict-v1-flba-decimals", pqa.NewWriterProperties(pqa.WithDictionaryDefault(true), pqa.WithCompression(compress.Codecs.Snappy), pqa.WithMaxRowGroupLength(17)),
			pqarrow.DefaultWriterProps()},
		{"plain-v2-int-decimals", pqa.NewWriterProperties(pqa.WithDictionaryDefault(false), pqa.WithDataPageVersion(pqa.DataPageV2), pqa.WithStoreDecimalAsInteger(true), pqa.WithDataPageSize(64)),
			pqarrow.DefaultWriterProps()},
		{"int96", pqa.NewWriterProperties(),
			pqarrow.NewArrowWriterProperties(pqarrow.WithDeprecatedInt96Timestamps(true))},
		{"delta-encodings", pqa.NewWriterProperties(pqa.WithDictionaryDefault(false), pqa.WithEncodingFor("s", pqa.Encodings.DeltaByteArray), pqa.WithEncodingFor("i64", pqa.Encodings.DeltaBinaryPacked)),
			pqarrow.DefaultWriterProps()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			rec := makeRecord(memory.DefaultAllocator, schema, 0, 100)
			defer rec.Release()
			path := filepath.Join(t.TempDir(), "x.parquet")
			writeWithPqarrow(t, path, rec, tc.props, tc.aprops)
			recs := readAll(t, path, schema, mem)
			got := concat(t, mem, schema, recs)
			defer got.Release()
			for _, r := range recs {
				r.Release()
			}
			for c := range schema.NumFields() {
				if !array.Equal(rec.Column(c), got.Column(c)) {
					t.Errorf("column %s:\nwant %v\ngot  %v", schema.Field(c).Name, rec.Column(c), got.Column(c))
				}
			}
		})
	}
}

// TestReadTimestampUnits reads nanosecond and millisecond INT64 timestamps
// (pyarrow's and older Spark's defaults) as microseconds.
func TestReadTimestampUnits(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	in := arrow.NewSchema([]arrow.Field{
		{Name: "ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, in)
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_500, -1_500, 0}, []bool{true, true, false})
	b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{7, -7, 0}, []bool{true, true, false})
	rec := b.NewRecord()
	b.Release()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "x.parquet")
	writeWithPqarrow(t, path, rec, pqa.NewWriterProperties(), pqarrow.DefaultWriterProps())

	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s := f.Schema().String(); s != "schema:\n  fields: 2\n    - ns: type=timestamp[us, tz=UTC], nullable\n    - ms: type=timestamp[us], nullable" {
		t.Errorf("schema = %s", s)
	}
	got, err := f.ReadRowGroup(0, nil, f.Schema(), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if s := fmt.Sprint(got.Column(0).(*array.Timestamp).TimestampValues()[:2], got.Column(1).(*array.Timestamp).TimestampValues()[:2]); s != "[1 -2] [7000 -7000]" {
		t.Errorf("values = %s", s)
	}
	if got.Column(0).NullN() != 1 || got.Column(1).NullN() != 1 {
		t.Errorf("nulls lost")
	}
}

// TestStringDictionaryFallback writes more distinct strings than the
// dictionary limit so a chunk mixes dictionary and PLAIN pages.
func TestStringDictionaryFallback(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	for i := range 60000 {
		if i%11 == 0 {
			b.AppendNull()
		} else {
			b.Append(fmt.Sprintf("value-%040d", i))
		}
	}
	col := b.NewArray()
	b.Release()
	rec := array.NewRecord(schema, []arrow.Array{col}, int64(col.Len()))
	col.Release()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "x.parquet")
	writeFile(t, path, schema, WriterOptions{}, rec)
	recs := readAll(t, path, schema, mem)
	defer recs[0].Release()
	if len(recs) != 1 || !array.Equal(recs[0].Column(0), rec.Column(0)) {
		t.Fatalf("string column did not round-trip")
	}
}
