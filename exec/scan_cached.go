package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/storage/parquet"
)

// readStored reads the stored columns of row group g of the open file at
// path (of the given size), taking the chunks the column cache holds from it and decoding only
// the others (which then go into the cache).
func (p *ScanPlan) readStored(f *parquet.File, path string, size int64, g int, tc *TaskContext) (arrow.Record, error) {
	c := p.cache
	if c == nil {
		return f.ReadRowGroup(g, p.readCol, p.read, tc.Eval.Alloc)
	}
	cols := make([]arrow.Array, len(p.readCol))
	keys := make([]chunkKey, len(p.readCol))
	var missing []int
	for k, name := range p.readCol {
		keys[k] = newChunkKey(path, size, g, name, p.read.Field(k).Type)
		if cols[k] = c.get(keys[k]); cols[k] == nil {
			missing = append(missing, k)
		}
	}
	release := func() {
		for _, a := range cols {
			if a != nil {
				a.Release()
			}
		}
	}
	if len(missing) > 0 {
		names := make([]string, len(missing))
		fields := make([]arrow.Field, len(missing))
		for j, k := range missing {
			names[j], fields[j] = p.readCol[k], p.read.Field(k)
		}
		// Cached chunks outlive the query, so they come from the Go heap
		// rather than the query's allocator.
		rec, err := f.ReadRowGroup(g, names, arrow.NewSchema(fields, nil), memory.DefaultAllocator)
		if err != nil {
			release()
			return nil, err
		}
		for j, k := range missing {
			a := rec.Column(j)
			a.Retain()
			cols[k] = a
			c.put(keys[k], a)
		}
		rec.Release()
	}
	rec := array.NewRecord(p.read, cols, f.RowGroupNumRows(g))
	release()
	return rec, nil
}
