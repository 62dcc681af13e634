package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/types"
)

// bindLateral joins left with a LATERAL subquery that may refer to left's
// columns. Like a correlated subquery it is decorrelated: computed once per
// distinct value of the left columns it uses, then joined back on them.
// onNode (may be nil) is the ON condition of LEFT/INNER JOIN LATERAL.
func (b *Binder) bindLateral(left Plan, rs *pg.RangeSubselect, jt JoinType, onNode *pg.Node) (Plan, error) {
	child := *b
	child.outer = &scope{cols: left.Columns()}
	child.outerUsed = false
	child.keepUnknownOnce = false
	sub, err := child.BindSelect(rs.Subquery.GetSelectStmt())
	if err != nil {
		return nil, err
	}
	b.ParamTypes = child.ParamTypes
	alias := ""
	var colNames []*pg.Node
	if rs.Alias != nil {
		alias, colNames = rs.Alias.Aliasname, rs.Alias.Colnames
	}
	if sub, err = b.requalify(sub, alias, colNames); err != nil {
		return nil, err
	}
	lcols, scols := left.Columns(), sub.Columns()
	nl := len(lcols)
	bindOn := func(j *Join) error {
		if onNode == nil {
			return nil
		}
		sc := &scope{cols: append(append([]OutCol{}, lcols...), scols...)}
		cond, err := b.bindExpr(onNode, &exprCtx{scope: sc, clause: "JOIN conditions"})
		if err != nil {
			return err
		}
		if cond, err = b.coerceBool(cond, -1, "argument of JOIN/ON"); err != nil {
			return err
		}
		j.Cond = cond
		return nil
	}
	if !child.outerUsed {
		j := b.newJoin(left, sub, jt, nil)
		return j, bindOn(j)
	}
	// D: the distinct values of the left columns the subquery uses.
	used := map[int]bool{}
	VisitPlanExprs(sub, func(e Expr) {
		Walk(e, func(x Expr) {
			if o, ok := x.(*OuterRef); ok {
				used[o.Index] = true
			}
		})
	})
	var outerCols []int
	for i := 0; i < nl; i++ {
		if used[i] {
			outerCols = append(outerCols, i)
		}
	}
	dIndex := map[int]int{}
	var exprs []Expr
	var dOut []OutCol
	for i, c := range outerCols {
		dIndex[c] = i
		exprs = append(exprs, &ColumnRef{Index: c, Name: lcols[c].Name, T: lcols[c].T})
		dOut = append(dOut, OutCol{Name: lcols[c].Name, T: lcols[c].T})
	}
	d := &Distinct{Input: &Project{Input: left, Exprs: exprs, Out: dOut}}
	nd := len(outerCols)
	dc := &decorrelator{d: d, nd: nd, dIndex: dIndex}
	r, err := dc.push(sub)
	if err != nil {
		return nil, err
	}
	// left ⋈ R on the used columns (NULL-safe), then drop R's D columns.
	rcols := r.Columns()
	var cond Expr
	for i, c := range outerCols {
		l := &ColumnRef{Index: c, Name: lcols[c].Name, T: lcols[c].T}
		rr := &ColumnRef{Index: nl + i, Name: rcols[i].Name, T: rcols[i].T}
		for _, eq := range nullSafeEquals(l, rr) {
			cond = AndAll(append(Conjuncts(cond), eq))
		}
	}
	if jt == JoinCross {
		jt = JoinInner
	}
	// An aggregate without GROUP BY yields a row even for a left row with
	// no matches (count 0): join LEFT and fill those rows with the
	// aggregates' empty values, told apart by a marker column.
	aggOnly := false
	if proj, ok := sub.(*Project); ok {
		if agg, ok := proj.Input.(*Aggregate); ok && len(agg.Groups) == 0 {
			aggOnly = true
		}
	}
	if !aggOnly {
		if inner, ok := sub.(*Project); ok {
			if p2, ok := inner.Input.(*Project); ok {
				if agg, ok := p2.Input.(*Aggregate); ok && len(agg.Groups) == 0 {
					aggOnly = true
				}
			}
		}
	}
	marker := -1
	if aggOnly && jt == JoinInner && onNode == nil {
		var mexprs []Expr
		for i, c := range rcols {
			mexprs = append(mexprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
		}
		mexprs = append(mexprs, &Literal{Value: true, T: types.TBool})
		r = &Project{Input: r, Exprs: mexprs, Out: append(append([]OutCol{}, rcols...), OutCol{Name: "?matched?", T: types.TBool, Hidden: true})}
		marker = nl + len(rcols)
		rcols = r.Columns()
		jt = JoinLeft
	}
	j := &Join{Left: left, Right: r, Type: jt, Cond: cond, Out: append(append([]OutCol{}, lcols...), rcols...)}
	if onNode != nil {
		// The ON condition reads left ++ subquery columns; in the join the
		// subquery's columns sit after D's.
		tmp := &Join{}
		if err := bindOn(tmp); err != nil {
			return nil, err
		}
		on, _ := Rewrite(tmp.Cond, func(x Expr) (Expr, bool, error) {
			if c, ok := x.(*ColumnRef); ok && c.Index >= nl {
				return &ColumnRef{Index: c.Index + nd, Name: c.Name, T: c.T}, true, nil
			}
			return nil, false, nil
		})
		j.Cond = AndAll(append(Conjuncts(j.Cond), on))
	}
	var outExprs []Expr
	var out []OutCol
	for i, c := range lcols {
		outExprs = append(outExprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
		out = append(out, c)
	}
	for i, c := range scols {
		var e Expr = &ColumnRef{Index: nl + nd + i, Name: c.Name, T: c.T}
		if marker >= 0 {
			empty := emptyValueAt(unwrapRename(sub), i)
			if empty == nil {
				empty = &Literal{T: c.T}
			}
			missing := &Func{Name: "is null", Args: []Expr{&ColumnRef{Index: marker, Name: "?matched?", T: types.TBool}}, T: types.TBool}
			e = &Case{Whens: []When{{Cond: missing, Then: empty}}, Else: e, T: c.T}
		}
		outExprs = append(outExprs, e)
		out = append(out, c)
	}
	return &Project{Input: j, Exprs: outExprs, Out: out}, nil
}

// unwrapRename looks through the renaming projection requalify adds.
func unwrapRename(p Plan) Plan {
	if proj, ok := p.(*Project); ok {
		if inner, ok := proj.Input.(*Project); ok {
			if _, ok := inner.Input.(*Aggregate); ok {
				return inner
			}
		}
	}
	return p
}
