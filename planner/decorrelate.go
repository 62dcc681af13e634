package planner

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// Subqueries in expressions are turned into joins here, at bind time, so
// no subquery is ever re-run per row:
//
//   - [NOT] EXISTS / IN conjuncts of WHERE become semi and anti joins whose
//     condition is the subquery's correlation predicates (applyWhere);
//   - every other subquery is made scalar (EXISTS → count(*) > 0, IN/ANY/ALL
//     → counts of matches, non-matches and NULLs) and joined in by
//     decorrelation: D = the distinct values of the outer columns it uses,
//     the subquery computed once per D row (push), and the outer rows LEFT
//     joined to that result on those columns (applyScalar).

// applyWhere filters input by cond, turning its subqueries into joins. The
// result's leading columns are input's.
func (b *Binder) applyWhere(input Plan, cond Expr) (Plan, error) {
	if !hasSubquery(cond) {
		return &Filter{Input: input, Cond: cond}, nil
	}
	width := len(input.Columns())
	// Plain conjuncts filter first: the subqueries' outer values (and the
	// rows they are joined to) then come from the filtered rows, which the
	// optimizer turns into proper joins, not from a raw cross product.
	var plain, withSub []Expr
	for _, c := range Conjuncts(cond) {
		if hasSubquery(c) {
			withSub = append(withSub, c)
		} else {
			plain = append(plain, c)
		}
	}
	if len(plain) > 0 {
		input = &Filter{Input: input, Cond: AndAll(plain)}
	}
	var rest []Expr
	for _, c := range withSub {
		neg := false
		inner := c
		if f, ok := c.(*Func); ok && f.Name == "not" {
			if se, ok := f.Args[0].(*SubqueryExpr); ok {
				neg, inner = true, se
			}
		}
		if se, ok := inner.(*SubqueryExpr); ok && (se.Kind == SubExists || se.Kind == SubIn) {
			p, handled, err := b.semiJoin(input, se, neg)
			if err != nil {
				return nil, err
			}
			if handled {
				input = p
				continue
			}
		}
		rest = append(rest, c)
	}
	if len(rest) == 0 {
		return input, nil
	}
	cond = AndAll(rest)
	var err error
	if input, cond, err = b.applySubqueries(input, cond); err != nil {
		return nil, err
	}
	var out Plan = &Filter{Input: input, Cond: cond}
	if len(out.Columns()) != width {
		out = projectPrefix(out, width)
	}
	return out, nil
}

// projectPrefix keeps the first n columns of p.
func projectPrefix(p Plan, n int) Plan {
	cols := p.Columns()
	exprs := make([]Expr, n)
	for i := 0; i < n; i++ {
		exprs[i] = &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].T}
	}
	return &Project{Input: p, Exprs: exprs, Out: append([]OutCol{}, cols[:n]...)}
}

// applySubqueries replaces every subquery in e by a column of a join added
// on top of input; the new plan's leading columns are input's.
func (b *Binder) applySubqueries(input Plan, e Expr) (Plan, Expr, error) {
	var firstErr error
	out, _ := Rewrite(e, func(x Expr) (Expr, bool, error) {
		se, ok := x.(*SubqueryExpr)
		if !ok || firstErr != nil {
			return nil, false, nil
		}
		p, ref, err := b.applyScalar(input, se)
		if err != nil {
			firstErr = err
			return x, true, nil
		}
		input = p
		return ref, true, nil
	})
	return input, out, firstErr
}

