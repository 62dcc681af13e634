package rules

import (
	"github.com/lodedb/lode/planner"
)

// PushDownSemiJoins moves a semi join (EXISTS, IN) below the inner joins,
// projections and filters under it, onto the input that holds every outer
// column its condition uses, when its subquery side is estimated smaller
// than that input. The semi join keeps the rows of its outer side whose
// columns satisfy the condition with some subquery row; on those columns
// alone it is a filter, and a filter on one input of an inner join may run
// before the join. TPC-H Q18 keeps 57 of 1.5M orders this way before they
// meet six million lineitems, rather than after. Anti joins stay where
// they are (moving them would be as valid, but they rarely shrink much).
func PushDownSemiJoins(p planner.Plan) planner.Plan {
	p = rebuild(p, PushDownSemiJoins)
	j, ok := p.(*planner.Join)
	if !ok || j.Type != planner.JoinSemi || j.Cond == nil || volatile(j.Cond) {
		return p
	}
	nl := len(j.Left.Columns())
	var outer []int // the outer columns the condition uses
	for c := range used(j.Cond) {
		if c < nl {
			outer = append(outer, c)
		}
	}
	if len(outer) == 0 {
		return p
	}
	pushed, ok := pushSemi(j.Left, j, outer, identity(nl))
	if !ok {
		return p
	}
	return pushed
}

// pushSemi places semi join j on the deepest input of p holding its outer
// columns; m maps each of j's outer columns the condition uses (outer) to
// a column of p (other entries are meaningless). It reports false when j
// should stay where it is.
func pushSemi(p planner.Plan, j *planner.Join, outer []int, m []int) (planner.Plan, bool) {
	switch n := p.(type) {
	case *planner.Project:
		inner := make([]int, len(m))
		for i := range inner {
			inner[i] = -1
		}
		for _, o := range outer {
			ref, isRef := n.Exprs[m[o]].(*planner.ColumnRef)
			if !isRef {
				return nil, false // a computed column: the semi join stays above
			}
			inner[o] = ref.Index
		}
		in, ok := pushSemi(n.Input, j, outer, inner)
		if !ok {
			return nil, false
		}
		c := *n
		c.Input = in
		return &c, true
	case *planner.Filter:
		in, ok := pushSemi(n.Input, j, outer, m)
		if !ok {
			return nil, false
		}
		return &planner.Filter{Input: in, Cond: n.Cond}, true
	case *planner.Join:
		if n.Type != planner.JoinInner && n.Type != planner.JoinCross {
			break
		}
		nl := len(n.Left.Columns())
		left, right := true, true
		for _, o := range outer {
			if m[o] < nl {
				right = false
			} else {
				left = false
			}
		}
		if left || right {
			side, shift := n.Left, 0
			if right {
				side, shift = n.Right, nl
			}
			sm := make([]int, len(m))
			for i, c := range m {
				sm[i] = c - shift
			}
			in, ok := pushSemi(side, j, outer, sm)
			if !ok {
				return nil, false
			}
			c := *n
			if right {
				c.Right = in
			} else {
				c.Left = in
			}
			return &c, true
		}
	}
	// p itself is where the semi join lands, if that pays.
	if estimateRows(j.Right) >= estimateRows(p) {
		return nil, false
	}
	nl, np := len(j.Left.Columns()), len(p.Columns())
	cm := make([]int, nl+len(j.Right.Columns()))
	for i := range cm {
		if i < nl {
			cm[i] = m[i] // only the outer columns used are read, all mapped
		} else {
			cm[i] = np + i - nl
		}
	}
	return &planner.Join{Left: p, Right: j.Right, Type: planner.JoinSemi,
		Cond: planner.RemapColumns(j.Cond, cm), Out: append([]planner.OutCol{}, p.Columns()...)}, true
}
