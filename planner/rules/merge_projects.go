package rules

import "github.com/lodedb/lode/planner"

// MergeProjections collapses a projection over a projection into one
// (substituting the inner expressions), so renames from subqueries and
// aliases cost nothing at run time. An inner computed expression used more
// than once stays where it is, so nothing is computed twice.
func MergeProjections(p planner.Plan) planner.Plan {
	switch n := p.(type) {
	case *planner.Project:
		in := MergeProjections(n.Input)
		if inner, ok := in.(*planner.Project); ok && mergeable(n, inner) {
			exprs := make([]planner.Expr, len(n.Exprs))
			for i, e := range n.Exprs {
				exprs[i], _ = substitute(e, inner.Exprs)
			}
			return &planner.Project{Input: inner.Input, Exprs: exprs, Out: n.Out}
		}
		c := *n
		c.Input = in
		return &c
	}
	return rebuild(p, MergeProjections)
}

func mergeable(outer, inner *planner.Project) bool {
	uses := map[int]int{}
	for _, e := range outer.Exprs {
		planner.Walk(e, func(x planner.Expr) {
			if c, ok := x.(*planner.ColumnRef); ok {
				uses[c.Index]++
			}
		})
	}
	for i, e := range inner.Exprs {
		if _, isCol := e.(*planner.ColumnRef); isCol {
			continue
		}
		if _, isLit := e.(*planner.Literal); isLit {
			continue
		}
		if uses[i] > 1 || volatile(e) {
			return false
		}
	}
	return true
}

// rebuild applies f to the inputs of p, returning a copy.
func rebuild(p planner.Plan, f func(planner.Plan) planner.Plan) planner.Plan {
	switch n := p.(type) {
	case *planner.Filter:
		return &planner.Filter{Input: f(n.Input), Cond: n.Cond}
	case *planner.Project:
		c := *n
		c.Input = f(n.Input)
		return &c
	case *planner.Aggregate:
		c := *n
		c.Input = f(n.Input)
		return &c
	case *planner.Join:
		c := *n
		c.Left, c.Right = f(n.Left), f(n.Right)
		return &c
	case *planner.Sort:
		c := *n
		c.Input = f(n.Input)
		return &c
	case *planner.Limit:
		c := *n
		c.Input = f(n.Input)
		return &c
	case *planner.Distinct:
		return &planner.Distinct{Input: f(n.Input)}
	case *planner.UnionAll:
		c := *n
		c.Branches = make([]planner.Plan, len(n.Branches))
		for i, b := range n.Branches {
			c.Branches[i] = f(b)
		}
		return &c
	}
	return p
}