// semiJoin turns [NOT] EXISTS (S) and [NOT] x IN (S) into a semi or anti
// join when S is a filtered relation whose only correlation is in its
// filters. handled is false when S has another shape.
func (b *Binder) semiJoin(input Plan, se *SubqueryExpr, anti bool) (Plan, bool, error) {
	var proj *Project
	var preds []Expr
	cur := se.Plan
	for done := false; !done; {
		switch n := cur.(type) {
		case *Project:
			if proj != nil || len(preds) > 0 {
				done = true
				continue
			}
			proj, cur = n, n.Input
		case *Filter:
			preds = append(preds, Conjuncts(n.Cond)...)
			cur = n.Input
		case *Sort:
			cur = n.Input
		case *Distinct:
			if proj != nil || len(preds) > 0 {
				done = true
				continue
			}
			cur = n.Input
		default:
			done = true
		}
	}
	if PlanHasOuterRefs(cur) {
		return nil, false, nil
	}
	if se.Kind == SubIn && anti && se.Correlated {
		return nil, false, nil // NULL-aware NOT IN with correlation: general path
	}
	nl := len(input.Columns())
	var conds []Expr
	for _, p := range preds {
		conds = append(conds, joinSide(p, nl))
	}
	var value Expr
	if se.Kind == SubIn {
		if proj == nil {
			return nil, false, nil
		}
		value = joinSide(proj.Exprs[firstVisible(proj.Out)], nl)
		eq, err := b.binaryOp("=", se.Arg, value, se.loc)
		if err != nil {
			return nil, false, err
		}
		conds = append(conds, eq)
	}
	jt := JoinSemi
	if anti {
		jt = JoinAnti
	}
	if se.Kind == SubIn && anti {
		// x NOT IN (S) is NULL (so filtered out) when S holds a NULL, or
		// when x is NULL and S is not empty: keep only rows where neither
		// can happen, then anti-join on equality.
		var err error
		base := cur
		if len(preds) > 0 {
			base = &Filter{Input: cur, Cond: AndAll(preds)}
		}
		if input, err = b.notInGuard(input, se, base, proj); err != nil {
			return nil, false, err
		}
	}
	j := &Join{Left: input, Right: cur, Type: jt, Cond: AndAll(conds), Out: append([]OutCol{}, input.Columns()...)}
	return j, true, nil
}

func firstVisible(cols []OutCol) int {
	for i, c := range cols {
		if !c.Hidden {
			return i
		}
	}
	return 0
}

// joinSide rewrites a subquery predicate as a join condition: the
// subquery's columns follow the nl outer columns; outer references become
// plain references to the outer (left) side.
func joinSide(e Expr, nl int) Expr {
	r, _ := Rewrite(e, func(x Expr) (Expr, bool, error) {
		switch c := x.(type) {
		case *ColumnRef:
			return &ColumnRef{Index: c.Index + nl, Name: c.Name, T: c.T}, true, nil
		case *OuterRef:
			return &ColumnRef{Index: c.Index, Name: c.Name, T: c.T}, true, nil
		}
		return nil, false, nil
	})
	return r
}

// notInGuard filters input for an uncorrelated NOT IN: rows pass when the
// subquery is empty, or when x is not NULL and the subquery has no NULL.
func (b *Binder) notInGuard(input Plan, se *SubqueryExpr, base Plan, proj *Project) (Plan, error) {
	value := proj.Exprs[firstVisible(proj.Out)]
	stats := &Aggregate{Input: &Project{Input: base, Exprs: []Expr{value}, Out: []OutCol{{Name: "v", T: value.Type()}}},
		Aggs: []*AggCall{
			{Name: "count", Star: true, T: types.TInt64},
			{Name: "count", Args: []Expr{&ColumnRef{Index: 0, Name: "v", T: value.Type()}}, T: types.TInt64},
		},
		Out: []OutCol{{Name: "n", T: types.TInt64}, {Name: "nonnull", T: types.TInt64}}}
	nl := len(input.Columns())
	j := &Join{Left: input, Right: stats, Type: JoinCross, Out: append(append([]OutCol{}, input.Columns()...), stats.Out...)}
	n := &ColumnRef{Index: nl, Name: "n", T: types.TInt64}
	nonnull := &ColumnRef{Index: nl + 1, Name: "nonnull", T: types.TInt64}
	zero := &Literal{Value: int64(0), T: types.TInt64}
	empty := &Func{Name: "=", Args: []Expr{n, zero}, T: types.TBool}
	noNulls := &Func{Name: "=", Args: []Expr{n, nonnull}, T: types.TBool}
	argOK := &Func{Name: "is not null", Args: []Expr{se.Arg}, T: types.TBool}
	cond := &Func{Name: "or", T: types.TBool, Args: []Expr{empty,
		&Func{Name: "and", Args: []Expr{argOK, noNulls}, T: types.TBool}}}
	return projectPrefix(&Filter{Input: j, Cond: cond}, nl), nil
}

