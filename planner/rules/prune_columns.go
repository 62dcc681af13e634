package rules

import (
	"github.com/lodedb/lode/planner"
)

// PruneColumns removes columns no ancestor reads: scans read fewer Parquet
// columns, projections compute fewer expressions, aggregates drop unused
// aggregates. Every node is rebuilt with its column references renumbered.
func PruneColumns(p planner.Plan) planner.Plan {
	cols := p.Columns()
	need := make([]bool, len(cols))
	for i, c := range cols {
		need[i] = !c.Hidden
	}
	out, m := prune(p, need)
	// The root must keep every visible column in order; prune guarantees
	// needed columns survive, so m is the identity on them.
	_ = m
	return out
}

func identity(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

func all(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

func addUsed(need []bool, e planner.Expr) {
	for i := range used(e) {
		if i < len(need) {
			need[i] = true
		}
	}
}

// prune returns p restricted to (at least) the needed columns and the map
// from p's old column indexes to the new ones (-1 for dropped columns).
func prune(p planner.Plan, need []bool) (planner.Plan, []int) {
	switch n := p.(type) {
	case *planner.Scan:
		keep := append([]bool{}, need...)
		for _, f := range n.Filters {
			addUsed(keep, f)
		}
		m := make([]int, len(n.Out))
		c := *n
		c.Cols, c.Out = nil, nil
		for i, k := range keep {
			m[i] = -1
			if k {
				m[i] = len(c.Cols)
				c.Cols = append(c.Cols, n.Cols[i])
				c.Out = append(c.Out, n.Out[i])
			}
		}
		c.Filters = make([]planner.Expr, len(n.Filters))
		for i, f := range n.Filters {
			c.Filters[i] = planner.RemapColumns(f, m)
		}
		return &c, m
	case *planner.Filter:
		childNeed := append([]bool{}, need...)
		addUsed(childNeed, n.Cond)
		in, m := prune(n.Input, childNeed)
		return &planner.Filter{Input: in, Cond: planner.RemapColumns(n.Cond, m)}, m
	case *planner.Project:
		childNeed := make([]bool, len(n.Input.Columns()))
		for i, e := range n.Exprs {
			if need[i] {
				addUsed(childNeed, e)
			}
		}
		in, cm := prune(n.Input, childNeed)
		c := &planner.Project{Input: in}
		m := make([]int, len(n.Exprs))
		for i, e := range n.Exprs {
			m[i] = -1
			if need[i] {
				m[i] = len(c.Exprs)
				c.Exprs = append(c.Exprs, planner.RemapColumns(e, cm))
				c.Out = append(c.Out, n.Out[i])
			}
		}
		return c, m
	case *planner.Aggregate:
		ng := len(n.Groups)
		childNeed := make([]bool, len(n.Input.Columns()))
		for _, g := range n.Groups {
			addUsed(childNeed, g)
		}
		for i, a := range n.Aggs {
			if need[ng+i] {
				for _, arg := range a.Args {
					addUsed(childNeed, arg)
				}
			}
		}
		in, cm := prune(n.Input, childNeed)
		c := &planner.Aggregate{Input: in}
		m := make([]int, ng+len(n.Aggs))
		for i, g := range n.Groups {
			m[i] = i
			c.Groups = append(c.Groups, planner.RemapColumns(g, cm))
			c.Out = append(c.Out, n.Out[i])
		}
		for i, a := range n.Aggs {
			m[ng+i] = -1
			if !need[ng+i] {
				continue
			}
			m[ng+i] = len(c.Out)
			ac := *a
			ac.Args = make([]planner.Expr, len(a.Args))
			for j, arg := range a.Args {
				ac.Args[j] = planner.RemapColumns(arg, cm)
			}
			c.Aggs = append(c.Aggs, &ac)
			c.Out = append(c.Out, n.Out[ng+i])
		}
		return c, m
	case *planner.Join:
		nl := len(n.Left.Columns())
		nr := len(n.Right.Columns())
		ln, rn := make([]bool, nl), make([]bool, nr)
		copy(ln, need[:min(nl, len(need))])
		if len(need) > nl {
			copy(rn, need[nl:])
		}
		if n.Cond != nil {
			for i := range used(n.Cond) {
				if i < nl {
					ln[i] = true
				} else {
					rn[i-nl] = true
				}
			}
		}
		l, lm := prune(n.Left, ln)
		r, rm := prune(n.Right, rn)
		newNL := len(l.Columns())
		m := make([]int, nl+nr)
		for i := 0; i < nl; i++ {
			m[i] = lm[i]
		}
		for i := 0; i < nr; i++ {
			m[nl+i] = -1
			if rm[i] >= 0 {
				m[nl+i] = newNL + rm[i]
			}
		}
		c := &planner.Join{Left: l, Right: r, Type: n.Type}
		if n.Cond != nil {
			c.Cond = planner.RemapColumns(n.Cond, m)
		}
		if n.Type == planner.JoinSemi || n.Type == planner.JoinAnti {
			c.Out = append([]planner.OutCol{}, l.Columns()...)
			return c, m[:nl]
		}
		c.Out = append(append([]planner.OutCol{}, l.Columns()...), r.Columns()...)
		return c, m
	case *planner.Sort:
		childNeed := append([]bool{}, need...)
		for _, k := range n.Keys {
			addUsed(childNeed, k.Expr)
		}
		in, m := prune(n.Input, childNeed)
		c := &planner.Sort{Input: in}
		for _, k := range n.Keys {
			k.Expr = planner.RemapColumns(k.Expr, m)
			c.Keys = append(c.Keys, k)
		}
		return c, m
	case *planner.Limit:
		in, m := prune(n.Input, need)
		return &planner.Limit{Input: in, Count: n.Count, Offset: n.Offset}, m
	case *planner.Distinct:
		width := len(n.Input.Columns())
		in, m := prune(n.Input, all(width))
		return &planner.Distinct{Input: in}, m
	case *planner.UnionAll:
		c := *n
		c.Branches = make([]planner.Plan, len(n.Branches))
		for i, b := range n.Branches {
			c.Branches[i], _ = prune(b, all(len(b.Columns())))
		}
		return &c, identity(len(n.Out))
	}
	return p, identity(len(p.Columns()))
}
