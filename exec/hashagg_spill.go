package exec

import (
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/exec/batch"
)

// Hash aggregation past the memory limit (hybrid hash aggregation). While
// the groups of every partial table fit in TaskContext.MemoryLimit, rows
// aggregate in memory as usual. Once they do not, the tables freeze: a
// row whose group a partial already has still updates it in memory, a row
// of any other group is written to a spill file chosen by its key hash —
// the output partition (radixPart) and one of aggSpillFanout
// sub-partitions. Output partition p then works one sub-partition s at a
// time: it merges the in-memory groups of (p, s) from every partial, adds
// the spilled rows of (p, s), emits those groups and drops them. A group
// lives in exactly one (p, s), so each is complete when emitted, and
// memory holds the frozen tables plus one sub-partition's groups.

// aggSpillFanout is how many sub-partitions spilled rows are spread over.
const aggSpillFanout = 16

// aggSubPart picks a sub-partition from the hash bits radixPart leaves.
func aggSubPart(h uint64) int { return int(h & (aggSpillFanout - 1)) }

// SpilledAggRows counts the rows hash aggregations in this process have
// written to disk (a server metric; tests read it too).
var SpilledAggRows atomic.Int64

// aggSpill is the spilling state of one hash aggregation execution.
type aggSpill struct {
	limit     int64
	perGroup  int64        // estimated bytes of one group (key, hash, slots, states)
	held      atomic.Int64 // estimated bytes of every partial's groups
	frozen    atomic.Bool
	*spillSet // files by part*aggSpillFanout + sub
}

func (h *hashAggregate) newAggSpill(tc *TaskContext) *aggSpill {
	per := int64(8 + 8 + 4*2) // hash, slot, bookkeeping
	for _, dt := range h.keyTypes() {
		if w := keyWidth(keyKindOf(dt)); w > 0 {
			per += int64(w)
		} else {
			per += 24 // variable-width keys: a guess at a short string
		}
	}
	per += 16 * int64(len(h.aggs))
	return &aggSpill{limit: tc.MemoryLimit, perGroup: per, spillSet: newSpillSet(tc.SpillDir, "lode-agg", h.child.Schema())}
}

// grew records new groups and freezes the tables past the limit.
func (sp *aggSpill) grew(groups int) {
	if sp.limit > 0 && sp.held.Add(int64(groups)*sp.perGroup) > sp.limit {
		sp.frozen.Store(true)
	}
}

// lookupGroups finds each encoded row's group without inserting; a NULL
// key is a group like any other (find, made for joins, treats it as
// absent). gids[i] = -1 when the partial has no such group.
func (t *hashTable) lookupGroups(e *keyEncoder, gids []int32) {
	if !t.intMode {
		// Bytes-mode keys encode NULLs in the key bytes themselves.
		had := e.hasNulls
		e.hasNulls = false
		t.find(e, gids)
		e.hasNulls = had
		return
	}
	t.find(e, gids)
	if e.hasNulls {
		for i := 0; i < e.n; i++ {
			if e.nulls[i] {
				gids[i] = t.nullGID
			}
		}
	}
}

// consumeFrozen aggregates the rows of b whose groups p already has and
// spills the others.
func (h *hashAggregate) consumeFrozen(mem memory.Allocator, sp *aggSpill, p *aggPartial, b batch.Batch) error {
	n := b.Len()
	p.gids = growSlice(p.gids, n)
	for i, c := range h.groupCols {
		p.keyArrs[i] = b.Column(c)
	}
	p.enc.encode(p.keyArrs, b.Sel, n, nil)
	p.table.lookupGroups(p.enc, p.gids)
	var hitRows, hitGids []int32
	spill := map[int][]int32{}
	for i := 0; i < n; i++ {
		r := int32(b.Row(i))
		if g := p.gids[i]; g >= 0 {
			hitRows, hitGids = append(hitRows, r), append(hitGids, g)
			continue
		}
		hv := p.enc.hashes[i]
		k := radixPart(hv, h.parts)*aggSpillFanout + aggSubPart(hv)
		spill[k] = append(spill[k], r)
	}
	if len(hitRows) > 0 {
		for i, a := range h.aggs {
			var arr arrow.Array
			if a.Arg >= 0 {
				arr = b.Column(a.Arg)
			}
			if err := p.states[i].update(arr, hitRows, len(hitRows), hitGids); err != nil {
				return err
			}
		}
	}
	for k, rows := range spill {
		rec := takeRecord(mem, b.Rec, rows)
		err := sp.write(mem, k, rec)
		rec.Release()
		if err != nil {
			return err
		}
		SpilledAggRows.Add(int64(len(rows)))
	}
	return nil
}