// asScalar rewrites a non-scalar subquery as a scalar one over counts.
func (b *Binder) asScalar(se *SubqueryExpr) (*SubqueryExpr, error) {
	switch se.Kind {
	case SubScalar:
		return se, nil
	case SubExists:
		agg := &Aggregate{Input: se.Plan, Aggs: []*AggCall{{Name: "count", Star: true, T: types.TInt64}},
			Out: []OutCol{{Name: "count", T: types.TInt64}}}
		gt := &Func{Name: ">", Args: []Expr{&ColumnRef{Index: 0, Name: "count", T: types.TInt64},
			&Literal{Value: int64(0), T: types.TInt64}}, T: types.TBool}
		p := &Project{Input: agg, Exprs: []Expr{gt}, Out: []OutCol{{Name: "exists", T: types.TBool}}}
		return &SubqueryExpr{Kind: SubScalar, Plan: p, Correlated: se.Correlated, T: types.TBool, loc: se.loc}, nil
	}
	// x op ANY/ALL (S): count the rows where the comparison is true, false
	// and NULL, then apply SQL's three-valued rules.
	cols := se.Plan.Columns()
	vi := firstVisible(cols)
	y := &ColumnRef{Index: vi, Name: cols[vi].Name, T: cols[vi].T}
	x, _ := Rewrite(se.Arg, func(e Expr) (Expr, bool, error) {
		if c, ok := e.(*ColumnRef); ok {
			return &OuterRef{Index: c.Index, Name: c.Name, T: c.T}, true, nil
		}
		return nil, false, nil
	})
	cmp, err := b.binaryOp(se.Op, x, y, se.loc)
	if err != nil {
		return nil, err
	}
	one, zero := &Literal{Value: int64(1), T: types.TInt32}, &Literal{Value: int64(0), T: types.TInt32}
	countIf := func(c Expr) *AggCall {
		return &AggCall{Name: "sum", T: types.TInt64, Args: []Expr{&Case{Whens: []When{{Cond: c, Then: one}}, Else: zero, T: types.TInt32}}}
	}
	isTrue := &Func{Name: "is true", Args: []Expr{cmp}, T: types.TBool}
	isFalse := &Func{Name: "is false", Args: []Expr{cmp}, T: types.TBool}
	isNull := &Func{Name: "is null", Args: []Expr{cmp}, T: types.TBool}
	agg := &Aggregate{Input: se.Plan,
		Aggs: []*AggCall{countIf(isTrue), countIf(isFalse), countIf(isNull), {Name: "count", Star: true, T: types.TInt64}},
		Out:  []OutCol{{Name: "t", T: types.TInt64}, {Name: "f", T: types.TInt64}, {Name: "n", T: types.TInt64}, {Name: "c", T: types.TInt64}}}
	ref := func(i int) Expr { return &ColumnRef{Index: i, Name: agg.Out[i].Name, T: types.TInt64} }
	gt0 := func(e Expr) Expr {
		return &Func{Name: ">", Args: []Expr{e, &Literal{Value: int64(0), T: types.TInt64}}, T: types.TBool}
	}
	isZero := &Func{Name: "=", Args: []Expr{ref(3), &Literal{Value: int64(0), T: types.TInt64}}, T: types.TBool}
	T, F, N := &Literal{Value: true, T: types.TBool}, &Literal{Value: false, T: types.TBool}, &Literal{T: types.TBool}
	var result Expr
	if se.Kind == SubAll {
		result = &Case{Whens: []When{{Cond: isZero, Then: T}, {Cond: gt0(ref(1)), Then: F}, {Cond: gt0(ref(2)), Then: N}}, Else: T, T: types.TBool}
	} else {
		result = &Case{Whens: []When{{Cond: gt0(ref(0)), Then: T}, {Cond: isZero, Then: F}, {Cond: gt0(ref(2)), Then: N}}, Else: F, T: types.TBool}
	}
	p := &Project{Input: agg, Exprs: []Expr{result}, Out: []OutCol{{Name: "any", T: types.TBool}}}
	return &SubqueryExpr{Kind: SubScalar, Plan: p, Correlated: true, T: types.TBool, loc: se.loc}, nil
}

