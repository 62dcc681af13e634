package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// selectBinder binds the clauses of one SELECT that come after FROM/WHERE:
// the select list, GROUP BY, HAVING, DISTINCT, ORDER BY and LIMIT.
type selectBinder struct {
	b    *Binder
	stmt *pg.SelectStmt
	in   *scope // FROM output

	keepUnknown bool // leave untyped literals in the select list untyped

	aggs    []*AggCall
	wins    []*WindowCall
	targets []Expr
	out     []OutCol
}

func (sb *selectBinder) bind(plan Plan) (Plan, error) {
	b, s := sb.b, sb.stmt
	if len(s.WindowClause) > 0 {
		b.windows = map[string]*pg.WindowDef{}
		for _, w := range s.WindowClause {
			wd := w.GetWindowDef()
			b.windows[wd.Name] = wd
		}
	}
	ec := &exprCtx{scope: sb.in, aggs: &sb.aggs, wins: &sb.wins}
	if err := sb.bindTargets(ec); err != nil {
		return nil, err
	}
	groups, sets, err := sb.bindGroupBy()
	if err != nil {
		return nil, err
	}
	var having Expr
	if s.HavingClause != nil {
		if having, err = b.bindExpr(s.HavingClause, ec); err != nil {
			return nil, err
		}
		if having, err = b.coerceBool(having, -1, "argument of HAVING"); err != nil {
			return nil, err
		}
	}
	// ORDER BY keys that are not output columns are bound now, in the
	// input scope, because they may hold aggregates too.
	keys, err := sb.bindSortKeys(ec)
	if err != nil {
		return nil, err
	}
	onKeys, err := sb.bindDistinctOn(ec)
	if err != nil {
		return nil, err
	}
	nSort := len(keys)
	keys = append(keys, onKeys...) // bound and rewritten together below
	if len(sb.aggs) > 0 || len(groups) > 0 || having != nil || sets != nil {
		if sets != nil {
			plan = sb.groupedBySets(plan, groups, sets)
		} else {
			agg := &Aggregate{Input: plan, Groups: groups, Aggs: sb.aggs}
			for _, g := range groups {
				oc := OutCol{Name: "?column?", T: g.Type()}
				if c, ok := g.(*ColumnRef); ok {
					oc = sb.in.cols[c.Index]
				}
				agg.Out = append(agg.Out, oc)
			}
			for _, a := range sb.aggs {
				agg.Out = append(agg.Out, OutCol{Name: a.Name, T: a.T})
			}
			plan = agg
		}
		gidCol := len(groups) + len(sb.aggs)
		rw := func(e Expr) (Expr, error) {
			e, err := sb.overAggregate(e, groups)
			if err != nil {
				return nil, err
			}
			return Rewrite(e, func(x Expr) (Expr, bool, error) {
				if g, ok := x.(*groupingRef); ok {
					v, err := groupingValue(g, groups, sets, gidCol)
					return v, true, err
				}
				return nil, false, nil
			})
		}
		for i := range sb.targets {
			if sb.targets[i], err = rw(sb.targets[i]); err != nil {
				return nil, err
			}
		}
		if having != nil {
			if having, err = rw(having); err != nil {
				return nil, err
			}
			if plan, err = sb.applyUncorrelated(plan, having, "HAVING"); err != nil {
				return nil, err
			}
		}
		for i := range keys {
			if keys[i].hidden != nil {
				if keys[i].hidden, err = rw(keys[i].hidden); err != nil {
					return nil, err
				}
			}
		}
	}
	// Window functions run over the (grouped) rows: one Window node adds a
	// column per call, and references to the calls read those columns.
	if len(sb.wins) > 0 {
		if len(sb.aggs) > 0 || len(groups) > 0 || having != nil {
			for _, w := range sb.wins {
				rw := func(e Expr) (Expr, error) { return sb.overAggregate(e, groups) }
				for i := range w.Args {
					if w.Args[i], err = rw(w.Args[i]); err != nil {
						return nil, err
					}
				}
				for i := range w.Partition {
					if w.Partition[i], err = rw(w.Partition[i]); err != nil {
						return nil, err
					}
				}
				for i := range w.Order {
					if w.Order[i].Expr, err = rw(w.Order[i].Expr); err != nil {
						return nil, err
					}
				}
			}
		}
		base := plan.Columns()
		win := &Window{Input: plan, Calls: sb.wins, Out: append([]OutCol{}, base...)}
		for _, w := range sb.wins {
			win.Out = append(win.Out, OutCol{Name: w.Name, T: w.T, Hidden: true})
		}
		plan = win
		toCol := func(e Expr) Expr {
			r, _ := Rewrite(e, func(x Expr) (Expr, bool, error) {
				if w, ok := x.(*winRef); ok {
					return &ColumnRef{Index: len(base) + w.idx, Name: sb.wins[w.idx].Name, T: w.T}, true, nil
				}
				return nil, false, nil
			})
			return r
		}
		for i := range sb.targets {
			sb.targets[i] = toCol(sb.targets[i])
		}
		for i := range keys {
			if keys[i].hidden != nil {
				keys[i].hidden = toCol(keys[i].hidden)
			}
		}
	}
	// Subqueries in the select list and sort keys become joins below the
	// projection.
	for i := range sb.targets {
		if hasSubquery(sb.targets[i]) {
			if len(sb.aggs) > 0 || len(groups) > 0 {
				if err := uncorrelatedOnly(sb.targets[i], "the select list of an aggregate query"); err != nil {
					return nil, err
				}
			}
			if plan, sb.targets[i], err = b.applySubqueries(plan, sb.targets[i]); err != nil {
				return nil, err
			}
		}
	}
	for i := range keys {
		if keys[i].hidden != nil && hasSubquery(keys[i].hidden) {
			if plan, keys[i].hidden, err = b.applySubqueries(plan, keys[i].hidden); err != nil {
				return nil, err
			}
		}
	}
	// The projection: the select list plus hidden sort keys.
	proj := &Project{Input: plan, Exprs: append([]Expr{}, sb.targets...), Out: append([]OutCol{}, sb.out...)}
	sortKeys := make([]SortKey, len(keys))
	hidden := 0
	for i, k := range keys {
		idx := k.target
		if k.hidden != nil {
			if s.DistinctClause != nil && onKeys == nil {
				return nil, sqlerr.New(sqlerr.InvalidColumnRef, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
			}
			idx = len(proj.Exprs)
			proj.Exprs = append(proj.Exprs, k.hidden)
			proj.Out = append(proj.Out, OutCol{Name: "?sort?", T: k.hidden.Type(), Hidden: true})
			hidden++
		}
		sortKeys[i] = SortKey{Expr: &ColumnRef{Index: idx, Name: proj.Out[idx].Name, T: proj.Out[idx].T}, Desc: k.desc, NullsFirst: k.nullsFirst}
	}
	plan = proj
	onSort := sortKeys[nSort:]
	sortKeys = sortKeys[:nSort]
	switch {
	case onKeys != nil:
		// DISTINCT ON: the first row of each group in ORDER BY order,
		// i.e. row_number() OVER (PARTITION BY on-keys ORDER BY …) = 1.
		var part []Expr
		for _, k := range onSort {
			part = append(part, k.Expr)
		}
		width := len(plan.Columns())
		call := &WindowCall{Name: "row_number", Partition: part, Order: sortKeys, T: types.TInt64,
			Frame: Frame{Mode: FrameRange, Start: FrameBound{Kind: BoundUnboundedPreceding}, End: FrameBound{Kind: BoundCurrentRow}}}
		win := &Window{Input: plan, Calls: []*WindowCall{call},
			Out: append(append([]OutCol{}, plan.Columns()...), OutCol{Name: "rn", T: types.TInt64, Hidden: true})}
		first := &Func{Name: "=", T: types.TBool, Args: []Expr{&ColumnRef{Index: width, Name: "rn", T: types.TInt64}, &Literal{Value: int64(1), T: types.TInt64}}}
		plan = projectPrefix(&Filter{Input: win, Cond: first}, width)
	case s.DistinctClause != nil:
		plan = &Distinct{Input: plan}
	}
	if len(sortKeys) > 0 {
		plan = &Sort{Input: plan, Keys: sortKeys}
	}
	if hidden > 0 {
		// Drop the hidden sort keys after sorting.
		cols := plan.Columns()
		n := len(cols) - hidden
		exprs := make([]Expr, n)
		for i := 0; i < n; i++ {
			exprs[i] = &ColumnRef{Index: i, Name: cols[i].Name, T: cols[i].T}
		}
		plan = &Project{Input: plan, Exprs: exprs, Out: cols[:n]}
	}
	return b.bindLimit(plan, s)
}

func (sb *selectBinder) bindTargets(ec *exprCtx) error {
	b := sb.b
	for _, t := range sb.stmt.TargetList {
		rt := t.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			qual := ""
			if len(cr.Fields) >= 2 {
				qual = cr.Fields[len(cr.Fields)-2].GetString_().Sval
				if !sb.in.hasQual(qual) {
					return b.errAt(sqlerr.New(sqlerr.UndefinedTable, "missing FROM-clause entry for table \"%s\"", qual), cr.Location)
				}
			}
			if qual == "" && len(sb.stmt.FromClause) == 0 {
				return b.errAt(sqlerr.New(sqlerr.SyntaxError, "SELECT * with no tables specified is not valid"), cr.Location)
			}
			for i, c := range sb.in.cols {
				if c.Hidden || (qual != "" && c.Qual != qual) {
					continue
				}
				sb.targets = append(sb.targets, &ColumnRef{Index: i, Name: c.Name, T: c.T})
				sb.out = append(sb.out, c)
			}
			continue
		}
		e, err := b.bindExpr(rt.Val, ec)
		if err != nil {
			return err
		}
		if e.Type().Kind == types.Unknown && !sb.keepUnknown {
			// An untyped literal in the output is text, as in PostgreSQL.
			if e, err = b.coerce(e, types.TText, rt.Location); err != nil {
				return err
			}
		}
		name := rt.Name
		if name == "" {
			name = colName(rt.Val)
		}
		oc := OutCol{Name: name, T: e.Type()}
		if c, ok := e.(*ColumnRef); ok {
			src := sb.in.cols[c.Index]
			oc.TableOID, oc.AttNum, oc.Qual = src.TableOID, src.AttNum, src.Qual
		}
		sb.targets = append(sb.targets, e)
		sb.out = append(sb.out, oc)
	}
	return nil
}

