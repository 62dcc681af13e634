package exec

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// AggSpec is one aggregate call of a HashAggregate.
type AggSpec struct {
	Func     string // "count_star", "count", "sum", "avg", "min", "max"
	Arg      int    // input column; -1 for count_star
	Distinct bool
	In, Out  types.T // argument type and result type (PostgreSQL's rules)
	// Param is a constant second argument: string_agg's delimiter,
	// percentile_cont/disc's fraction.
	Param any
}

func (a AggSpec) String() string {
	if a.Func == "count_star" {
		return "count(*)"
	}
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	return fmt.Sprintf("%s(%s#%d)", a.Func, d, a.Arg)
}

// hashAggregate groups its input by groupCols and computes aggs per group.
//
// Every child partition builds a partial hash table of its own (no locks on
// the hot path). Output partition p then merges, from every partial, the
// groups whose hash falls in radix partition p, so merging and output run in
// parallel across Partitions() = child.Partitions(). Without group columns
// there is one output row and one partition.
type hashAggregate struct {
	child     PhysicalPlan
	groupCols []int
	aggs      []AggSpec
	schema    *arrow.Schema
	parts     int
}

// NewHashAggregate builds a hash aggregation. Output columns are the group
// columns, then one per aggregate, typed as schema says.
func NewHashAggregate(child PhysicalPlan, groupCols []int, aggs []AggSpec, schema *arrow.Schema) PhysicalPlan {
	parts := 1
	if len(groupCols) > 0 {
		parts = max(1, child.Partitions())
	}
	return &hashAggregate{child: child, groupCols: groupCols, aggs: aggs, schema: schema, parts: parts}
}

func (h *hashAggregate) Schema() *arrow.Schema    { return h.schema }
func (h *hashAggregate) Children() []PhysicalPlan { return []PhysicalPlan{h.child} }
func (h *hashAggregate) Partitions() int          { return h.parts }

func (h *hashAggregate) String() string {
	keys := make([]string, len(h.groupCols))
	for i, c := range h.groupCols {
		keys[i] = fmt.Sprintf("#%d", c)
	}
	aggs := make([]string, len(h.aggs))
	for i, a := range h.aggs {
		aggs[i] = a.String()
	}
	return "HashAggregate keys=[" + strings.Join(keys, ", ") + "] aggs=[" + strings.Join(aggs, ", ") + "]"
}

// aggPartial is the state one child partition builds.
type aggPartial struct {
	table   *hashTable // nil without group columns (one group, id 0)
	enc     *keyEncoder
	states  []aggState
	gids    []int32
	keyArrs []arrow.Array
}

type aggShared struct {
	once     sync.Once
	err      error
	partials []*aggPartial
	spill    *aggSpill // nil: no memory limit (or no group columns)
}

// spilled reports whether the build wrote rows to disk.
func (sh *aggShared) spilled() bool { return sh.spill != nil && !sh.spill.empty() }

func (h *hashAggregate) keyTypes() []arrow.DataType {
	in := h.child.Schema()
	dts := make([]arrow.DataType, len(h.groupCols))
	for i, c := range h.groupCols {
		dts[i] = in.Field(c).Type
	}
	return dts
}

func (h *hashAggregate) newStates() ([]aggState, error) {
	in := h.child.Schema()
	states := make([]aggState, len(h.aggs))
	for i, a := range h.aggs {
		var dt arrow.DataType
		if a.Arg >= 0 {
			dt = in.Field(a.Arg).Type
		}
		st, err := newAggState(a, dt)
		if err != nil {
			return nil, err
		}
		states[i] = st
	}
	return states, nil
}

func (h *hashAggregate) newPartial() (*aggPartial, error) {
	states, err := h.newStates()
	if err != nil {
		return nil, err
	}
	p := &aggPartial{states: states, keyArrs: make([]arrow.Array, len(h.groupCols))}
	if len(h.groupCols) > 0 {
		p.enc = newKeyEncoder(h.keyTypes())
		p.table = newHashTable(p.enc.intMode, 256)
	} else {
		for _, st := range states {
			st.resize(1)
		}
	}
	return p, nil
}