// applyScalar joins a scalar subquery's value onto input (LEFT join on the
// outer columns it uses) and returns the expression that reads it.
func (b *Binder) applyScalar(input Plan, se0 *SubqueryExpr) (Plan, Expr, error) {
	se, err := b.asScalar(se0)
	if err != nil {
		return nil, nil, err
	}
	sub := se.Plan
	// The outer columns the subquery uses, and D: their distinct values.
	used := map[int]bool{}
	VisitPlanExprs(sub, func(e Expr) {
		Walk(e, func(x Expr) {
			if o, ok := x.(*OuterRef); ok {
				used[o.Index] = true
			}
		})
	})
	var outerCols []int
	for i := range used {
		outerCols = append(outerCols, i)
	}
	sort.Ints(outerCols)
	inCols := input.Columns()
	var d Plan
	dIndex := map[int]int{}
	if len(outerCols) == 0 {
		d = &Values{Rows: [][]Expr{{}}}
	} else {
		var exprs []Expr
		var out []OutCol
		for i, c := range outerCols {
			dIndex[c] = i
			exprs = append(exprs, &ColumnRef{Index: c, Name: inCols[c].Name, T: inCols[c].T})
			out = append(out, OutCol{Name: inCols[c].Name, T: inCols[c].T})
		}
		d = &Distinct{Input: &Project{Input: input, Exprs: exprs, Out: out}}
	}
	nd := len(outerCols)
	dc := &decorrelator{d: d, nd: nd, dIndex: dIndex}
	r, err := dc.push(sub)
	if err != nil {
		return nil, nil, b.errAt(sqlerr.As(err), se.loc)
	}
	rcols := r.Columns()
	vi := nd + firstVisible(rcols[nd:])
	value := Expr(&ColumnRef{Index: vi, Name: rcols[vi].Name, T: rcols[vi].T})
	if !atMostOneRow(sub) {
		r, value = checkOneRow(r, nd, value)
		rcols = r.Columns()
	}
	// R = D columns, value, marker (non-NULL on every R row).
	var exprs []Expr
	var out []OutCol
	for i := 0; i < nd; i++ {
		exprs = append(exprs, &ColumnRef{Index: i, Name: rcols[i].Name, T: rcols[i].T})
		out = append(out, OutCol{Name: rcols[i].Name, T: rcols[i].T, Hidden: true})
	}
	exprs = append(exprs, value, &Literal{Value: true, T: types.TBool})
	out = append(out, OutCol{Name: "?subquery?", T: value.Type(), Hidden: true}, OutCol{Name: "?matched?", T: types.TBool, Hidden: true})
	rp := &Project{Input: r, Exprs: exprs, Out: out}
	nl := len(inCols)
	var cond Expr
	for i, c := range outerCols {
		l := &ColumnRef{Index: c, Name: inCols[c].Name, T: inCols[c].T}
		r := &ColumnRef{Index: nl + i, Name: out[i].Name, T: out[i].T}
		for _, eq := range nullSafeEquals(l, r) {
			if cond == nil {
				cond = eq
			} else {
				cond = &Func{Name: "and", Args: []Expr{cond, eq}, T: types.TBool}
			}
		}
	}
	j := &Join{Left: input, Right: rp, Type: JoinLeft, Cond: cond, Out: append(append([]OutCol{}, inCols...), out...)}
	ref := Expr(&ColumnRef{Index: nl + nd, Name: "?subquery?", T: value.Type()})
	if empty := emptyValue(sub); empty != nil {
		matched := &Func{Name: "is null", Args: []Expr{&ColumnRef{Index: nl + nd + 1, Name: "?matched?", T: types.TBool}}, T: types.TBool}
		ref = &Case{Whens: []When{{Cond: matched, Then: empty}}, Else: ref, T: value.Type()}
	}
	return j, ref, nil
}

// atMostOneRow reports subqueries that are an aggregate without GROUP BY.
func atMostOneRow(p Plan) bool {
	for {
		switch n := p.(type) {
		case *Project:
			p = n.Input
		case *Filter:
			p = n.Input
		case *Aggregate:
			return len(n.Groups) == 0
		case *Limit:
			return n.Count >= 0 && n.Count <= 1
		default:
			return false
		}
	}
}

