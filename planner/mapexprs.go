package planner

// MapPlanExprs applies f to every expression of every node of p, returning
// a rebuilt plan (nodes are copied, never mutated).
func MapPlanExprs(p Plan, f func(Expr) Expr) Plan {
	switch n := p.(type) {
	case *Scan:
		c := *n
		c.Filters = mapList(n.Filters, f)
		return &c
	case *Filter:
		return &Filter{Input: MapPlanExprs(n.Input, f), Cond: f(n.Cond)}
	case *Project:
		c := *n
		c.Input = MapPlanExprs(n.Input, f)
		c.Exprs = mapList(n.Exprs, f)
		return &c
	case *Aggregate:
		c := *n
		c.Input = MapPlanExprs(n.Input, f)
		c.Groups = mapList(n.Groups, f)
		c.Aggs = make([]*AggCall, len(n.Aggs))
		for i, a := range n.Aggs {
			ac := *a
			ac.Args = mapList(a.Args, f)
			c.Aggs[i] = &ac
		}
		return &c
	case *Join:
		c := *n
		c.Left, c.Right = MapPlanExprs(n.Left, f), MapPlanExprs(n.Right, f)
		if n.Cond != nil {
			c.Cond = f(n.Cond)
		}
		return &c
	case *Sort:
		c := *n
		c.Input = MapPlanExprs(n.Input, f)
		c.Keys = make([]SortKey, len(n.Keys))
		for i, k := range n.Keys {
			k.Expr = f(k.Expr)
			c.Keys[i] = k
		}
		return &c
	case *Limit:
		c := *n
		c.Input = MapPlanExprs(n.Input, f)
		return &c
	case *Distinct:
		return &Distinct{Input: MapPlanExprs(n.Input, f)}
	case *UnionAll:
		c := *n
		c.Branches = make([]Plan, len(n.Branches))
		for i, b := range n.Branches {
			c.Branches[i] = MapPlanExprs(b, f)
		}
		return &c
	case *Values:
		c := *n
		c.Rows = make([][]Expr, len(n.Rows))
		for i, r := range n.Rows {
			c.Rows[i] = mapList(r, f)
		}
		return &c
	case *GenerateSeries:
		c := *n
		c.Start, c.Stop, c.Step = f(n.Start), f(n.Stop), f(n.Step)
		return &c
	}
	return p
}

func mapList(es []Expr, f func(Expr) Expr) []Expr {
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = f(e)
	}
	return out
}