func (p *aggPartial) groups() int {
	if p.table == nil {
		return 1
	}
	return p.table.groups()
}

func (h *hashAggregate) consume(p *aggPartial, b batch.Batch) error {
	n := b.Len()
	p.gids = growSlice(p.gids, n)
	if p.table != nil {
		for i, c := range h.groupCols {
			p.keyArrs[i] = b.Column(c)
		}
		p.enc.encode(p.keyArrs, b.Sel, n, nil)
		p.table.findOrInsert(p.enc, p.gids)
		for _, st := range p.states {
			st.resize(p.table.groups())
		}
	} else {
		clear(p.gids)
	}
	for i, a := range h.aggs {
		var arr arrow.Array
		if a.Arg >= 0 {
			arr = b.Column(a.Arg)
		}
		if err := p.states[i].update(arr, b.Sel, n, p.gids); err != nil {
			return err
		}
	}
	return nil
}

func (h *hashAggregate) build(tc *TaskContext, sh *aggShared) {
	parts := make([]*aggPartial, max(1, h.child.Partitions()))
	if len(h.groupCols) > 0 && tc.MemoryLimit > 0 {
		sh.spill = h.newAggSpill(tc)
	}
	mem := allocOf(tc)
	sh.err = DrainPartitions(tc, h.child, func(part int, b batch.Batch) error {
		p := parts[part]
		if p == nil {
			var err error
			if p, err = h.newPartial(); err != nil {
				return err
			}
			parts[part] = p
		}
		sp := sh.spill
		if sp == nil {
			return h.consume(p, b)
		}
		if sp.frozen.Load() {
			return h.consumeFrozen(mem, sp, p, b)
		}
		before := p.groups()
		if err := h.consume(p, b); err != nil {
			return err
		}
		sp.grew(p.groups() - before)
		return nil
	})
	sh.partials = parts
	if sh.spill != nil {
		if err := sh.spill.finish(); err != nil && sh.err == nil {
			sh.err = err
		}
		if sh.err != nil {
			sh.spill.removeAll()
		}
	}
}

