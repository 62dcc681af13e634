package exec

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// JoinType is the kind of a join.
type JoinType int

const (
	JoinInner JoinType = iota
	JoinLeft           // probe rows without a match are kept, build side NULL
	JoinRight          // build rows without a match are kept, probe side NULL
	JoinFull
	JoinSemi // probe rows with at least one match, probe columns only
	JoinAnti // probe rows without any match, probe columns only
)

func (j JoinType) String() string {
	switch j {
	case JoinInner:
		return "inner"
	case JoinLeft:
		return "left"
	case JoinRight:
		return "right"
	case JoinFull:
		return "full"
	case JoinSemi:
		return "semi"
	case JoinAnti:
		return "anti"
	}
	return fmt.Sprintf("join%d", int(j))
}

// compileJoinExpr compiles residual conditions (a variable so tests can
// plug in an evaluator).
var compileJoinExpr = expr.Compile

// hashJoin joins probe rows to the build rows with equal keys (NULL keys
// never match) and, when residual is set, for which residual (over the
// probe columns followed by the build columns) is true. The build side is
// read once, from all its partitions in parallel, into one record and a
// hash table from key to the build rows holding it; every probe partition
// shares it. Without keys (a nested loop join) every build row is a
// candidate for every probe row.
type hashJoin struct {
	name                 string // "HashJoin" or "NestedLoopJoin"
	probe, build         PhysicalPlan
	jt                   JoinType
	probeKeys, buildKeys []int
	residual             planner.Expr
	schema               *arrow.Schema
	pairSchema           *arrow.Schema // probe ++ build columns
	packKeys             bool          // both sides' keys pack into an int64 (hashtable_pair.go)
}

// NewHashJoin builds an equi-join. Output columns are the probe columns
// then the build columns (Semi/Anti: probe columns only).
func NewHashJoin(probe, build PhysicalPlan, jt JoinType, probeKeys, buildKeys []int, residual planner.Expr, schema *arrow.Schema) PhysicalPlan {
	return newJoin("HashJoin", probe, build, jt, probeKeys, buildKeys, residual, schema)
}

func newJoin(name string, probe, build PhysicalPlan, jt JoinType, probeKeys, buildKeys []int, residual planner.Expr, schema *arrow.Schema) *hashJoin {
	fs := append(append([]arrow.Field(nil), probe.Schema().Fields()...), build.Schema().Fields()...)
	return &hashJoin{name: name, probe: probe, build: build, jt: jt, probeKeys: probeKeys, buildKeys: buildKeys,
		residual: residual, schema: schema, pairSchema: arrow.NewSchema(fs, nil),
		packKeys: packableJoinKeys(keyTypes(probe, probeKeys), keyTypes(build, buildKeys))}
}

// keyTypes is the types of the key columns of p.
func keyTypes(p PhysicalPlan, keys []int) []arrow.DataType {
	dts := make([]arrow.DataType, len(keys))
	for i, c := range keys {
		dts[i] = p.Schema().Field(c).Type
	}
	return dts
}

func (j *hashJoin) Schema() *arrow.Schema    { return j.schema }
func (j *hashJoin) Children() []PhysicalPlan { return []PhysicalPlan{j.probe, j.build} }
func (j *hashJoin) Partitions() int          { return max(1, j.probe.Partitions()) }

func colList(cols []int) string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = fmt.Sprintf("#%d", c)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func (j *hashJoin) String() string {
	var b strings.Builder
	b.WriteString(j.name + " " + j.jt.String())
	if j.name == "HashJoin" {
		b.WriteString(" probe=" + colList(j.probeKeys) + " build=" + colList(j.buildKeys))
	}
	if j.residual != nil {
		if j.name == "HashJoin" {
			b.WriteString(" residual=" + j.residual.String())
		} else {
			b.WriteString(" cond=" + j.residual.String())
		}
	}
	return b.String()
}

// joinBuild is the build side shared by every probe partition.
type joinBuild struct {
	once   sync.Once
	err    error
	rec    arrow.Record      // all build rows; nil when there are none
	table  *partitionedTable // nil for a nested loop join
	start  []int32           // rows of group g: rows[start[g]:start[g+1]]
	rows   []int32
	resid  expr.Evaluator
	match  []uint32 // Right/Full: bitmap of build rows that found a match
	nbuild int
	grace  *joinGrace // set when the build side spilled: output comes from disk

	finished atomic.Int32 // probe partitions at end of input
	closed   atomic.Int32
}

