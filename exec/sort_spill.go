package exec

import (
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// External sort. When the rows a sort holds pass the task's MemoryLimit,
// the partition holding the most sorts what it collected and writes it to
// a temporary file as a sorted run (Arrow IPC, one record per batch).
// At the end every remaining in-memory run is spilled too and the runs
// are k-way merged batch by batch, so memory stays at one batch per run.

// spillRun is one sorted run on disk.
type spillRun struct {
	path string
	rows int64
}

// writeSortedRun sorts recs by keys and writes them to a new file in dir.
func writeSortedRun(mem memory.Allocator, dir string, schema *arrow.Schema, recs []arrow.Record, keys []SortKey, batchRows int) (spillRun, error) {
	rec, err := ConcatRecords(mem, schema, recs)
	if err != nil {
		return spillRun{}, err
	}
	defer rec.Release()
	idx := sortedIndexes(rec, keys, 0, int(rec.NumRows()))
	f, err := os.CreateTemp(dir, "lode-sort-*.arrow")
	if err != nil {
		return spillRun{}, fmt.Errorf("sort: cannot spill: %w", err)
	}
	run := spillRun{path: f.Name(), rows: int64(len(idx))}
	fail := func(err error) (spillRun, error) {
		f.Close()
		os.Remove(run.path)
		return spillRun{}, fmt.Errorf("sort: spilling to %s: %w", run.path, err)
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		return fail(err)
	}
	for lo := 0; lo < len(idx); lo += batchRows {
		part := takeRecord(mem, rec, idx[lo:min(lo+batchRows, len(idx))])
		err := w.Write(part)
		part.Release()
		if err != nil {
			return fail(err)
		}
	}
	if err := w.Close(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	return run, nil
}

// runCursor reads one spilled run a record at a time.
type runCursor struct {
	f    *os.File
	r    *ipc.FileReader
	next int          // next record of the file
	cur  arrow.Record // current record
	pos  int          // next row of cur
	gen  int          // bumps when cur changes (invalidates comparators)
}

func openRun(mem memory.Allocator, run spillRun) (*runCursor, error) {
	f, err := os.Open(run.path)
	if err != nil {
		return nil, err
	}
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		f.Close()
		return nil, err
	}
	c := &runCursor{f: f, r: r}
	return c, c.advance()
}

// advance moves to the next non-empty record; cur is nil at the end.
func (c *runCursor) advance() error {
	if c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
	for c.next < c.r.NumRecords() {
		rec, err := c.r.Record(c.next)
		c.next++
		if err != nil {
			return err
		}
		if rec.NumRows() > 0 {
			rec.Retain()
			c.cur, c.pos = rec, 0
			c.gen++
			return nil
		}
	}
	return nil
}

func (c *runCursor) close() {
	if c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
	c.r.Close()
	c.f.Close()
}

// runMerger merges sorted runs into batches of the sort's output.
type runMerger struct {
	mem     memory.Allocator
	schema  *arrow.Schema
	keys    []SortKey
	cursors []*runCursor
	heap    []int // cursor indexes, ordered by head row
	cmps    map[[2]int]pairComparator
	runs    []spillRun
}

// pairComparator compares the head rows of two cursors' current records;
// gens say which records it was built for.
type pairComparator struct {
	genA, genB int
	keys       []func(i, j int) int
}

func newRunMerger(mem memory.Allocator, schema *arrow.Schema, keys []SortKey, runs []spillRun) (*runMerger, error) {
	m := &runMerger{mem: mem, schema: schema, keys: keys, runs: runs, cmps: map[[2]int]pairComparator{}}
	for _, run := range runs {
		c, err := openRun(mem, run)
		if err != nil {
			m.close()
			return nil, err
		}
		m.cursors = append(m.cursors, c)
		if c.cur != nil {
			m.heap = append(m.heap, len(m.cursors)-1)
		}
	}
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m, nil
}

// less orders cursors a and b by their head rows; ties go to the earlier
// run, which keeps the sort stable (runs are in input order).
func (m *runMerger) less(a, b int) bool {
	ca, cb := m.cursors[a], m.cursors[b]
	pc, ok := m.cmps[[2]int{a, b}]
	if !ok || pc.genA != ca.gen || pc.genB != cb.gen {
		pc = pairComparator{genA: ca.gen, genB: cb.gen, keys: make([]func(i, j int) int, len(m.keys))}
		for k, key := range m.keys {
			pc.keys[k] = keyPairCmp(ca.cur.Column(key.Col), cb.cur.Column(key.Col), key)
		}
		m.cmps[[2]int{a, b}] = pc
	}
	for _, f := range pc.keys {
		if r := f(ca.pos, cb.pos); r != 0 {
			return r < 0
		}
	}
	return a < b
}

func (m *runMerger) down(i int) {
	n := len(m.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		s := l
		if r := l + 1; r < n && m.less(m.heap[r], m.heap[l]) {
			s = r
		}
		if !m.less(m.heap[s], m.heap[i]) {
			return
		}
		m.heap[i], m.heap[s] = m.heap[s], m.heap[i]
		i = s
	}
}

// next returns up to n merged rows; nil at the end.
func (m *runMerger) next(ctx context.Context, n int) (arrow.Record, error) {
	if len(m.heap) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, cancelErr(err)
	}
	// Collect (cursor record, row) picks, then gather them column by
	// column: rows from one record are taken together.
	type pick struct {
		rec arrow.Record
		row int32
	}
	picks := make([]pick, 0, n)
	var held []arrow.Record
	for len(picks) < n && len(m.heap) > 0 {
		top := m.heap[0]
		c := m.cursors[top]
		picks = append(picks, pick{c.cur, int32(c.pos)})
		c.pos++
		if int64(c.pos) == c.cur.NumRows() {
			c.cur.Retain() // picks still point into it
			held = append(held, c.cur)
			if err := c.advance(); err != nil {
				return nil, err
			}
			if c.cur == nil {
				m.heap[0] = m.heap[len(m.heap)-1]
				m.heap = m.heap[:len(m.heap)-1]
			}
		}
		if len(m.heap) > 0 {
			m.down(0)
		}
	}
	defer func() {
		for _, r := range held {
			r.Release()
		}
	}()
	// Gather: consecutive picks from one record form one Take.
	var parts []arrow.Record
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for lo := 0; lo < len(picks); {
		hi := lo
		var idx []int32
		for hi < len(picks) && picks[hi].rec == picks[lo].rec {
			idx = append(idx, picks[hi].row)
			hi++
		}
		parts = append(parts, takeRecord(m.mem, picks[lo].rec, idx))
		lo = hi
	}
	out, err := ConcatRecords(m.mem, m.schema, parts)
	if err != nil {
		return nil, err
	}
	rec := array.NewRecord(m.schema, out.Columns(), out.NumRows())
	out.Release()
	return rec, nil
}

