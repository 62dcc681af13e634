package rules

import "github.com/lodedb/lode/planner"

// impliedOnSide derives from an OR over both inputs of a join a weaker
// predicate on one input alone, which can filter that input before the
// join: each branch implies its own conjuncts on that input, so the OR of
// those is implied by the whole (the original OR still runs at the join).
// TPC-H Q7's (n1 = 'FRANCE' AND n2 = 'GERMANY') OR (n1 = 'GERMANY' AND
// n2 = 'FRANCE') gives n1 IN ('FRANCE', 'GERMANY') to each nation scan, and
// Q19's three part-and-lineitem branches give lineitem its quantity, ship
// mode and ship instruction ranges. ok is false when some branch says
// nothing about the input alone.
func impliedOnSide(e planner.Expr, onSide func(col int) bool) (planner.Expr, bool) {
	branches := disjuncts(e)
	if len(branches) < 2 {
		return nil, false
	}
	var out planner.Expr
	for _, b := range branches {
		var mine []planner.Expr
		for _, c := range planner.Conjuncts(b) {
			cols := used(c)
			if len(cols) == 0 || volatile(c) {
				continue
			}
			all := true
			for col := range cols {
				if !onSide(col) {
					all = false
					break
				}
			}
			if all {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			return nil, false
		}
		part := planner.AndAll(mine)
		if out == nil {
			out = part
		} else {
			out = &planner.Func{Name: "or", Args: []planner.Expr{out, part}, T: part.Type()}
		}
	}
	return out, true
}