// bindGroupBy binds GROUP BY items: input expressions, output ordinals, or
// output column names (input column names win, as in PostgreSQL).
func (sb *selectBinder) bindGroupBy() ([]Expr, [][]int, error) {
	return sb.groupingSets(sb.stmt.GroupClause)
}

// bindGroupItem binds one GROUP BY expression: an input expression, an
// output ordinal, or an output column name (input names win, as in
// PostgreSQL).
func (sb *selectBinder) bindGroupItem(g *pg.Node) (Expr, error) {
	b := sb.b
	if c := g.GetAConst(); c != nil && c.GetIval() != nil {
		n := int(c.GetIval().Ival)
		if n < 1 || n > len(sb.targets) {
			return nil, b.errAt(sqlerr.New(sqlerr.InvalidColumnRef, "GROUP BY position %d is not in select list", n), c.Location)
		}
		if containsAgg(sb.targets[n-1]) {
			return nil, b.errAt(sqlerr.New(sqlerr.GroupingError, "aggregate functions are not allowed in GROUP BY"), c.Location)
		}
		return sb.targets[n-1], nil
	}
	if cr := g.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && cr.Fields[0].GetString_() != nil {
		name := cr.Fields[0].GetString_().Sval
		if _, err := sb.in.resolve(b, "", name, cr.Location); err != nil {
			if i := sb.outputIndex(name); i >= 0 && !containsAgg(sb.targets[i]) {
				return sb.targets[i], nil
			}
		}
	}
	return b.bindExpr(g, &exprCtx{scope: sb.in, clause: "GROUP BY"})
}