// close releases the cursors and deletes the run files.
func (m *runMerger) close() {
	for _, c := range m.cursors {
		c.close()
	}
	m.cursors = nil
	for _, r := range m.runs {
		os.Remove(r.path)
	}
	m.runs = nil
}

// recordBytes estimates the memory a record's rows take. Batches are
// often slices of a larger record (a scan slices its row group), so the
// size is computed from the rows in the slice, not from the buffers they
// share: counting whole buffers would charge a row group once per batch.
func recordBytes(rec arrow.Record) int64 {
	var n int64
	for _, c := range rec.Columns() {
		n += arrayBytes(c)
	}
	return n
}

func arrayBytes(a arrow.Array) int64 {
	n := int64(a.Len())
	size := (n + 7) / 8 // validity
	switch arr := a.(type) {
	case *array.String:
		offs := arr.ValueOffsets()
		return size + 4*(n+1) + int64(offs[n]-offs[0])
	case *array.Binary:
		offs := arr.ValueOffsets()
		return size + 4*(n+1) + int64(offs[n]-offs[0])
	case *array.List:
		offs := arr.Offsets()
		vals := array.NewSlice(arr.ListValues(), int64(offs[0]), int64(offs[n]))
		defer vals.Release()
		return size + 4*(n+1) + arrayBytes(vals)
	case *array.Boolean:
		return size + (n+7)/8
	case *array.Struct:
		for i := 0; i < arr.NumField(); i++ {
			size += arrayBytes(arr.Field(i))
		}
		return size
	}
	if fw, ok := a.DataType().(arrow.FixedWidthDataType); ok {
		return size + n*int64(fw.BitWidth()/8)
	}
	return size + dataBytes(a.Data())
}
func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}
