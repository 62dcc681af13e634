package rules

import (
	"github.com/lodedb/lode/planner"
)

// ChooseBuildSides puts the smaller input of each hash join on the build
// (right) side, from row-count estimates: table sizes from the Delta log's
// per-file record counts, with fixed selectivities for filters and
// aggregations. An inner join swaps its inputs; LEFT becomes RIGHT and
// vice versa. A projection restores the column order parents expect.
func ChooseBuildSides(p planner.Plan) planner.Plan {
	p = rebuild(p, ChooseBuildSides)
	j, ok := p.(*planner.Join)
	if !ok || j.Cond == nil {
		return p
	}
	var swapped planner.JoinType
	switch j.Type {
	case planner.JoinInner:
		swapped = planner.JoinInner
	case planner.JoinLeft:
		swapped = planner.JoinRight
	case planner.JoinRight:
		swapped = planner.JoinLeft
	default:
		return p
	}
	if estimateRows(j.Left) >= estimateRows(j.Right) {
		return p
	}
	nl, nr := len(j.Left.Columns()), len(j.Right.Columns())
	m := make([]int, nl+nr)
	for i := 0; i < nl; i++ {
		m[i] = nr + i
	}
	for i := 0; i < nr; i++ {
		m[nl+i] = i
	}
	out := append(append([]planner.OutCol{}, j.Right.Columns()...), j.Left.Columns()...)
	sw := &planner.Join{Left: j.Right, Right: j.Left, Type: swapped, Cond: planner.RemapColumns(j.Cond, m), Out: out}
	exprs := make([]planner.Expr, nl+nr)
	for i, c := range j.Out {
		exprs[i] = &planner.ColumnRef{Index: m[i], Name: c.Name, T: c.T}
	}
	return &planner.Project{Input: sw, Exprs: exprs, Out: j.Out}
}

// estimateRows is a rough output cardinality.
func estimateRows(p planner.Plan) float64 {
	switch n := p.(type) {
	case *planner.Scan:
		files := n.Snapshot.Files()
		if n.FileSubset != nil {
			files = n.FileSubset
		}
		var rows float64
		for _, f := range files {
			if f.NumRecords >= 0 {
				rows += float64(f.NumRecords)
			} else {
				rows += float64(f.Size) / 50
			}
		}
		for range n.Filters {
			rows *= 0.3
		}
		return max(rows, 1)
	case *planner.Filter:
		return max(estimateRows(n.Input)*0.3, 1)
	case *planner.Aggregate:
		if len(n.Groups) == 0 {
			return 1
		}
		return max(estimateRows(n.Input)*0.1, 1)
	case *planner.Distinct:
		return max(estimateRows(n.Input)*0.5, 1)
	case *planner.Limit:
		in := estimateRows(n.Input)
		if n.Count >= 0 && float64(n.Count) < in {
			return float64(n.Count)
		}
		return in
	case *planner.Join:
		l, r := estimateRows(n.Left), estimateRows(n.Right)
		switch n.Type {
		case planner.JoinCross:
			return l * r
		case planner.JoinSemi, planner.JoinAnti, planner.JoinLeft:
			return l
		case planner.JoinRight:
			return r
		}
		return max(l, r)
	case *planner.UnionAll:
		var s float64
		for _, b := range n.Branches {
			s += estimateRows(b)
		}
		return s
	case *planner.Values:
		return float64(len(n.Rows))
	}
	ins := p.Inputs()
	if len(ins) == 1 {
		return estimateRows(ins[0])
	}
	return 1000
}