// emptyValue is what an aggregate subquery returns over no rows (its
// select list with count = 0 and every other aggregate NULL); nil when
// that is NULL.
func emptyValue(p Plan) Expr {
	proj, ok := p.(*Project)
	if !ok {
		return nil
	}
	return emptyValueAt(p, firstVisible(proj.Out))
}

// emptyValueAt is emptyValue for output column i (nil: NULL, or not an
// aggregate-without-GROUP-BY query).
func emptyValueAt(p Plan, i int) Expr {
	proj, ok := p.(*Project)
	if !ok {
		return nil
	}
	agg, ok := proj.Input.(*Aggregate)
	if !ok || len(agg.Groups) > 0 {
		return nil
	}
	e := proj.Exprs[i]
	v, _ := Rewrite(e, func(x Expr) (Expr, bool, error) {
		if c, ok := x.(*ColumnRef); ok {
			if a := agg.Aggs[c.Index]; a.Name == "count" {
				return &Literal{Value: int64(0), T: types.TInt64}, true, nil
			}
			return &Literal{T: c.T}, true, nil
		}
		return nil, false, nil
	})
	if l, ok := v.(*Literal); ok && l.Value == nil {
		return nil
	}
	return v
}

// checkOneRow makes R one row per D row, raising 21000 at run time where a
// subquery produced more than one.
func checkOneRow(r Plan, nd int, value Expr) (Plan, Expr) {
	cols := r.Columns()
	var groups []Expr
	var out []OutCol
	for i := 0; i < nd; i++ {
		groups = append(groups, &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].T})
		out = append(out, cols[i])
	}
	agg := &Aggregate{Input: r, Groups: groups,
		Aggs: []*AggCall{{Name: "count", Star: true, T: types.TInt64}, {Name: "max", Args: []Expr{value}, T: value.Type()}},
		Out:  append(out, OutCol{Name: "n", T: types.TInt64}, OutCol{Name: "v", T: value.Type()})}
	tooMany := &Func{Name: ">", Args: []Expr{&ColumnRef{Index: nd, Name: "n", T: types.TInt64}, &Literal{Value: int64(1), T: types.TInt64}}, T: types.TBool}
	v := &Case{Whens: []When{{Cond: tooMany, Then: &Func{Name: "more than one row", T: value.Type()}}},
		Else: &ColumnRef{Index: nd + 1, Name: "v", T: value.Type()}, T: value.Type()}
	return agg, v
}

// decorrelator computes a correlated subquery for every row of D at once:
// push(p) returns a plan whose rows are D's columns followed by p's columns
// evaluated with the outer references bound to that D row.
type decorrelator struct {
	d      Plan
	nd     int
	dIndex map[int]int
}

// bind rewrites an expression of p (columns shifted past D's, outer
// references turned into D's columns).
func (dc *decorrelator) bind(e Expr) Expr {
	r, _ := Rewrite(e, func(x Expr) (Expr, bool, error) {
		switch c := x.(type) {
		case *ColumnRef:
			return &ColumnRef{Index: c.Index + dc.nd, Name: c.Name, T: c.T}, true, nil
		case *OuterRef:
			return &ColumnRef{Index: dc.dIndex[c.Index], Name: c.Name, T: c.T}, true, nil
		}
		return nil, false, nil
	})
	return r
}

func (dc *decorrelator) dCols() ([]Expr, []OutCol) {
	cols := dc.d.Columns()
	var exprs []Expr
	var out []OutCol
	for i := 0; i < dc.nd; i++ {
		exprs = append(exprs, &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].T})
		out = append(out, OutCol{Name: cols[i].Name, T: cols[i].T, Hidden: true})
	}
	return exprs, out
}

