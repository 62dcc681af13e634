package parquet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// benchRows is the size of the benchmark file: TPC-H lineitem-like columns
// (int64 key, decimal(15,2) price, low-cardinality and unique strings, date).
const benchRows = 4 << 20

var (
	benchOnce sync.Once
	benchPath string
	benchDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "key", Type: arrow.PrimitiveTypes.Int64, Nullable: false},
		{Name: "price", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
		{Name: "mode", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "comment", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "shipdate", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
}

func benchFile(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lode-parquet-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		benchPath = filepath.Join(dir, "bench.parquet")
		schema := benchSchema()
		f, err := os.Create(benchPath)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		w, err := NewWriter(f, schema, WriterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		modes := []string{"AIR", "MAIL", "RAIL", "SHIP", "TRUCK", "REG AIR", "FOB"}
		const batch = 64 << 10
		rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer rb.Release()
		for base := 0; base < benchRows; base += batch {
			for r := base; r < base+batch; r++ {
				rb.Field(0).(*array.Int64Builder).Append(int64(r))
				rb.Field(1).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(r*7919%10_000_000 + 90_000)))
				rb.Field(2).(*array.StringBuilder).Append(modes[r%len(modes)])
				if r%50 == 0 {
					rb.Field(3).(*array.StringBuilder).AppendNull()
				} else {
					rb.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("carefully final deposits %d haggle", r*31))
				}
				rb.Field(4).(*array.Date32Builder).Append(arrow.Date32(8000 + r%2500))
			}
			rec := rb.NewRecord()
			if err := w.Write(rec); err != nil {
				b.Fatal(err)
			}
			rec.Release()
		}
		if _, err := w.Close(); err != nil {
			b.Fatal(err)
		}
	})
	return benchPath
}

// BenchmarkReadLode decodes every row group of the file with ReadRowGroup.
func BenchmarkReadLode(b *testing.B) {
	path := benchFile(b)
	schema := benchSchema()
	b.ResetTimer()
	for b.Loop() {
		f, err := OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		for i := range f.NumRowGroups() {
			rec, err := f.ReadRowGroup(i, nil, schema, memory.DefaultAllocator)
			if err != nil {
				b.Fatal(err)
			}
			rec.Release()
		}
		f.Close()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

// BenchmarkReadPqarrow does the same with arrow-go's reader, single-threaded
// like ours (parallelism comes from reading row groups concurrently).
func BenchmarkReadPqarrow(b *testing.B) {
	path := benchFile(b)
	b.ResetTimer()
	for b.Loop() {
		pf, err := file.OpenParquetFile(path, false)
		if err != nil {
			b.Fatal(err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 20}, memory.DefaultAllocator)
		if err != nil {
			b.Fatal(err)
		}
		for i := range pf.NumRowGroups() {
			tbl, err := fr.ReadRowGroups(context.Background(), []int{0, 1, 2, 3, 4}, []int{i})
			if err != nil {
				b.Fatal(err)
			}
			tbl.Release()
		}
		pf.Close()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

// BenchmarkWrite measures the writer on the same data shape.
func BenchmarkWrite(b *testing.B) {
	schema := benchSchema()
	path := benchFile(b)
	f, err := OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := f.ReadRowGroup(0, nil, schema, memory.DefaultAllocator)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	defer rec.Release()
	b.ResetTimer()
	for b.Loop() {
		w, err := NewWriter(discard{}, schema, WriterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
		if _, err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rec.NumRows())*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
