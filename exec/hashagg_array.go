package exec

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/exec/batch"
)

// ---- array_agg(x) ----

// arrayAggState collects each group's values, NULLs included, in arrival
// order: the values are copied into one staging builder per state and the
// groups keep indexes into it.
type arrayAggState struct {
	in   arrow.DataType
	vals array.Builder // staging: every collected value
	done arrow.Array   // vals finished (after the first merge/build)
	idx  [][]int32     // per group: positions in vals
	// order, when set, sorts each group's values (ORDER BY the value).
	order *SortKey
}

func newArrayAggState(in arrow.DataType) *arrayAggState {
	return &arrayAggState{in: in, vals: array.NewBuilder(memory.NewGoAllocator(), in)}
}

func (s *arrayAggState) resize(n int) { s.idx = resizeTo(s.idx, n) }

func (s *arrayAggState) update(arr arrow.Array, rows []int32, n int, gids []int32) error {
	for i, g := range gids[:n] {
		s.idx[g] = append(s.idx[g], int32(s.vals.Len()))
		batch.AppendValue(s.vals, arr, rowAt(rows, i))
	}
	return nil
}

// finish freezes the staging values of s.
func (s *arrayAggState) finish() arrow.Array {
	if s.done == nil {
		s.done = s.vals.NewArray()
		s.vals.Release()
		s.vals = nil
	}
	return s.done
}

func (s *arrayAggState) merge(src aggState, gmap []int32) error {
	o := src.(*arrayAggState)
	vals := o.finish()
	for g, ix := range o.idx {
		m := gmap[g]
		if m < 0 {
			continue
		}
		for _, j := range ix {
			s.idx[m] = append(s.idx[m], int32(s.vals.Len()))
			batch.AppendValue(s.vals, vals, int(j))
		}
	}
	o.done.Release()
	o.done = nil
	return nil
}

func (s *arrayAggState) build(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	vals := s.finish()
	defer func() { s.done.Release(); s.done = nil }()
	b := array.NewListBuilder(mem, s.in)
	defer b.Release()
	vb := b.ValueBuilder()
	var cmp func(i, j int) int
	if s.order != nil {
		cmp = keyCmp(vals, *s.order)
	}
	for _, ix := range s.idx {
		if cmp != nil {
			sort.SliceStable(ix, func(x, y int) bool { return cmp(int(ix[x]), int(ix[y])) < 0 })
		}
		if len(ix) == 0 {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for _, j := range ix {
			batch.AppendValue(vb, vals, int(j))
		}
	}
	return b.NewArray(), nil
}