// mergePartition merges radix partition part of every partial into one
// table and returns the output record (nil when it has no groups). With
// sub ≥ 0 (after spilling) it takes only the groups of that
// sub-partition, and adds the rows spilled for (part, sub).
func (h *hashAggregate) mergePartition(tc *TaskContext, sh *aggShared, part, sub int) (arrow.Record, error) {
	states, err := h.newStates()
	if err != nil {
		return nil, err
	}
	var table *hashTable
	ngroups := 1
	if len(h.groupCols) > 0 {
		table = newHashTable(keyKindOf(h.keyTypes()[0]) == keyInt && len(h.groupCols) == 1, 256)
		ngroups = 0
	}
	for _, st := range states {
		st.resize(ngroups)
	}
	var gmap []int32
	for _, p := range sh.partials {
		if p == nil {
			continue
		}
		if err := tc.Ctx.Err(); err != nil {
			return nil, cancelErr(err)
		}
		gmap = growSlice(gmap, p.groups())
		if table == nil {
			gmap[0] = 0
		} else {
			for g, hv := range p.table.hashes {
				gmap[g] = -1
				if radixPart(hv, h.parts) == part && (sub < 0 || aggSubPart(hv) == sub) {
					gmap[g] = table.insertFrom(p.table, int32(g))
				}
			}
			ngroups = table.groups()
		}
		for i, st := range states {
			st.resize(ngroups)
			if err := st.merge(p.states[i], gmap); err != nil {
				return nil, err
			}
		}
	}
	mem := allocOf(tc)
	if sub >= 0 {
		var err error
		if ngroups, err = h.addSpilled(mem, sh.spill, part, sub, table, states); err != nil {
			return nil, err
		}
	}
	if ngroups == 0 {
		return nil, nil
	}
	cols := make([]arrow.Array, 0, h.schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	if table != nil {
		dts := make([]arrow.DataType, len(h.groupCols))
		for i := range dts {
			dts[i] = h.schema.Field(i).Type
		}
		cols = append(cols, table.keyColumns(mem, dts)...)
	}
	for i, st := range states {
		arr, err := st.build(mem, h.schema.Field(len(h.groupCols)+i).Type)
		if err != nil {
			return nil, err
		}
		cols = append(cols, arr)
	}
	return array.NewRecord(h.schema, cols, int64(ngroups)), nil
}

// addSpilled aggregates the rows spilled for (part, sub) into table and
// states and returns the number of groups.
func (h *hashAggregate) addSpilled(mem memory.Allocator, sp *aggSpill, part, sub int, table *hashTable, states []aggState) (int, error) {
	enc := newKeyEncoder(h.keyTypes())
	keyArrs := make([]arrow.Array, len(h.groupCols))
	var gids []int32
	err := sp.read(mem, part*aggSpillFanout+sub, func(rec arrow.Record) error {
		n := int(rec.NumRows())
		gids = growSlice(gids, n)
		for i, c := range h.groupCols {
			keyArrs[i] = rec.Column(c)
		}
		enc.encode(keyArrs, nil, n, nil)
		table.findOrInsert(enc, gids)
		for i, a := range h.aggs {
			states[i].resize(table.groups())
			var arr arrow.Array
			if a.Arg >= 0 {
				arr = rec.Column(a.Arg)
			}
			if err := states[i].update(arr, nil, n, gids); err != nil {
				return err
			}
		}
		return nil
	})
	return table.groups(), err
}

func (h *hashAggregate) Open(tc *TaskContext, partition int) (Operator, error) {
	for _, dt := range h.keyTypes() {
		if err := keyTypeError(dt); err != nil {
			return nil, err
		}
	}
	sh := tc.Shared(h, func() any { return &aggShared{} }).(*aggShared)
	return &hashAggOp{h: h, tc: tc, sh: sh, part: partition}, nil
}

type hashAggOp struct {
	h     *hashAggregate
	tc    *TaskContext
	sh    *aggShared
	part  int
	done  bool
	rec   arrow.Record
	slice arrow.Record
	pos   int64
	sub   int // after spilling: the next sub-partition to merge
}

func (o *hashAggOp) Next(ctx context.Context) (batch.Batch, error) {
	if o.slice != nil {
		o.slice.Release()
		o.slice = nil
	}
	if !o.done {
		o.done = true
		o.sh.once.Do(func() { o.h.build(o.tc, o.sh) })
		if o.sh.err != nil {
			return batch.Batch{}, o.sh.err
		}
		if !o.sh.spilled() {
			rec, err := o.h.mergePartition(o.tc, o.sh, o.part, -1)
			if err != nil {
				return batch.Batch{}, err
			}
			o.rec = rec
		}
	}
	if err := ctx.Err(); err != nil {
		return batch.Batch{}, cancelErr(err)
	}
	// After spilling, sub-partitions are merged and emitted one by one.
	for o.sh.spilled() && (o.rec == nil || o.pos >= o.rec.NumRows()) && o.sub < aggSpillFanout {
		if o.rec != nil {
			o.rec.Release()
			o.rec = nil
		}
		rec, err := o.h.mergePartition(o.tc, o.sh, o.part, o.sub)
		o.sh.spill.remove(o.part*aggSpillFanout + o.sub)
		o.sub++
		if err != nil {
			return batch.Batch{}, err
		}
		o.rec, o.pos = rec, 0
	}
	if o.rec == nil || o.pos >= o.rec.NumRows() {
		return batch.Batch{}, nil
	}
	end := min(o.rec.NumRows(), o.pos+int64(o.tc.BatchSize))
	o.slice = o.rec.NewSlice(o.pos, end)
	o.pos = end
	return batch.Batch{Rec: o.slice}, nil
}

func (o *hashAggOp) Close() error {
	if o.slice != nil {
		o.slice.Release()
		o.slice = nil
	}
	if o.rec != nil {
		o.rec.Release()
		o.rec = nil
	}
	if o.sh.spilled() {
		for ; o.sub < aggSpillFanout; o.sub++ {
			o.sh.spill.remove(o.part*aggSpillFanout + o.sub)
		}
	}
	return nil
}
