package exec

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/planner"
)

// rowEq tells whether two rows hold equal values in every column, NULLs
// equal to each other (partition and peer grouping). It reuses the sort's
// per-type comparators (valueCmp), built once per column.
type rowEq struct {
	cols []arrow.Array
	cmps []func(i, j int) int
}

func newRowEq(cols []arrow.Array) rowEq {
	e := rowEq{cols: cols, cmps: make([]func(i, j int) int, len(cols))}
	for k, c := range cols {
		e.cmps[k] = valueCmp(c)
	}
	return e
}

func (e rowEq) equal(i, j int) bool {
	for k, c := range e.cols {
		ni, nj := c.IsNull(i), c.IsNull(j)
		if ni || nj {
			if ni != nj {
				return false
			}
			continue
		}
		if e.cmps[k](i, j) != 0 {
			return false
		}
	}
	return true
}

// numericKey reads an ORDER BY key as a number for RANGE offsets.
func numericKey(c arrow.Array, i int) (float64, bool) {
	if c.IsNull(i) {
		return 0, false
	}
	switch a := c.(type) {
	case *array.Int16:
		return float64(a.Value(i)), true
	case *array.Int32:
		return float64(a.Value(i)), true
	case *array.Int64:
		return float64(a.Value(i)), true
	case *array.Float32:
		return float64(a.Value(i)), true
	case *array.Float64:
		return a.Value(i), true
	case *array.Decimal128:
		dt := a.DataType().(*arrow.Decimal128Type)
		return a.Value(i).ToFloat64(dt.Scale), true
	case *array.Date32:
		return float64(a.Value(i)), true
	case *array.Timestamp:
		return float64(a.Value(i)), true
	}
	return 0, false
}

// partitionFrames computes, for every row r of one partition [ps, pe), the
// frame [start[r], end[r]) of row indexes, given its peer groups (rows
// with equal ORDER BY keys) as group numbers and group bounds.
type framer struct {
	f          planner.Frame
	orderKey   arrow.Array // the single ORDER BY key for RANGE offsets
	desc       bool
	peerStart  []int // first row of r's peer group
	peerEnd    []int // one past the last row of r's peer group
	group      []int // r's peer group number within the partition
	groupStart []int // first row of each group (plus a sentinel pe)
}

func (fr *framer) bounds(r, ps, pe int) (int, int) {
	s := fr.bound(fr.f.Start, r, ps, pe, true)
	e := fr.bound(fr.f.End, r, ps, pe, false)
	if s < ps {
		s = ps
	}
	if e > pe {
		e = pe
	}
	return s, e
}

// bound returns a frame start (inclusive) or end (exclusive) row.
func (fr *framer) bound(b planner.FrameBound, r, ps, pe int, isStart bool) int {
	switch b.Kind {
	case planner.BoundUnboundedPreceding:
		return ps
	case planner.BoundUnboundedFollowing:
		return pe
	}
	switch fr.f.Mode {
	case planner.FrameRows:
		off := int(b.Offset)
		pos := r
		switch b.Kind {
		case planner.BoundPreceding:
			pos = r - off
		case planner.BoundFollowing:
			pos = r + off
		}
		if isStart {
			return max(pos, ps)
		}
		return min(pos+1, pe)
	case planner.FrameGroups:
		g := fr.group[r]
		switch b.Kind {
		case planner.BoundPreceding:
			g -= int(b.Offset)
		case planner.BoundFollowing:
			g += int(b.Offset)
		}
		ng := len(fr.groupStart) - 1
		if isStart {
			if g < 0 {
				return ps
			}
			if g >= ng {
				return pe
			}
			return fr.groupStart[g]
		}
		if g < 0 {
			return ps
		}
		if g >= ng {
			return pe
		}
		return fr.groupStart[g+1]
	}
	// RANGE.
	if b.Kind == planner.BoundCurrentRow {
		if isStart {
			return fr.peerStart[r]
		}
		return fr.peerEnd[r]
	}
	v, ok := numericKey(fr.orderKey, r)
	if !ok { // NULL key: the frame is the NULL peers
		if isStart {
			return fr.peerStart[r]
		}
		return fr.peerEnd[r]
	}
	// Target value, in the direction of the sort.
	delta := b.Offset
	if b.Kind == planner.BoundPreceding {
		delta = -delta
	}
	if fr.desc {
		delta = -delta
	}
	target := v + delta
	// Rows are sorted by the key (ascending or descending) within the
	// partition; NULLs sit at one end. Find the first row at or past target.
	before := func(i int) bool { // row i comes before the target position
		x, ok := numericKey(fr.orderKey, i)
		if !ok {
			return fr.nullsBefore(i, ps)
		}
		if fr.desc {
			if isStart {
				return x > target
			}
			return x >= target
		}
		if isStart {
			return x < target
		}
		return x <= target
	}
	return ps + sort.Search(pe-ps, func(k int) bool { return !before(ps + k) })
}

// nullsBefore reports whether the NULL key at row i sorts before the
// non-NULL keys of its partition (i.e. NULLs come first).
func (fr *framer) nullsBefore(i, ps int) bool {
	// NULL rows are contiguous at one end: if row ps is NULL, NULLs first.
	return fr.orderKey.IsNull(ps)
}
