package parquet

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Nested columns need repetition and definition level assembly, which the
// flat page decoder does not do. They are rare and small next to the flat
// columns of the tables Lode scans, so they go through arrow-go's pqarrow,
// which assembles them into Arrow struct, list and map arrays; those are
// then converted to what Lode's types can hold (nested_list.go,
// nested_json.go).

// pqarrowMeta is the file footer as arrow-go parsed it, parsed once per
// File: every nested read then only builds a cheap reader over it.
type pqarrowMeta struct {
	once sync.Once
	md   *metadata.FileMetaData
	err  error
}

// readNested reads the nested column nc of row group rg (n rows) as
// field's type: a list type gets the column's lists with their elements
// converted to the list's element type; a string type gets each value as
// JSON text (see appendJSON), named after the field's Shape.
func (f *File) readNested(rg int, nc nestedCol, field arrow.Field, n int, mem memory.Allocator) (arrow.Array, error) {
	raw, err := f.readNestedArrow(rg, nc, mem)
	if err != nil {
		return nil, err
	}
	defer raw.Release()
	if raw.Len() != n {
		return nil, fmt.Errorf("nested column has %d values in a row group of %d rows", raw.Len(), n)
	}
	switch dt := field.Type.(type) {
	case *arrow.ListType:
		return toList(raw, dt, mem)
	case *arrow.StringType:
		shape, err := NestedShapeOf(field)
		if err != nil {
			return nil, err
		}
		return toJSONText(raw, shape, mem)
	}
	return nil, fmt.Errorf("a nested column (%s) cannot be read as %s", raw.DataType(), field.Type)
}

// readNestedArrow assembles one top-level nested column of a row group
// with pqarrow.
func (f *File) readNestedArrow(rg int, nc nestedCol, mem memory.Allocator) (arrow.Array, error) {
	f.pqmeta.once.Do(func() {
		r, err := file.NewParquetReader(io.NewSectionReader(f.r, 0, f.size))
		if err != nil {
			f.pqmeta.err = err
			return
		}
		f.pqmeta.md = r.MetaData()
	})
	if f.pqmeta.err != nil {
		return nil, f.pqmeta.err
	}
	// A reader per call: File promises concurrent ReadRowGroup calls, and
	// these readers keep position state.
	rdr, err := file.NewParquetReader(io.NewSectionReader(f.r, 0, f.size), file.WithMetadata(f.pqmeta.md))
	if err != nil {
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		return nil, err
	}
	leaves := make([]int, nc.leaves)
	for k := range leaves {
		leaves[k] = nc.firstLeaf + k
	}
	tbl, err := fr.ReadRowGroups(context.Background(), leaves, []int{rg})
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	if tbl.NumCols() != 1 {
		return nil, fmt.Errorf("nested column read as %d columns", tbl.NumCols())
	}
	chunks := tbl.Column(0).Data().Chunks()
	switch len(chunks) {
	case 0:
		return array.MakeArrayOfNull(mem, tbl.Column(0).DataType(), 0), nil
	case 1:
		chunks[0].Retain()
		return chunks[0], nil
	}
	return array.Concatenate(chunks, mem)
}