func (j *hashJoin) Open(tc *TaskContext, partition int) (Operator, error) {
	if len(j.probeKeys) != len(j.buildKeys) {
		return nil, sqlerr.New(sqlerr.Internal, "hash join: %d probe keys, %d build keys", len(j.probeKeys), len(j.buildKeys))
	}
	for i := range j.probeKeys {
		for _, dt := range []arrow.DataType{j.probe.Schema().Field(j.probeKeys[i]).Type, j.build.Schema().Field(j.buildKeys[i]).Type} {
			if err := keyTypeError(dt); err != nil {
				return nil, err
			}
		}
		pk := keyKindOf(j.probe.Schema().Field(j.probeKeys[i]).Type)
		bk := keyKindOf(j.build.Schema().Field(j.buildKeys[i]).Type)
		if pk != bk {
			return nil, sqlerr.New(sqlerr.DatatypeMismatch, "hash join: key %d compares %s with %s",
				i, j.probe.Schema().Field(j.probeKeys[i]).Type, j.build.Schema().Field(j.buildKeys[i]).Type)
		}
	}
	sh := tc.Shared(j, func() any { return &joinBuild{} }).(*joinBuild)
	child, err := j.probe.Open(tc, partition)
	if err != nil {
		return nil, err
	}
	op := &hashJoinOp{j: j, tc: tc, sh: sh, child: child, mem: allocOf(tc), graceKey: partition}
	if len(j.probeKeys) > 0 {
		dts := make([]arrow.DataType, len(j.probeKeys))
		for i, c := range j.probeKeys {
			dts[i] = j.probe.Schema().Field(c).Type
		}
		op.enc = newJoinKeyEncoder(dts, j.packKeys)
		op.keyArrs = make([]arrow.Array, len(dts))
	}
	return op, nil
}

// buildSide reads the whole build input and indexes it.
func (j *hashJoin) buildSide(tc *TaskContext, sh *joinBuild) {
	mem := allocOf(tc)
	if j.residual != nil {
		if sh.resid, sh.err = compileJoinExpr(j.residual); sh.err != nil {
			return
		}
	}
	parts := make([][]arrow.Record, max(1, j.build.Partitions()))
	// Past the memory limit the build side goes to disk (hashjoin_spill.go).
	canSpill := tc.MemoryLimit > 0 && len(j.buildKeys) > 0
	var held atomic.Int64
	var spilling atomic.Bool
	var spillMu sync.Mutex
	var spill *spillSet
	err := DrainPartitions(tc, j.build, func(p int, b batch.Batch) error {
		rec, err := batch.Compact(mem, b)
		if err != nil {
			return err
		}
		if spilling.Load() {
			defer rec.Release()
			return spillPartition(mem, spill, rec, j.buildKeys, j.packKeys)
		}
		parts[p] = append(parts[p], rec)
		if canSpill && held.Add(recordBytes(rec)) > tc.MemoryLimit {
			spillMu.Lock()
			if spill == nil {
				spill = j.newBuildSpill(tc)
				spilling.Store(true)
			}
			spillMu.Unlock()
		}
		return nil
	})
	var recs []arrow.Record
	for _, p := range parts {
		recs = append(recs, p...)
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if spill != nil {
		defer spill.removeAll()
	}
	if err != nil {
		sh.err = err
		return
	}
	if spill != nil {
		for _, r := range recs {
			if sh.err = spillPartition(mem, spill, r, j.buildKeys, j.packKeys); sh.err != nil {
				return
			}
		}
		if sh.err = spill.finish(); sh.err != nil {
			return
		}
		sh.grace, sh.err = j.grace(tc, spill)
		return
	}
	if len(recs) > 0 {
		sh.rec, sh.err = ConcatRecords(mem, j.build.Schema(), recs)
		if sh.err != nil {
			return
		}
		sh.nbuild = int(sh.rec.NumRows())
	}
	n := sh.nbuild
	if j.jt == JoinRight || j.jt == JoinFull {
		sh.match = make([]uint32, (n+31)/32)
	}
	if len(j.buildKeys) == 0 {
		// nested loop: one group holding every build row
		sh.start = []int32{0, int32(n)}
		sh.rows = make([]int32, n)
		for i := range sh.rows {
			sh.rows[i] = int32(i)
		}
		return
	}
	dts := make([]arrow.DataType, len(j.buildKeys))
	for i, c := range j.buildKeys {
		dts[i] = j.build.Schema().Field(c).Type
	}
	enc := newJoinKeyEncoder(dts, j.packKeys)
	if n == 0 {
		sh.table = &partitionedTable{tables: []*hashTable{newHashTable(enc.intMode, 16)}, base: []int32{0}}
		sh.start = []int32{0}
		return
	}
	arrs := make([]arrow.Array, len(j.buildKeys))
	for i, c := range j.buildKeys {
		arrs[i] = sh.rec.Column(c)
	}
	enc.encode(arrs, nil, n, nil)
	var gids []int32 // NULL keys get -1: they never match
	sh.table, gids = buildPartitioned(enc, n, buildTables(n, tc.Workers), tc.Workers)
	// counting sort of build rows by group (CSR)
	ng := sh.table.groups()
	start := make([]int32, ng+1)
	for _, g := range gids {
		if g >= 0 {
			start[g+1]++
		}
	}
	for g := 0; g < ng; g++ {
		start[g+1] += start[g]
	}
	rows := make([]int32, start[ng])
	fill := append([]int32(nil), start[:ng]...)
	for r, g := range gids {
		if g >= 0 {
			rows[fill[g]] = int32(r)
			fill[g]++
		}
	}
	sh.start, sh.rows = start, rows
}

// ConcatRecords concatenates records of one schema into one record.
func ConcatRecords(mem memory.Allocator, schema *arrow.Schema, recs []arrow.Record) (arrow.Record, error) {
	if len(recs) == 1 {
		recs[0].Retain()
		return recs[0], nil
	}
	cols := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for c := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		arr, err := array.Concatenate(parts, mem)
		if err != nil {
			for _, a := range cols[:c] {
				a.Release()
			}
			return nil, err
		}
		cols[c] = arr
	}
	rec := array.NewRecord(schema, cols, rows)
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}