func (dc *decorrelator) push(p Plan) (Plan, error) {
	if !PlanHasOuterRefs(p) {
		out := append(append([]OutCol{}, dc.d.Columns()...), p.Columns()...)
		return &Join{Left: dc.d, Right: p, Type: JoinCross, Out: out}, nil
	}
	switch n := p.(type) {
	case *Filter:
		in, err := dc.push(n.Input)
		if err != nil {
			return nil, err
		}
		return &Filter{Input: in, Cond: dc.bind(n.Cond)}, nil
	case *Project:
		in, err := dc.push(n.Input)
		if err != nil {
			return nil, err
		}
		exprs, out := dc.dCols()
		for _, e := range n.Exprs {
			exprs = append(exprs, dc.bind(e))
		}
		return &Project{Input: in, Exprs: exprs, Out: append(out, n.Out...)}, nil
	case *Aggregate:
		in, err := dc.push(n.Input)
		if err != nil {
			return nil, err
		}
		groups, out := dc.dCols()
		for _, g := range n.Groups {
			groups = append(groups, dc.bind(g))
		}
		aggs := make([]*AggCall, len(n.Aggs))
		for i, a := range n.Aggs {
			c := *a
			c.Args = make([]Expr, len(a.Args))
			for j, x := range a.Args {
				c.Args[j] = dc.bind(x)
			}
			aggs[i] = &c
		}
		return &Aggregate{Input: in, Groups: groups, Aggs: aggs, Out: append(out, n.Out...)}, nil
	case *Distinct:
		in, err := dc.push(n.Input)
		if err != nil {
			return nil, err
		}
		return &Distinct{Input: in}, nil
	case *Sort:
		return dc.push(n.Input) // order inside a subquery does not matter
	case *Join:
		return dc.pushJoin(n)
	case *Limit:
		return dc.pushLimit(n)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "this correlated subquery form is not supported yet")
}

func (dc *decorrelator) pushJoin(n *Join) (Plan, error) {
	lHas, rHas := PlanHasOuterRefs(n.Left), PlanHasOuterRefs(n.Right)
	inner := n.Type == JoinInner || n.Type == JoinCross
	switch {
	case lHas && rHas:
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "correlated references on both sides of a join in a subquery are not supported yet")
	case rHas && inner:
		// Swap so the correlated side is on the left, then restore order.
		nl := len(n.Left.Columns())
		nr := len(n.Right.Columns())
		swapped := &Join{Left: n.Right, Right: n.Left, Type: n.Type,
			Out: append(append([]OutCol{}, n.Right.Columns()...), n.Left.Columns()...)}
		if n.Cond != nil {
			swapped.Cond, _ = Rewrite(n.Cond, func(x Expr) (Expr, bool, error) {
				if c, ok := x.(*ColumnRef); ok {
					if c.Index < nl {
						return &ColumnRef{Index: c.Index + nr, Name: c.Name, T: c.T}, true, nil
					}
					return &ColumnRef{Index: c.Index - nl, Name: c.Name, T: c.T}, true, nil
				}
				return nil, false, nil
			})
		}
		j, err := dc.pushJoin(swapped)
		if err != nil {
			return nil, err
		}
		cols := j.Columns()
		exprs, out := dc.dCols()
		for i := 0; i < nl; i++ {
			k := dc.nd + nr + i
			exprs = append(exprs, &ColumnRef{Index: k, Name: cols[k].Name, T: cols[k].T})
			out = append(out, cols[k])
		}
		for i := 0; i < nr; i++ {
			k := dc.nd + i
			exprs = append(exprs, &ColumnRef{Index: k, Name: cols[k].Name, T: cols[k].T})
			out = append(out, cols[k])
		}
		return &Project{Input: j, Exprs: exprs, Out: out}, nil
	case rHas:
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "correlated references inside the nullable side of an outer join are not supported yet")
	}
	l, err := dc.push(n.Left)
	if err != nil {
		return nil, err
	}
	j := &Join{Left: l, Right: n.Right, Type: n.Type, Out: append(append([]OutCol{}, l.Columns()...), n.Right.Columns()...)}
	if n.Cond != nil {
		j.Cond = dc.bind(n.Cond)
		if j.Type == JoinCross {
			j.Type = JoinInner
		}
	}
	return j, nil
}

