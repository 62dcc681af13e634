// Package rules holds the logical optimizer: one rule per file, applied in
// a fixed order by Optimize.
package rules

import "github.com/lodedb/lode/planner"

// Optimize rewrites a bound plan into an equivalent, cheaper one.
func Optimize(p planner.Plan) (planner.Plan, error) {
	p = FoldConstants(p)
	p = PushDownFilters(p)
	p = ReorderJoins(p)
	p = PushDownSemiJoins(p)
	p = PruneColumns(p)
	p = ChooseBuildSides(p)
	p = MergeProjections(p)
	return p, nil
}

func used(e planner.Expr) map[int]bool {
	m := map[int]bool{}
	planner.ColumnsUsed(e, m)
	return m
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
var volatileFuncs = map[string]bool{"random": true, "clock_timestamp": true, "timeofday": true, "gen_random_uuid": true,
	"nextval": true, "setval": true, "currval": true}