type hashJoinOp struct {
	j       *hashJoin
	tc      *TaskContext
	sh      *joinBuild
	child   Operator
	mem     memory.Allocator
	enc     *keyEncoder
	keyArrs []arrow.Array
	built   bool
	out     arrow.Record

	// current probe batch
	cur     batch.Batch
	n       int
	gids    []int32
	i       int   // next live probe row to pair
	k       int32 // next position in its chain
	matched []bool
	pi, bi  []int32 // candidate pairs: probe physical row, build row
	pl      []int32 // live index of each pair's probe row
	sel     []int32

	// Right/Full tail: unmatched build rows
	probeDone bool
	tail      bool
	tailPos   int

	// after a spill: the next output file this partition streams
	// (partition, partition + Partitions(), …) and its cursor
	graceKey int
	graceCur *runCursor
}

func (o *hashJoinOp) Next(ctx context.Context) (batch.Batch, error) {
	if o.out != nil {
		o.out.Release()
		o.out = nil
	}
	if !o.built {
		o.built = true
		o.sh.once.Do(func() { o.j.buildSide(o.tc, o.sh) })
	}
	if o.sh.err != nil {
		return batch.Batch{}, o.sh.err
	}
	if o.sh.grace != nil {
		return o.nextGrace(ctx)
	}
	jt := o.j.jt
	for {
		if err := ctx.Err(); err != nil {
			return batch.Batch{}, cancelErr(err)
		}
		if o.tail {
			return o.nextTail()
		}
		if o.cur.Rec == nil {
			if o.probeDone {
				return batch.Batch{}, nil
			}
			b, err := o.child.Next(ctx)
			if err != nil {
				return batch.Batch{}, err
			}
			if b.End() {
				o.probeDone = true
				if (jt == JoinRight || jt == JoinFull) && int(o.sh.finished.Add(1)) == o.j.Partitions() {
					o.tail = true
				}
				continue
			}
			if b.Len() == 0 {
				continue
			}
			o.startBatch(b)
			if o.j.residual == nil && (jt == JoinSemi || jt == JoinAnti) {
				// no pairs needed: a row matches iff its key is found
				o.sel = o.sel[:0]
				for i := 0; i < o.n; i++ {
					if (o.gids[i] >= 0) == (jt == JoinSemi) {
						o.sel = append(o.sel, int32(b.Row(i)))
					}
				}
				o.cur = batch.Batch{}
				if len(o.sel) > 0 {
					return batch.Batch{Rec: b.Rec, Sel: o.sel}, nil
				}
				continue
			}
		}
		if o.nextPairs() {
			b, ok, err := o.emitPairs()
			if err != nil {
				return batch.Batch{}, err
			}
			if ok {
				return b, nil
			}
			continue
		}
		// every candidate of this probe batch was examined
		b, ok := o.emitUnpaired()
		o.cur = batch.Batch{}
		if ok {
			return b, nil
		}
	}
}

