package exec

import (
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

// buildJoin picks a hash join when the condition has equalities between
// the two sides (the rest becomes the residual), else a nested loop.
func (bd *Builder) buildJoin(n *planner.Join) (PhysicalPlan, error) {
	left, err := bd.Build(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := bd.Build(n.Right)
	if err != nil {
		return nil, err
	}
	lcols, rcols := n.Left.Columns(), n.Right.Columns()
	nl := len(lcols)
	schema := SchemaOf(n.Out)
	jt := map[planner.JoinType]JoinType{
		planner.JoinInner: JoinInner, planner.JoinCross: JoinInner, planner.JoinLeft: JoinLeft,
		planner.JoinRight: JoinRight, planner.JoinFull: JoinFull, planner.JoinSemi: JoinSemi, planner.JoinAnti: JoinAnti,
	}[n.Type]
	var lkeys, rkeys []planner.Expr
	var residual []planner.Expr
	for _, c := range planner.Conjuncts(n.Cond) {
		if f, ok := c.(*planner.Func); ok && f.Name == "=" {
			ls, rs := sides(f.Args[0], nl), sides(f.Args[1], nl)
			if ls == sideLeft && rs == sideRight {
				lkeys, rkeys = append(lkeys, f.Args[0]), append(rkeys, planner.ShiftColumns(f.Args[1], 0, -nl))
				continue
			}
			if ls == sideRight && rs == sideLeft {
				lkeys, rkeys = append(lkeys, f.Args[1]), append(rkeys, planner.ShiftColumns(f.Args[0], 0, -nl))
				continue
			}
		}
		residual = append(residual, c)
	}
	if len(lkeys) == 0 {
		return NewNestedLoopJoin(left, right, jt, n.Cond, schema), nil
	}
	// Keys that are not plain columns are computed as extra columns on
	// each side; the output then drops them.
	lk, left, lextra, err := keyColumns(left, lcols, lkeys)
	if err != nil {
		return nil, err
	}
	rk, right, rextra, err := keyColumns(right, rcols, rkeys)
	if err != nil {
		return nil, err
	}
	var res planner.Expr
	for _, r := range residual {
		if lextra > 0 {
			r = planner.ShiftColumns(r, nl, lextra)
		}
		if res == nil {
			res = r
		} else {
			res = &planner.Func{Name: "and", Args: []planner.Expr{res, r}, T: types.TBool}
		}
	}
	if lextra == 0 && rextra == 0 {
		return NewHashJoin(left, right, jt, lk, rk, res, schema), nil
	}
	wide := append(append([]planner.OutCol{}, extend(lcols, lkeys, lextra)...), extend(rcols, rkeys, rextra)...)
	if jt == JoinSemi || jt == JoinAnti {
		wide = extend(lcols, lkeys, lextra)
	}
	joined := NewHashJoin(left, right, jt, lk, rk, res, SchemaOf(wide))
	var back []planner.Expr
	for i, c := range lcols {
		back = append(back, colRef(i, c))
	}
	if jt != JoinSemi && jt != JoinAnti {
		for i, c := range rcols {
			back = append(back, colRef(nl+lextra+i, c))
		}
	}
	return NewProject(joined, back, schema)
}

func extend(cols []planner.OutCol, keys []planner.Expr, extra int) []planner.OutCol {
	out := append([]planner.OutCol{}, cols...)
	if extra == 0 {
		return out
	}
	for i, k := range keys {
		out = append(out, planner.OutCol{Name: "key" + itoa(i), T: k.Type()})
	}
	return out
}

// keyColumns returns the column index of each key, adding a projection
// that appends computed keys when some key is not a plain column.
func keyColumns(p PhysicalPlan, cols []planner.OutCol, keys []planner.Expr) ([]int, PhysicalPlan, int, error) {
	idx := make([]int, len(keys))
	plain := true
	for i, k := range keys {
		c, ok := k.(*planner.ColumnRef)
		if !ok {
			plain = false
			break
		}
		idx[i] = c.Index
	}
	if plain {
		return idx, p, 0, nil
	}
	var exprs []planner.Expr
	for i, c := range cols {
		exprs = append(exprs, colRef(i, c))
	}
	exprs = append(exprs, keys...)
	for i := range keys {
		idx[i] = len(cols) + i
	}
	proj, err := NewProject(p, exprs, SchemaOf(extend(cols, keys, len(keys))))
	return idx, proj, len(keys), err
}

type side int

const (
	sideNone side = iota
	sideLeft
	sideRight
	sideBoth
)

func sides(e planner.Expr, nl int) side {
	s := sideNone
	planner.Walk(e, func(x planner.Expr) {
		if c, ok := x.(*planner.ColumnRef); ok {
			this := sideLeft
			if c.Index >= nl {
				this = sideRight
			}
			if s == sideNone {
				s = this
			} else if s != this {
				s = sideBoth
			}
		}
	})
	return s
}
