package exec

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/exec/batch"
)

// SortKey is one ORDER BY item over an input column.
type SortKey struct {
	Col        int
	Desc       bool
	NullsFirst bool
}

func (k SortKey) String() string {
	s := fmt.Sprintf("#%d", k.Col)
	if k.Desc {
		s += " DESC"
	}
	if k.NullsFirst {
		s += " NULLS FIRST"
	} else if k.Desc {
		s += " NULLS LAST"
	}
	return s
}

func keyList(keys []SortKey) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = k.String()
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// sortPlan sorts its whole input (limit < 0) or keeps its first limit rows
// (TopN). Child partitions are consumed in parallel, each sorted on its own
// goroutine, then k-way merged into one ordered output partition.
type sortPlan struct {
	child  PhysicalPlan
	keys   []SortKey
	schema *arrow.Schema
	limit  int64 // < 0: no limit
	// Spills counts the sorted runs written to disk (EXPLAIN ANALYZE,
	// tests).
	Spills atomic.Int64
}

// NewSort sorts the input by keys (stable for equal keys); one output
// partition.
func NewSort(child PhysicalPlan, keys []SortKey, schema *arrow.Schema) PhysicalPlan {
	return &sortPlan{child: child, keys: keys, schema: schema, limit: -1}
}

func (s *sortPlan) Schema() *arrow.Schema    { return s.schema }
func (s *sortPlan) Children() []PhysicalPlan { return []PhysicalPlan{s.child} }
func (s *sortPlan) Partitions() int          { return 1 }

func (s *sortPlan) String() string {
	if s.limit >= 0 {
		return fmt.Sprintf("TopN %d %s", s.limit, keyList(s.keys))
	}
	return "Sort " + keyList(s.keys)
}

func (s *sortPlan) Open(tc *TaskContext, partition int) (Operator, error) {
	return &sortOp{s: s, tc: tc, mem: allocOf(tc)}, nil
}

type sortOp struct {
	s      *sortPlan
	tc     *TaskContext
	mem    memory.Allocator
	done   bool
	all    arrow.Record // every kept row, partitions concatenated
	order  []int32      // output order (rows of all)
	pos    int
	out    arrow.Record
	merger *runMerger // set when the sort spilled: output comes from disk
}

// sortRun is what one child partition collected.
type sortRun struct {
	recs  []arrow.Record
	rows  int
	bytes int64
}

func (r *sortRun) release() {
	for _, rec := range r.recs {
		rec.Release()
	}
	r.recs, r.rows, r.bytes = nil, 0, 0
}

// SpilledSortRuns counts the sorted runs every sort in this process has
// written to disk (a server metric; tests read it too).
var SpilledSortRuns atomic.Int64

// sortSpill is the spilling state of one sort execution.
type sortSpill struct {
	held atomic.Int64 // bytes of the rows held in memory, all partitions
	mu   sync.Mutex
	runs []spillRun
}

func (sp *sortSpill) add(run spillRun) {
	sp.mu.Lock()
	sp.runs = append(sp.runs, run)
	sp.mu.Unlock()
}

func (sp *sortSpill) removeFiles() {
	for _, r := range sp.runs {
		os.Remove(r.path)
	}
	sp.runs = nil
}

// prune keeps only the first limit rows of the run (TopN).
func (s *sortPlan) prune(mem memory.Allocator, r *sortRun) error {
	rec, err := ConcatRecords(mem, s.child.Schema(), r.recs)
	if err != nil {
		return err
	}
	defer rec.Release()
	idx := sortedIndexes(rec, s.keys, 0, int(rec.NumRows()))
	if int64(len(idx)) > s.limit {
		idx = idx[:s.limit]
	}
	kept := takeRecord(mem, rec, idx)
	r.release()
	r.recs, r.rows = []arrow.Record{kept}, int(kept.NumRows())
	return nil
}

func sortedIndexes(rec arrow.Record, keys []SortKey, from, to int) []int32 {
	idx := make([]int32, to-from)
	for i := range idx {
		idx[i] = int32(from + i)
	}
	c := newRowCmp(rec, keys)
	slices.SortFunc(idx, c.cmp)
	return idx
}

func takeRecord(mem memory.Allocator, rec arrow.Record, idx []int32) arrow.Record {
	cols := make([]arrow.Array, rec.NumCols())
	for c := range cols {
		cols[c] = batch.Take(mem, rec.Column(c), idx)
	}
	out := array.NewRecord(rec.Schema(), cols, int64(len(idx)))
	for _, c := range cols {
		c.Release()
	}
	return out
}

