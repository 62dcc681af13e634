// Package rules holds the logical optimizer: one rule per file, applied in
// a fixed order by Optimize.
package rules

import "github.com/lodedb/lode/planner"

// Optimize rewrites a bound plan into an equivalent, cheaper one.
func Optimize(p planner.Plan) (planner.Plan, error) {
	p = FoldConstants(p)
	p = PushDownFilters(p)
	p = PruneColumns(p)
	p = ChooseBuildSides(p)
	p = MergeProjections(p)
	return p, nil
}

// conjuncts splits an AND tree.
func conjuncts(e planner.Expr) []planner.Expr {
	if e == nil {
		return nil
	}
	if f, ok := e.(*planner.Func); ok && f.Name == "and" {
		return append(conjuncts(f.Args[0]), conjuncts(f.Args[1])...)
	}
	return []planner.Expr{e}
}

// and joins predicates with AND (nil for none).
func and(preds []planner.Expr) planner.Expr {
	var out planner.Expr
	for _, p := range preds {
		if out == nil {
			out = p
		} else {
			out = &planner.Func{Name: "and", Args: []planner.Expr{out, p}, T: p.Type()}
		}
	}
	return out
}

func used(e planner.Expr) map[int]bool {
	m := map[int]bool{}
	planner.ColumnsUsed(e, m)
	return m
}

// remap rewrites column references through a mapping old → new index.
func remap(e planner.Expr, m []int) planner.Expr {
	r, _ := planner.Rewrite(e, func(x planner.Expr) (planner.Expr, bool, error) {
		if c, ok := x.(*planner.ColumnRef); ok {
			cc := *c
			cc.Index = m[c.Index]
			return &cc, true, nil
		}
		return nil, false, nil
	})
	return r
}

// shift adds by to every column reference.
func shift(e planner.Expr, by int) planner.Expr {
	r, _ := planner.Rewrite(e, func(x planner.Expr) (planner.Expr, bool, error) {
		if c, ok := x.(*planner.ColumnRef); ok {
			cc := *c
			cc.Index += by
			return &cc, true, nil
		}
		return nil, false, nil
	})
	return r
}

// volatile reports whether e may give different results per evaluation,
// so it must not be duplicated or moved.
func volatile(e planner.Expr) bool {
	v := false
	planner.Walk(e, func(x planner.Expr) {
		if f, ok := x.(*planner.Func); ok && volatileFuncs[f.Name] {
			v = true
		}
	})
	return v
}

// volatileFuncs give a different result per call.
var volatileFuncs = map[string]bool{"random": true, "clock_timestamp": true, "timeofday": true,
	"nextval": true, "setval": true, "currval": true}