// nullSafeEquals matches an outer row to its D row even when the outer
// value is NULL (the subquery's result for a NULL must be found too), as
// two hashable equalities: (l IS NULL) = (r IS NULL) and
// coalesce(l, z) = coalesce(r, z) for a constant z of the type.
func nullSafeEquals(l, r *ColumnRef) []Expr {
	z := zeroOf(l.T)
	if z == nil {
		return []Expr{&Func{Name: "=", Args: []Expr{l, r}, T: types.TBool}}
	}
	isNull := func(e Expr) Expr { return &Func{Name: "is null", Args: []Expr{e}, T: types.TBool} }
	co := func(e Expr) Expr { return &Func{Name: "coalesce", Args: []Expr{e, z}, T: l.T} }
	return []Expr{
		&Func{Name: "=", Args: []Expr{isNull(l), isNull(r)}, T: types.TBool},
		&Func{Name: "=", Args: []Expr{co(l), co(r)}, T: types.TBool},
	}
}

// zeroOf is a constant of type t (nil for types without one here).
func zeroOf(t types.T) *Literal {
	switch t.Kind {
	case types.Bool:
		return &Literal{Value: false, T: t}
	case types.Int16, types.Int32, types.Int64:
		return &Literal{Value: int64(0), T: t}
	case types.Float32, types.Float64:
		return &Literal{Value: float64(0), T: t}
	case types.Numeric:
		return &Literal{Value: decimal128.Num{}, T: t}
	case types.Text, types.Varchar:
		return &Literal{Value: "", T: t}
	case types.Date:
		return &Literal{Value: int32(0), T: t}
	case types.Timestamp, types.TimestampTZ:
		return &Literal{Value: int64(0), T: t}
	}
	return nil
}

// pushLimit decorrelates ORDER BY … LIMIT n [OFFSET m] (e.g. "the latest
// row for this outer row"): the limit applies per D row, so it becomes
// row_number() OVER (PARTITION BY D's columns ORDER BY the keys) kept in
// (m, m+n].
func (dc *decorrelator) pushLimit(n *Limit) (Plan, error) {
	// Look through projections for the sort the limit applies to.
	var projs []*Project
	cur := n.Input
	for {
		if p, ok := cur.(*Project); ok {
			projs = append(projs, p)
			cur = p.Input
			continue
		}
		break
	}
	var keys []SortKey
	if s, ok := cur.(*Sort); ok {
		keys, cur = s.Keys, s.Input
	}
	in, err := dc.push(cur)
	if err != nil {
		return nil, err
	}
	var part []Expr
	cols := in.Columns()
	for i := 0; i < dc.nd; i++ {
		part = append(part, &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].T})
	}
	order := make([]SortKey, len(keys))
	for i, k := range keys {
		order[i] = SortKey{Expr: dc.bind(k.Expr), Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	call := &WindowCall{Name: "row_number", Partition: part, Order: order, T: types.TInt64,
		Frame: Frame{Mode: FrameRange, Start: FrameBound{Kind: BoundUnboundedPreceding}, End: FrameBound{Kind: BoundCurrentRow}}}
	width := len(cols)
	win := &Window{Input: in, Calls: []*WindowCall{call}, Out: append(append([]OutCol{}, cols...), OutCol{Name: "rn", T: types.TInt64, Hidden: true})}
	rn := &ColumnRef{Index: width, Name: "rn", T: types.TInt64}
	cond := Expr(&Func{Name: ">", Args: []Expr{rn, &Literal{Value: n.Offset, T: types.TInt64}}, T: types.TBool})
	if n.Count >= 0 {
		cond = &Func{Name: "and", T: types.TBool, Args: []Expr{cond,
			&Func{Name: "<=", Args: []Expr{rn, &Literal{Value: n.Offset + n.Count, T: types.TInt64}}, T: types.TBool}}}
	}
	var p Plan = projectPrefix(&Filter{Input: win, Cond: cond}, width)
	// Re-apply the projections (innermost first), now with D's columns.
	for i := len(projs) - 1; i >= 0; i-- {
		pr := projs[i]
		exprs, out := dc.dCols()
		for _, e := range pr.Exprs {
			exprs = append(exprs, dc.bind(e))
		}
		p = &Project{Input: p, Exprs: exprs, Out: append(out, pr.Out...)}
	}
	return p, nil
}
