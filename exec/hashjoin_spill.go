package exec

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/exec/batch"
)

// Grace hash join. When the build side passes the task's MemoryLimit while
// it is read, the join stops holding it: every build row (those read so
// far and the rest) is written to one of joinSpillFanout files by the hash
// of its key, the whole probe side likewise, and then each pair of files
// — rows whose keys can only match each other — is joined on its own by
// the same hash join over the two files, its output written to a file
// that one of the operator's output partitions streams. NULL keys never
// match; their rows go to pair 0, where outer joins still emit them.
// Memory then holds one pair's build side at a time.

// joinSpillFanout is how many file pairs a spilled join is split into.
const joinSpillFanout = 16

// SpilledJoinRows counts the build and probe rows hash joins in this
// process have written to disk (a server metric; tests read it too).
var SpilledJoinRows atomic.Int64

// joinGrace is the state of a spilled join: the joined output, one file
// per pair.
type joinGrace struct {
	out *spillSet
}

// spillPartition writes rec's rows to the files of set by key hash.
func spillPartition(mem memory.Allocator, set *spillSet, rec arrow.Record, keys []int, pack bool) error {
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	dts := make([]arrow.DataType, len(keys))
	arrs := make([]arrow.Array, len(keys))
	for i, c := range keys {
		dts[i], arrs[i] = rec.Column(c).DataType(), rec.Column(c)
	}
	enc := newJoinKeyEncoder(dts, pack)
	enc.encode(arrs, nil, n, nil)
	rows := make([][]int32, joinSpillFanout)
	for i := 0; i < n; i++ {
		k := 0
		if !(enc.hasNulls && enc.nulls[i]) {
			k = aggSubPart(enc.hashes[i])
		}
		rows[k] = append(rows[k], int32(i))
	}
	for k, idx := range rows {
		if len(idx) == 0 {
			continue
		}
		part := takeRecord(mem, rec, idx)
		err := set.write(mem, k, part)
		part.Release()
		if err != nil {
			return err
		}
	}
	SpilledJoinRows.Add(int64(n))
	return nil
}

// newBuildSpill is the file set a spilling build side is written to.
func (j *hashJoin) newBuildSpill(tc *TaskContext) *spillSet {
	return newSpillSet(tc.SpillDir, "lode-join-build", j.build.Schema())
}

// grace runs the spilled join: probe side to files, then pair by pair.
func (j *hashJoin) grace(tc *TaskContext, build *spillSet) (*joinGrace, error) {
	mem := allocOf(tc)
	probe := newSpillSet(tc.SpillDir, "lode-join-probe", j.probe.Schema())
	defer probe.removeAll()
	err := DrainPartitions(tc, j.probe, func(p int, b batch.Batch) error {
		rec, err := batch.Compact(mem, b)
		if err != nil {
			return err
		}
		defer rec.Release()
		return spillPartition(mem, probe, rec, j.probeKeys, j.packKeys)
	})
	if err == nil {
		err = probe.finish()
	}
	if err != nil {
		return nil, err
	}
	g := &joinGrace{out: newSpillSet(tc.SpillDir, "lode-join-out", j.schema)}
	for k := 0; k < joinSpillFanout; k++ {
		if err := j.joinPair(tc, mem, build, probe, k, g.out); err != nil {
			g.out.finish()
			g.out.removeAll()
			return nil, err
		}
		build.remove(k)
		probe.remove(k)
	}
	if err := g.out.finish(); err != nil {
		g.out.removeAll()
		return nil, err
	}
	return g, nil
}

// joinPair joins build file k with probe file k into output file k.
func (j *hashJoin) joinPair(tc *TaskContext, mem memory.Allocator, build, probe *spillSet, k int, out *spillSet) error {
	sub := newJoin(j.name, &spillSource{set: probe, key: k, schema: j.probe.Schema()},
		&spillSource{set: build, key: k, schema: j.build.Schema()},
		j.jt, j.probeKeys, j.buildKeys, j.residual, j.schema)
	// One pair's build side is a sixteenth of the whole; it is not split
	// again.
	stc := NewTaskContext(tc.Ctx, tc.Eval, tc.Workers, tc.BatchSize)
	stc.Env = tc.Env
	return DrainPartitions(stc, sub, func(_ int, b batch.Batch) error {
		rec, err := batch.Compact(mem, b)
		if err != nil {
			return err
		}
		defer rec.Release()
		return out.write(mem, k, rec)
	})
}

// spillSource reads one file of a spillSet as a one-partition plan.
type spillSource struct {
	set    *spillSet
	key    int
	schema *arrow.Schema
}

func (s *spillSource) Schema() *arrow.Schema    { return s.schema }
func (s *spillSource) Children() []PhysicalPlan { return nil }
func (s *spillSource) Partitions() int          { return 1 }
func (s *spillSource) String() string           { return fmt.Sprintf("SpillScan #%d", s.key) }

func (s *spillSource) Open(tc *TaskContext, _ int) (Operator, error) {
	op := &spillSourceOp{}
	if sf := s.set.files[s.key]; sf != nil {
		c, err := openRun(allocOf(tc), spillRun{path: sf.path})
		if err != nil {
			return nil, err
		}
		op.cur = c
	}
	return op, nil
}

// spillSourceOp streams a spill file's records.
type spillSourceOp struct {
	cur  *runCursor
	last arrow.Record
}

func (o *spillSourceOp) Next(ctx context.Context) (batch.Batch, error) {
	if o.last != nil {
		o.last.Release()
		o.last = nil
	}
	if o.cur == nil || o.cur.cur == nil {
		return batch.Batch{}, nil
	}
	if err := ctx.Err(); err != nil {
		return batch.Batch{}, cancelErr(err)
	}
	rec := o.cur.cur
	rec.Retain()
	o.last = rec
	if err := o.cur.advance(); err != nil {
		return batch.Batch{}, err
	}
	return batch.Batch{Rec: rec}, nil
}

func (o *spillSourceOp) Close() error {
	if o.last != nil {
		o.last.Release()
		o.last = nil
	}
	if o.cur != nil {
		o.cur.close()
		o.cur = nil
	}
	return nil
}

// nextGrace streams this partition's share of a spilled join's output.
func (o *hashJoinOp) nextGrace(ctx context.Context) (batch.Batch, error) {
	g := o.sh.grace
	for {
		if err := ctx.Err(); err != nil {
			return batch.Batch{}, cancelErr(err)
		}
		if c := o.graceCur; c != nil && c.cur != nil {
			rec := c.cur
			rec.Retain()
			o.out = rec
			if err := c.advance(); err != nil {
				return batch.Batch{}, err
			}
			return batch.Batch{Rec: rec}, nil
		}
		if o.graceCur != nil {
			o.graceCur.close()
			o.graceCur = nil
			g.out.remove(o.graceKey)
			o.graceKey += o.j.Partitions()
		}
		if o.graceKey >= joinSpillFanout {
			return batch.Batch{}, nil
		}
		sf := g.out.files[o.graceKey]
		if sf == nil {
			o.graceKey += o.j.Partitions()
			continue
		}
		c, err := openRun(o.mem, spillRun{path: sf.path})
		if err != nil {
			return batch.Batch{}, err
		}
		o.graceCur = c
	}
}
