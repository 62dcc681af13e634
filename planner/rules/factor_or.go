package rules

import "github.com/lodedb/lode/planner"

// factorOr pulls conjuncts common to every branch of an OR out of it:
// (a AND b) OR (a AND c) becomes a AND (b OR c). TPC-H Q19 needs this: its
// join equality sits inside each OR branch, and only once factored out can
// it become a hash-join key instead of a filter over a cross product.
func factorOr(e planner.Expr) planner.Expr {
	f, ok := e.(*planner.Func)
	if !ok || f.Name != "or" {
		return e
	}
	branches := disjuncts(e)
	sets := make([][]planner.Expr, len(branches))
	for i, b := range branches {
		sets[i] = planner.Conjuncts(b)
	}
	var common []planner.Expr
	for _, c := range sets[0] {
		k := planner.Key(c)
		inAll := true
		for _, s := range sets[1:] {
			found := false
			for _, x := range s {
				if planner.Key(x) == k {
					found = true
					break
				}
			}
			if !found {
				inAll = false
				break
			}
		}
		if inAll && !volatile(c) {
			common = append(common, c)
		}
	}
	if len(common) == 0 {
		return e
	}
	isCommon := map[string]bool{}
	for _, c := range common {
		isCommon[planner.Key(c)] = true
	}
	var rest planner.Expr
	for _, s := range sets {
		var keep []planner.Expr
		for _, x := range s {
			if !isCommon[planner.Key(x)] {
				keep = append(keep, x)
			}
		}
		if len(keep) == 0 {
			// One branch is just the common part: the OR is implied by it.
			return planner.AndAll(common)
		}
		b := planner.AndAll(keep)
		if rest == nil {
			rest = b
		} else {
			rest = &planner.Func{Name: "or", Args: []planner.Expr{rest, b}, T: b.Type()}
		}
	}
	return planner.AndAll(append(common, rest))
}

func disjuncts(e planner.Expr) []planner.Expr {
	if f, ok := e.(*planner.Func); ok && f.Name == "or" {
		return append(disjuncts(f.Args[0]), disjuncts(f.Args[1])...)
	}
	return []planner.Expr{e}
}
