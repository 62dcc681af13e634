package planner

import (
	"context"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

func (b *Binder) ctx() context.Context { return context.Background() }

// BindSelect binds a SELECT (including VALUES and set operations).
func (b *Binder) BindSelect(s *pg.SelectStmt) (Plan, error) {
	s = rewriteSRFs(s) // set-returning functions in the select list: bind_srf.go
	if s.WithClause != nil {
		// CTEs are visible to this query only: bind with a copy.
		child := *b
		if err := child.bindWith(s.WithClause); err != nil {
			return nil, err
		}
		// Bind the query without its WITH clause (restored afterwards: the
		// AST belongs to the caller).
		with := s.WithClause
		s.WithClause = nil
		p, err := child.BindSelect(s)
		s.WithClause = with
		b.ParamTypes = child.ParamTypes
		return p, err
	}
	var plan Plan
	var err error
	switch {
	case s.Op != pg.SetOperation_SETOP_NONE:
		plan, err = b.bindSetOp(s)
	case len(s.ValuesLists) > 0:
		plan, err = b.bindValues(s.ValuesLists, nil, nil)
	default:
		return b.bindSimpleSelect(s)
	}
	if err != nil {
		return nil, err
	}
	// ORDER BY / LIMIT of a set operation or VALUES apply to its result.
	if len(s.SortClause) > 0 {
		if plan, err = b.bindOrderBy(plan, s.SortClause, &scope{cols: plan.Columns()}, nil); err != nil {
			return nil, err
		}
	}
	return b.bindLimit(plan, s)
}

func (b *Binder) bindSetOp(s *pg.SelectStmt) (Plan, error) {
	opName := map[pg.SetOperation]string{pg.SetOperation_SETOP_UNION: "UNION",
		pg.SetOperation_SETOP_INTERSECT: "INTERSECT", pg.SetOperation_SETOP_EXCEPT: "EXCEPT"}[s.Op]
	// Untyped literals (NULL, 'x') in the branches' select lists are typed
	// by the other branches, as in PostgreSQL.
	b.keepUnknownOnce = true
	l, err := b.BindSelect(s.Larg)
	if err != nil {
		return nil, err
	}
	b.keepUnknownOnce = true
	r, err := b.BindSelect(s.Rarg)
	b.keepUnknownOnce = false
	if err != nil {
		return nil, err
	}
	lc, rc := visible(l.Columns()), visible(r.Columns())
	if len(lc) != len(rc) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "each %s query must have the same number of columns", opName)
	}
	ts := make([]types.T, len(lc))
	for i := range lc {
		if ts[i], err = commonType(lc[i].T, rc[i].T); err != nil {
			return nil, sqlerr.New(sqlerr.DatatypeMismatch, "%s types %s and %s cannot be matched", opName, lc[i].T, rc[i].T)
		}
		if ts[i].Kind == types.Unknown {
			ts[i] = types.TText
		}
	}
	if l, err = b.castColumns(l, ts); err != nil {
		return nil, err
	}
	if r, err = b.castColumns(r, ts); err != nil {
		return nil, err
	}
	out := make([]OutCol, len(lc))
	for i, c := range lc {
		out[i] = OutCol{Name: c.Name, T: ts[i]}
	}
	if s.Op != pg.SetOperation_SETOP_UNION {
		return b.intersectExcept(l, r, out, s.Op == pg.SetOperation_SETOP_EXCEPT, s.All)
	}
	var p Plan = &UnionAll{Branches: []Plan{l, r}, Out: out}
	if !s.All {
		p = &Distinct{Input: p}
	}
	return p, nil
}

// intersectExcept keeps the distinct rows of l that are (INTERSECT) or are
// not (EXCEPT) in r, rows comparing NULLs as equal, as set operations do:
// a semi or anti join on every column, then DISTINCT.
func (b *Binder) intersectExcept(l, r Plan, out []OutCol, except, all bool) (Plan, error) {
	l, r = projectVisible(l), projectVisible(r)
	if all {
		// Multiset semantics: number the duplicates of each row on both
		// sides (row_number over the row's values) and match numbers too.
		l, r = numberDuplicates(l, out), numberDuplicates(r, out)
	}
	nl := len(l.Columns())
	var cond Expr
	for i, c := range out {
		lc := &ColumnRef{Index: i, Name: c.Name, T: c.T}
		rc := &ColumnRef{Index: nl + i, Name: c.Name, T: c.T}
		for _, eq := range nullSafeEquals(lc, rc) {
			if cond == nil {
				cond = eq
			} else {
				cond = &Func{Name: "and", Args: []Expr{cond, eq}, T: types.TBool}
			}
		}
	}
	if all {
		rn := &Func{Name: "=", T: types.TBool, Args: []Expr{
			&ColumnRef{Index: len(out), Name: "rn", T: types.TInt64},
			&ColumnRef{Index: nl + len(out), Name: "rn", T: types.TInt64}}}
		cond = &Func{Name: "and", Args: []Expr{cond, rn}, T: types.TBool}
	}
	jt := JoinSemi
	if except {
		jt = JoinAnti
	}
	j := &Join{Left: l, Right: r, Type: jt, Cond: cond, Out: l.Columns()}
	if all {
		return projectPrefix(j, len(out)), nil
	}
	return &Distinct{Input: j}, nil
}