func (sb *selectBinder) outputIndex(name string) int {
	found := -1
	for i, c := range sb.out {
		if c.Name == name {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

func containsAgg(e Expr) bool {
	found := false
	Walk(e, func(x Expr) {
		if _, ok := x.(*aggRef); ok {
			found = true
		}
	})
	return found
}

// overAggregate rewrites an expression bound over the aggregate's input to
// one over its output: group expressions become their group column,
// aggregates their aggregate column; any other input column is an error.
func (sb *selectBinder) overAggregate(e Expr, groups []Expr) (Expr, error) {
	keys := make(map[string]int, len(groups))
	for i, g := range groups {
		keys[Key(g)] = i
	}
	return Rewrite(e, func(x Expr) (Expr, bool, error) {
		if i, ok := keys[Key(x)]; ok {
			return &ColumnRef{Index: i, Name: groupName(groups[i], sb.in), T: x.Type()}, true, nil
		}
		switch v := x.(type) {
		case *aggRef:
			return &ColumnRef{Index: len(groups) + v.idx, Name: sb.aggs[v.idx].String(), T: v.T}, true, nil
		case *ColumnRef:
			c := sb.in.cols[v.Index]
			name := c.Name
			if c.Qual != "" {
				name = c.Qual + "." + c.Name
			}
			return nil, true, sqlerr.New(sqlerr.GroupingError,
				"column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function", name)
		}
		return nil, false, nil
	})
}

func groupName(g Expr, in *scope) string {
	if c, ok := g.(*ColumnRef); ok {
		return in.cols[c.Index].Name
	}
	return g.String()
}

// applyUncorrelated filters an aggregate's output by cond, whose subqueries
// may not be correlated (they would refer to columns aggregated away).
func (sb *selectBinder) applyUncorrelated(plan Plan, cond Expr, clause string) (Plan, error) {
	if err := uncorrelatedOnly(cond, clause); err != nil {
		return nil, err
	}
	return sb.b.applyWhere(plan, cond)
}

func uncorrelatedOnly(e Expr, clause string) error {
	var err error
	Walk(e, func(x Expr) {
		if se, ok := x.(*SubqueryExpr); ok && se.Correlated && err == nil {
			err = sqlerr.New(sqlerr.FeatureNotSupported, "correlated subqueries in %s are not supported yet", clause)
		}
	})
	return err
}