func (o *hashJoinOp) startBatch(b batch.Batch) {
	o.cur = b
	o.n = b.Len()
	o.i, o.k = 0, 0
	o.gids = growSlice(o.gids, o.n)
	o.matched = growSlice(o.matched, o.n)
	clear(o.matched)
	if o.sh.nbuild == 0 {
		for i := range o.gids {
			o.gids[i] = -1
		}
		return
	}
	if o.enc == nil {
		clear(o.gids) // nested loop: every row pairs with group 0
		return
	}
	for i, c := range o.j.probeKeys {
		o.keyArrs[i] = b.Column(c)
	}
	o.enc.encode(o.keyArrs, b.Sel, o.n, nil)
	o.sh.table.find(o.enc, o.gids)
}

// nextPairs collects up to a batch of candidate pairs; false when the probe
// batch is exhausted.
func (o *hashJoinOp) nextPairs() bool {
	limit := max(o.tc.BatchSize, 1)
	o.pi, o.bi, o.pl = o.pi[:0], o.bi[:0], o.pl[:0]
	semi := o.j.jt == JoinSemi || o.j.jt == JoinAnti
	start, rows := o.sh.start, o.sh.rows
	for o.i < o.n && len(o.pi) < limit {
		g := o.gids[o.i]
		if g < 0 || (semi && o.matched[o.i]) {
			o.i++
			o.k = 0
			continue
		}
		chain := rows[start[g]+o.k : start[g+1]]
		take := min(len(chain), limit-len(o.pi))
		prow := int32(o.cur.Row(o.i))
		for _, r := range chain[:take] {
			o.pi = append(o.pi, prow)
			o.bi = append(o.bi, r)
			o.pl = append(o.pl, int32(o.i))
		}
		if take == len(chain) {
			o.i++
			o.k = 0
		} else {
			o.k += int32(take)
		}
	}
	return len(o.pi) > 0
}