// numberDuplicates appends row_number() OVER (PARTITION BY every column).
func numberDuplicates(p Plan, cols []OutCol) Plan {
	var part []Expr
	for i, c := range cols {
		part = append(part, &ColumnRef{Index: i, Name: c.Name, T: c.T})
	}
	call := &WindowCall{Name: "row_number", Partition: part, T: types.TInt64,
		Frame: Frame{Mode: FrameRange, Start: FrameBound{Kind: BoundUnboundedPreceding}, End: FrameBound{Kind: BoundCurrentRow}}}
	return &Window{Input: p, Calls: []*WindowCall{call},
		Out: append(append([]OutCol{}, p.Columns()...), OutCol{Name: "rn", T: types.TInt64})}
}

// projectVisible drops hidden columns.
func projectVisible(p Plan) Plan {
	cols := p.Columns()
	if len(visible(cols)) == len(cols) {
		return p
	}
	var exprs []Expr
	var out []OutCol
	for i, c := range cols {
		if !c.Hidden {
			exprs = append(exprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
			out = append(out, c)
		}
	}
	return &Project{Input: p, Exprs: exprs, Out: out}
}

func visible(cols []OutCol) []OutCol {
	var out []OutCol
	for _, c := range cols {
		if !c.Hidden {
			out = append(out, c)
		}
	}
	return out
}

// castColumns projects p's visible columns to the given types.
func (b *Binder) castColumns(p Plan, ts []types.T) (Plan, error) {
	cols := p.Columns()
	exprs := make([]Expr, 0, len(ts))
	out := make([]OutCol, 0, len(ts))
	same := len(cols) == len(ts)
	j := 0
	for i, c := range cols {
		if c.Hidden {
			continue
		}
		var src Expr = &ColumnRef{Index: i, Name: c.Name, T: c.T}
		if lit, ok := unknownLiteral(p, i); ok {
			src = lit // an untyped literal is typed directly (NULL, '1')
		}
		e, err := b.coerce(src, ts[j], -1)
		if err != nil {
			return nil, err
		}
		if e.Type() != c.T {
			same = false
		}
		exprs = append(exprs, e)
		oc := c
		oc.T = ts[j]
		out = append(out, oc)
		j++
	}
	if same {
		return p, nil
	}
	return &Project{Input: p, Exprs: exprs, Out: out}, nil
}

// bindValues binds VALUES lists; targets (may be nil) give the column types
// the values are coerced to, as INSERT … VALUES does.
func (b *Binder) bindValues(lists []*pg.Node, targets []types.T, defaults []Expr) (Plan, error) {
	var rows [][]Expr
	ec := &exprCtx{clause: "VALUES"}
	width := -1
	for _, l := range lists {
		items := l.GetList().Items
		if width >= 0 && len(items) != width {
			return nil, sqlerr.New(sqlerr.SyntaxError, "VALUES lists must all be the same length")
		}
		width = len(items)
		row := make([]Expr, len(items))
		for i, it := range items {
			if it.GetSetToDefault() != nil {
				row[i] = &Literal{T: types.TUnknown}
				if i < len(defaults) && defaults[i] != nil {
					row[i] = defaults[i]
				}
				continue
			}
			e, err := b.bindExpr(it, ec)
			if err != nil {
				return nil, err
			}
			row[i] = e
		}
		rows = append(rows, row)
	}
	ts := make([]types.T, width)
	for c := 0; c < width; c++ {
		if targets != nil && c < len(targets) {
			ts[c] = targets[c]
			continue
		}
		t := types.TUnknown
		for _, r := range rows {
			var err error
			if t, err = commonType(t, r[c].Type()); err != nil {
				return nil, sqlerr.New(sqlerr.DatatypeMismatch, "VALUES types %s and %s cannot be matched", t, r[c].Type())
			}
		}
		if t.Kind == types.Unknown {
			t = types.TText
		}
		ts[c] = t
	}
	for _, r := range rows {
		for c := range r {
			var err error
			if r[c], err = b.coerceAssign(r[c], ts[c], targets != nil); err != nil {
				return nil, err
			}
		}
	}
	out := make([]OutCol, width)
	for c := range out {
		out[c] = OutCol{Name: "column" + itoa(c+1), T: ts[c]}
	}
	return &Values{Rows: rows, Out: out}, nil
}

// coerceAssign converts for storing into a column: implicit (assignment)
// casts when assign is set, so varchar(n) overflows raise 22001.
func (b *Binder) coerceAssign(e Expr, t types.T, assign bool) (Expr, error) {
	if e.Type() == t {
		return e, nil
	}
	if lit, ok := e.(*Literal); ok && (lit.Value == nil || lit.T.Kind == types.Unknown) {
		return b.coerce(e, t, -1)
	}
	if p, ok := e.(*Param); ok && p.T.Kind == types.Unknown {
		return b.coerce(e, t, -1)
	}
	return &Cast{Arg: e, T: t, Explicit: !assign}, nil
}

func (b *Binder) bindSimpleSelect(s *pg.SelectStmt) (Plan, error) {
	keep := b.keepUnknownOnce
	b.keepUnknownOnce = false
	if s.IntoClause != nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "SELECT INTO is not supported; use CREATE TABLE … AS")
	}
	if len(s.LockingClause) > 0 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "SELECT … FOR UPDATE/SHARE is not supported")
	}
	plan, sc, err := b.bindFrom(s.FromClause)
	if err != nil {
		return nil, err
	}
	if s.WhereClause != nil {
		cond, err := b.bindExpr(s.WhereClause, &exprCtx{scope: sc, clause: "WHERE"})
		if err != nil {
			return nil, err
		}
		if cond, err = b.coerceBool(cond, -1, "argument of WHERE"); err != nil {
			return nil, err
		}
		if plan, err = b.applyWhere(plan, cond); err != nil {
			return nil, err
		}
	}
	sel := &selectBinder{b: b, stmt: s, in: sc, keepUnknown: keep}
	return sel.bind(plan)
}
