package rules

import (
	"github.com/lodedb/lode/planner"
)

// PushDownFilters moves each conjunct of every filter as close to the
// scans as its columns allow: through projections (by substitution),
// sorts, distincts and unions, into the sides of joins (turning cross
// joins with an equality into inner joins), below aggregates when it
// reads only group keys, and finally into the scan itself, where it can
// skip files and row groups.
func PushDownFilters(p planner.Plan) planner.Plan { return push(p, nil) }

func push(p planner.Plan, preds []planner.Expr) planner.Plan {
	switch n := p.(type) {
	case *planner.Filter:
		return push(n.Input, append(preds, planner.Conjuncts(factorOr(n.Cond))...))
	case *planner.Project:
		var down, keep []planner.Expr
		for _, pr := range preds {
			if sub, ok := substitute(pr, n.Exprs); ok {
				down = append(down, sub)
			} else {
				keep = append(keep, pr)
			}
		}
		c := *n
		c.Input = push(n.Input, down)
		return wrap(&c, keep)
	case *planner.Scan:
		c := *n
		c.Filters = append(append([]planner.Expr{}, n.Filters...), preds...)
		return &c
	case *planner.Join:
		return pushJoin(n, preds)
	case *planner.Aggregate:
		var down, keep []planner.Expr
		ng := len(n.Groups)
		for _, pr := range preds {
			onlyGroups := true
			for i := range used(pr) {
				if i >= ng {
					onlyGroups = false
				}
			}
			if sub, ok := substitute(pr, n.Groups); onlyGroups && ok && !volatile(pr) {
				down = append(down, sub)
			} else {
				keep = append(keep, pr)
			}
		}
		c := *n
		c.Input = push(n.Input, down)
		return wrap(&c, keep)
	case *planner.Sort:
		c := *n
		c.Input = push(n.Input, preds)
		return &c
	case *planner.Distinct:
		c := *n
		c.Input = push(n.Input, preds)
		return &c
	case *planner.UnionAll:
		c := *n
		c.Branches = make([]planner.Plan, len(n.Branches))
		for i, b := range n.Branches {
			c.Branches[i] = push(b, preds)
		}
		return &c
	case *planner.Limit:
		c := *n
		c.Input = push(n.Input, nil)
		return wrap(&c, preds)
	}
	// Leaves that cannot take filters, and anything new: filter above,
	// after optimizing below.
	return wrap(rebuildInputs(p), preds)
}

func wrap(p planner.Plan, preds []planner.Expr) planner.Plan {
	if len(preds) == 0 {
		return p
	}
	return &planner.Filter{Input: p, Cond: planner.AndAll(preds)}
}

func rebuildInputs(p planner.Plan) planner.Plan { return p }

// substitute rewrites a predicate over a projection's output into one over
// its input by inlining the projected expressions.
func substitute(pr planner.Expr, exprs []planner.Expr) (planner.Expr, bool) {
	ok := true
	r, _ := planner.Rewrite(pr, func(x planner.Expr) (planner.Expr, bool, error) {
		if c, isCol := x.(*planner.ColumnRef); isCol {
			if c.Index >= len(exprs) || volatile(exprs[c.Index]) {
				ok = false
				return x, true, nil
			}
			return exprs[c.Index], true, nil
		}
		return nil, false, nil
	})
	return r, ok
}

func pushJoin(n *planner.Join, preds []planner.Expr) planner.Plan {
	nl := len(n.Left.Columns())
	var left, right, onJoin, keep []planner.Expr
	classify := func(pr planner.Expr) (l, r bool) {
		for i := range used(pr) {
			if i < nl {
				l = true
			} else {
				r = true
			}
		}
		return
	}
	c := *n
	switch n.Type {
	case planner.JoinInner, planner.JoinCross:
		var all []planner.Expr
		for _, pr := range append(planner.Conjuncts(n.Cond), preds...) {
			all = append(all, planner.Conjuncts(factorOr(pr))...)
		}
		for _, pr := range all {
			l, r := classify(pr)
			switch {
			case volatile(pr):
				keep = append(keep, pr)
			case l && !r:
				left = append(left, pr)
			case r && !l:
				right = append(right, planner.ShiftColumns(pr, 0, -nl))
			default:
				onJoin = append(onJoin, pr)
				if lp, ok := impliedOnSide(pr, func(c int) bool { return c < nl }); ok {
					left = append(left, lp)
				}
				if rp, ok := impliedOnSide(pr, func(c int) bool { return c >= nl }); ok {
					right = append(right, planner.ShiftColumns(rp, 0, -nl))
				}
			}
		}
		c.Cond = planner.AndAll(onJoin)
		if c.Cond != nil {
			c.Type = planner.JoinInner
		} else {
			c.Type = planner.JoinCross
		}
	case planner.JoinLeft:
		// WHERE predicates on the preserved side go down; ON predicates on
		// the nullable side filter it before the join.
		for _, pr := range preds {
			l, r := classify(pr)
			if l && !r && !volatile(pr) {
				left = append(left, pr)
			} else {
				keep = append(keep, pr)
			}
		}
		for _, pr := range planner.Conjuncts(n.Cond) {
			l, r := classify(pr)
			if r && !l && !volatile(pr) {
				right = append(right, planner.ShiftColumns(pr, 0, -nl))
			} else {
				onJoin = append(onJoin, pr)
			}
		}
		c.Cond = planner.AndAll(onJoin)
	case planner.JoinRight:
		for _, pr := range preds {
			l, r := classify(pr)
			if r && !l && !volatile(pr) {
				right = append(right, planner.ShiftColumns(pr, 0, -nl))
			} else {
				keep = append(keep, pr)
			}
		}
		for _, pr := range planner.Conjuncts(n.Cond) {
			l, r := classify(pr)
			if l && !r && !volatile(pr) {
				left = append(left, pr)
			} else {
				onJoin = append(onJoin, pr)
			}
		}
		c.Cond = planner.AndAll(onJoin)
	case planner.JoinSemi, planner.JoinAnti:
		// The output is the left side: WHERE predicates go left; join
		// conditions on the right side alone filter it first.
		left = preds
		for _, pr := range planner.Conjuncts(n.Cond) {
			l, r := classify(pr)
			if r && !l && !volatile(pr) {
				right = append(right, planner.ShiftColumns(pr, 0, -nl))
			} else {
				onJoin = append(onJoin, pr)
			}
		}
		c.Cond = planner.AndAll(onJoin)
	default:
		keep = preds
	}
	c.Left = push(n.Left, left)
	c.Right = push(n.Right, right)
	return wrap(&c, keep)
}