// pairRecord gathers probe and build columns of the pairs.
func (o *hashJoinOp) pairRecord(pi, bi []int32, probeCols bool) arrow.Record {
	var cols []arrow.Array
	if probeCols {
		for c := 0; c < int(o.cur.Rec.NumCols()); c++ {
			cols = append(cols, batch.Take(o.mem, o.cur.Column(c), pi))
		}
	} else {
		for _, f := range o.j.probe.Schema().Fields() {
			cols = append(cols, array.MakeArrayOfNull(o.mem, f.Type, len(bi)))
		}
	}
	if bi != nil {
		for c := 0; c < int(o.sh.rec.NumCols()); c++ {
			cols = append(cols, batch.Take(o.mem, o.sh.rec.Column(c), bi))
		}
	} else {
		for _, f := range o.j.build.Schema().Fields() {
			cols = append(cols, array.MakeArrayOfNull(o.mem, f.Type, len(pi)))
		}
	}
	n := len(pi)
	if !probeCols {
		n = len(bi)
	}
	rec := array.NewRecord(o.j.pairSchema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// emitPairs applies the residual to the current pairs, records matches and
// returns the joined rows (ok = false when there is nothing to emit).
func (o *hashJoinOp) emitPairs() (batch.Batch, bool, error) {
	jt := o.j.jt
	needRec := o.sh.resid != nil || (jt != JoinSemi && jt != JoinAnti)
	var rec arrow.Record
	var sel []int32 // passing pairs when filtered
	filtered := o.sh.resid != nil
	if needRec {
		rec = o.pairRecord(o.pi, o.bi, true)
	}
	if o.sh.resid != nil {
		res, err := o.sh.resid.Eval(o.tc.Eval, batch.Batch{Rec: rec})
		if err != nil {
			rec.Release()
			return batch.Batch{}, false, err
		}
		bools, ok := res.(*array.Boolean)
		if !ok {
			res.Release()
			rec.Release()
			return batch.Batch{}, false, sqlerr.New(sqlerr.DatatypeMismatch, "join condition must be boolean, not %s", res.DataType())
		}
		o.sel = o.sel[:0]
		for p := 0; p < bools.Len(); p++ {
			if bools.IsValid(p) && bools.Value(p) {
				o.sel = append(o.sel, int32(p))
			}
		}
		res.Release()
		sel = o.sel
	}
	mark := func(p int) {
		o.matched[o.pl[p]] = true
		if o.sh.match != nil {
			r := o.bi[p]
			w, bit := &o.sh.match[r>>5], uint32(1)<<(r&31)
			if atomic.LoadUint32(w)&bit == 0 {
				atomic.OrUint32(w, bit)
			}
		}
	}
	if !filtered {
		for p := range o.pi {
			mark(p)
		}
	} else {
		for _, p := range sel {
			mark(int(p))
		}
	}
	if jt == JoinSemi || jt == JoinAnti {
		if rec != nil {
			rec.Release()
		}
		return batch.Batch{}, false, nil
	}
	if filtered && len(sel) == 0 {
		rec.Release()
		return batch.Batch{}, false, nil
	}
	o.out = array.NewRecord(o.j.schema, rec.Columns(), rec.NumRows())
	rec.Release()
	return batch.Batch{Rec: o.out, Sel: sel}, true, nil
}

// emitUnpaired returns the rows a probe batch contributes once all its
// pairs are examined: unmatched rows for Left/Full/Anti, matched rows for
// Semi with a residual.
func (o *hashJoinOp) emitUnpaired() (batch.Batch, bool) {
	jt := o.j.jt
	if jt == JoinInner || jt == JoinRight {
		return batch.Batch{}, false
	}
	o.sel = o.sel[:0]
	for i := 0; i < o.n; i++ {
		if o.matched[i] == (jt == JoinSemi) {
			o.sel = append(o.sel, int32(o.cur.Row(i)))
		}
	}
	if len(o.sel) == 0 {
		return batch.Batch{}, false
	}
	if jt == JoinSemi || jt == JoinAnti {
		return batch.Batch{Rec: o.cur.Rec, Sel: o.sel}, true
	}
	rec := o.pairRecord(o.sel, nil, true)
	o.out = array.NewRecord(o.j.schema, rec.Columns(), rec.NumRows())
	rec.Release()
	return batch.Batch{Rec: o.out}, true
}

// nextTail emits the build rows no probe row matched (Right/Full), from the
// last probe partition to finish.
func (o *hashJoinOp) nextTail() (batch.Batch, error) {
	limit := max(o.tc.BatchSize, 1)
	o.bi = o.bi[:0]
	for o.tailPos < o.sh.nbuild && len(o.bi) < limit {
		r := o.tailPos
		if o.sh.match[r>>5]&(1<<(r&31)) == 0 {
			o.bi = append(o.bi, int32(r))
		}
		o.tailPos++
	}
	if len(o.bi) == 0 {
		o.tail = false
		return batch.Batch{}, nil
	}
	rec := o.pairRecord(nil, o.bi, false)
	o.out = array.NewRecord(o.j.schema, rec.Columns(), rec.NumRows())
	rec.Release()
	return batch.Batch{Rec: o.out}, nil
}

func (o *hashJoinOp) Close() error {
	if o.out != nil {
		o.out.Release()
		o.out = nil
	}
	err := o.child.Close()
	if o.graceCur != nil {
		o.graceCur.close()
		o.graceCur = nil
	}
	if g := o.sh.grace; g != nil {
		for ; o.graceKey < joinSpillFanout; o.graceKey += o.j.Partitions() {
			g.out.remove(o.graceKey)
		}
	}
	if int(o.sh.closed.Add(1)) == o.j.Partitions() && o.sh.rec != nil {
		o.sh.rec.Release()
		o.sh.rec = nil
	}
	return err
}