// run collects and sorts the input. It returns the rows and their order,
// or, when the rows outgrew the task's memory limit, a merger over the
// sorted runs spilled to disk.
func (s *sortPlan) run(tc *TaskContext, mem memory.Allocator) (arrow.Record, []int32, *runMerger, error) {
	runs := make([]sortRun, max(1, s.child.Partitions()))
	defer func() {
		for i := range runs {
			runs[i].release()
		}
	}()
	pruneAt := -1
	if s.limit >= 0 {
		pruneAt = max(int(min(s.limit, 1<<30))*2, tc.BatchSize, 1024)
	}
	sp := &sortSpill{}
	// A partition spills once the sort's rows pass the limit and it holds
	// at least its share of them.
	share := tc.MemoryLimit / int64(len(runs))
	err := DrainPartitions(tc, s.child, func(p int, b batch.Batch) error {
		rec, err := batch.Compact(mem, b)
		if err != nil {
			return err
		}
		r := &runs[p]
		r.recs = append(r.recs, rec)
		r.rows += int(rec.NumRows())
		if pruneAt >= 0 {
			if r.rows >= pruneAt {
				return s.prune(mem, r)
			}
			return nil
		}
		if tc.MemoryLimit <= 0 {
			return nil
		}
		size := recordBytes(rec)
		r.bytes += size
		if sp.held.Add(size) <= tc.MemoryLimit || r.bytes < share {
			return nil
		}
		return s.spill(tc, mem, sp, r)
	})
	if err != nil {
		sp.removeFiles()
		return nil, nil, nil, err
	}
	if len(sp.runs) > 0 {
		for p := range runs {
			if runs[p].rows > 0 {
				if err := s.spill(tc, mem, sp, &runs[p]); err != nil {
					sp.removeFiles()
					return nil, nil, nil, err
				}
			}
		}
		m, err := newRunMerger(mem, s.child.Schema(), s.keys, sp.runs)
		if err != nil {
			sp.removeFiles()
			return nil, nil, nil, err
		}
		return nil, nil, m, nil
	}
	// one record holding every run, run p at rows [bounds[p], bounds[p+1])
	var recs []arrow.Record
	bounds := []int{0}
	for _, r := range runs {
		recs = append(recs, r.recs...)
		bounds = append(bounds, bounds[len(bounds)-1]+r.rows)
	}
	if len(recs) == 0 || bounds[len(bounds)-1] == 0 {
		return nil, nil, nil, nil
	}
	all, err := ConcatRecords(mem, s.child.Schema(), recs)
	if err != nil {
		return nil, nil, nil, err
	}
	sorted := make([][]int32, len(runs))
	var wg sync.WaitGroup
	for p := range runs {
		if bounds[p+1] == bounds[p] {
			continue
		}
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			idx := sortedIndexes(all, s.keys, bounds[p], bounds[p+1])
			if s.limit >= 0 && int64(len(idx)) > s.limit {
				idx = idx[:s.limit]
			}
			sorted[p] = idx
		}(p)
	}
	wg.Wait()
	if err := tc.Ctx.Err(); err != nil {
		all.Release()
		return nil, nil, nil, cancelErr(err)
	}
	return all, mergeRuns(newRowCmp(all, s.keys), sorted, s.limit), nil, nil
}

// spill writes a partition's rows as a sorted run and frees them.
func (s *sortPlan) spill(tc *TaskContext, mem memory.Allocator, sp *sortSpill, r *sortRun) error {
	run, err := writeSortedRun(mem, tc.SpillDir, s.child.Schema(), r.recs, s.keys, max(tc.BatchSize, 1))
	if err != nil {
		return err
	}
	sp.add(run)
	s.Spills.Add(1)
	SpilledSortRuns.Add(1)
	sp.held.Add(-r.bytes)
	r.release()
	return nil
}

// mergeRuns k-way merges sorted index runs (a binary heap of run heads).
func mergeRuns(c rowCmp, runs [][]int32, limit int64) []int32 {
	var heads [][]int32
	total := 0
	for _, r := range runs {
		if len(r) > 0 {
			heads = append(heads, r)
			total += len(r)
		}
	}
	if limit >= 0 && int64(total) > limit {
		total = int(limit)
	}
	if len(heads) == 1 {
		return heads[0][:total]
	}
	less := func(a, b int) bool { return c.cmp(heads[a][0], heads[b][0]) < 0 }
	down := func(i int) {
		n := len(heads)
		for {
			l := 2*i + 1
			if l >= n {
				return
			}
			m := l
			if r := l + 1; r < n && less(r, l) {
				m = r
			}
			if !less(m, i) {
				return
			}
			heads[i], heads[m] = heads[m], heads[i]
			i = m
		}
	}
	for i := len(heads)/2 - 1; i >= 0; i-- {
		down(i)
	}
	out := make([]int32, 0, total)
	for len(out) < total {
		out = append(out, heads[0][0])
		if heads[0] = heads[0][1:]; len(heads[0]) == 0 {
			heads[0] = heads[len(heads)-1]
			heads = heads[:len(heads)-1]
		}
		if len(heads) > 0 {
			down(0)
		}
	}
	return out
}

func (o *sortOp) Next(ctx context.Context) (batch.Batch, error) {
	if o.out != nil {
		o.out.Release()
		o.out = nil
	}
	if !o.done {
		o.done = true
		if o.s.limit != 0 {
			all, order, merger, err := o.s.run(o.tc, o.mem)
			if err != nil {
				return batch.Batch{}, err
			}
			o.all, o.order, o.merger = all, order, merger
		}
	}
	if err := ctx.Err(); err != nil {
		return batch.Batch{}, cancelErr(err)
	}
	if o.merger != nil {
		rec, err := o.merger.next(ctx, max(o.tc.BatchSize, 1))
		if err != nil || rec == nil {
			return batch.Batch{}, err
		}
		o.out = array.NewRecord(o.s.schema, rec.Columns(), rec.NumRows())
		rec.Release()
		return batch.Batch{Rec: o.out}, nil
	}
	if o.pos >= len(o.order) {
		return batch.Batch{}, nil
	}
	end := min(len(o.order), o.pos+max(o.tc.BatchSize, 1))
	rec := takeRecord(o.mem, o.all, o.order[o.pos:end])
	o.pos = end
	o.out = array.NewRecord(o.s.schema, rec.Columns(), rec.NumRows())
	rec.Release()
	return batch.Batch{Rec: o.out}, nil
}

func (o *sortOp) Close() error {
	if o.out != nil {
		o.out.Release()
		o.out = nil
	}
	if o.all != nil {
		o.all.Release()
		o.all = nil
	}
	if o.merger != nil {
		o.merger.close()
		o.merger = nil
	}
	return nil
}
