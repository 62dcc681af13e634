package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// bindFrom binds the FROM list; several items are a cross join.
func (b *Binder) bindFrom(items []*pg.Node) (Plan, *scope, error) {
	if len(items) == 0 {
		// SELECT without FROM: one row with no columns.
		v := &Values{Rows: [][]Expr{{}}}
		return v, &scope{}, nil
	}
	var plan Plan
	for _, it := range items {
		if rs := it.GetRangeSubselect(); rs != nil && rs.Lateral && plan != nil {
			p, err := b.bindLateral(plan, rs, JoinCross, nil)
			if err != nil {
				return nil, nil, err
			}
			plan = p
			continue
		}
		p, err := b.bindFromItem(it)
		if err != nil {
			return nil, nil, err
		}
		if plan == nil {
			plan = p
			continue
		}
		plan = b.newJoin(plan, p, JoinCross, nil)
	}
	return plan, &scope{cols: plan.Columns()}, nil
}

func (b *Binder) newJoin(l, r Plan, jt JoinType, cond Expr) *Join {
	out := append(append([]OutCol{}, l.Columns()...), r.Columns()...)
	return &Join{Left: l, Right: r, Type: jt, Cond: cond, Out: out}
}

func (b *Binder) bindFromItem(n *pg.Node) (Plan, error) {
	switch {
	case n.GetRangeVar() != nil:
		return b.bindRangeVar(n.GetRangeVar())
	case n.GetRangeSubselect() != nil:
		rs := n.GetRangeSubselect()
		sub, err := b.BindSelect(rs.Subquery.GetSelectStmt())
		if err != nil {
			return nil, err
		}
		alias := ""
		var colNames []*pg.Node
		if rs.Alias != nil {
			alias = rs.Alias.Aliasname
			colNames = rs.Alias.Colnames
		}
		return b.requalify(sub, alias, colNames)
	case n.GetJoinExpr() != nil:
		return b.bindJoin(n.GetJoinExpr())
	case n.GetRangeFunction() != nil:
		return b.bindRangeFunction(n.GetRangeFunction())
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "FROM item not supported: %T", n.Node)
}

// requalify renames a derived table's columns under its alias, projecting
// away hidden columns.
func (b *Binder) requalify(p Plan, alias string, colNames []*pg.Node) (Plan, error) {
	in := p.Columns()
	var exprs []Expr
	var out []OutCol
	for i, c := range in {
		if c.Hidden {
			continue
		}
		exprs = append(exprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
		oc := c
		oc.Qual = alias
		out = append(out, oc)
	}
	if len(colNames) > len(out) {
		return nil, sqlerr.New(sqlerr.InvalidColumnRef, "table \"%s\" has %d columns available but %d columns specified", alias, len(out), len(colNames))
	}
	for i, cn := range colNames {
		out[i].Name = cn.GetString_().Sval
	}
	return &Project{Input: p, Exprs: exprs, Out: out}, nil
}

func (b *Binder) bindRangeVar(rv *pg.RangeVar) (Plan, error) {
	if cte, ok := b.ctes[rv.Relname]; ok && rv.Schemaname == "" && rv.Catalogname == "" {
		alias := rv.Relname
		var cols []*pg.Node
		if rv.Alias != nil {
			alias, cols = rv.Alias.Aliasname, rv.Alias.Colnames
		}
		return b.requalify(cte.plan, alias, cols)
	}
	if vs, ok, err := b.bindVirtual(rv); ok || err != nil {
		return vs, err
	}
	name := b.ResolveTable(rv)
	if v, ok := b.Cat.View(name); ok {
		return b.bindView(name, v, rv)
	}
	tab, err := b.Cat.OpenTable(name)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), rv.Location)
	}
	snap, err := tab.Snapshot(b.ctx())
	if err != nil {
		return nil, err
	}
	qual := rv.Relname
	var colNames []*pg.Node
	if rv.Alias != nil {
		qual, colNames = rv.Alias.Aliasname, rv.Alias.Colnames
	}
	return scanOf(name, tab, snap, qual, colNames)
}

// scanOf is a scan of every column of a table snapshot, under a range
// variable name (qual) with optional column aliases.
func scanOf(name catalog.Name, tab *delta.Table, snap *delta.Snapshot, qual string, colNames []*pg.Node) (*Scan, error) {
	schema := snap.Schema()
	s := &Scan{Name: name, Table: tab, Snapshot: snap, Schema: schema}
	for i, f := range schema.Fields() {
		t, err := types.FromField(f)
		if err != nil {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "column %s: %v", f.Name, err)
		}
		s.Cols = append(s.Cols, i)
		s.Out = append(s.Out, OutCol{Name: f.Name, T: t, Qual: qual, TableOID: name.OID(), AttNum: int16(i + 1)})
	}
	for i, cn := range colNames {
		if i < len(s.Out) {
			s.Out[i].Name = cn.GetString_().Sval
		}
	}
	return s, nil
}

func (b *Binder) bindJoin(j *pg.JoinExpr) (Plan, error) {
	if rf := j.Rarg.GetRangeFunction(); rf != nil && len(rf.Functions) == 1 {
		if items := rf.Functions[0].GetList().GetItems(); len(items) > 0 {
			if fc := items[0].GetFuncCall(); fc != nil && srfFuncName(fc) == "unnest" && len(fc.Args) == 1 {
				nj := proto.Clone(j).(*pg.JoinExpr)
				nj.Rarg = unnestSubselect(rf, fc.Args[0])
				j = nj
			}
		}
	}
	l, err := b.bindFromItem(j.Larg)
	if err != nil {
		return nil, err
	}
	if rs := j.Rarg.GetRangeSubselect(); rs != nil && rs.Lateral {
		jt := JoinInner
		switch j.Jointype {
		case pg.JoinType_JOIN_LEFT:
			jt = JoinLeft
		case pg.JoinType_JOIN_INNER:
			if j.Quals == nil {
				jt = JoinCross
			}
		default:
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "%s JOIN LATERAL is not supported", j.Jointype)
		}
		p, err := b.bindLateral(l, rs, jt, j.Quals)
		if err != nil {
			return nil, err
		}
		if j.Alias != nil {
			return b.requalify(p, j.Alias.Aliasname, j.Alias.Colnames)
		}
		return p, nil
	}
	r, err := b.bindFromItem(j.Rarg)
	if err != nil {
		return nil, err
	}
	var jt JoinType
	switch j.Jointype {
	case pg.JoinType_JOIN_INNER:
		jt = JoinInner
		if j.Quals == nil && len(j.UsingClause) == 0 && !j.IsNatural {
			jt = JoinCross
		}
	case pg.JoinType_JOIN_LEFT:
		jt = JoinLeft
	case pg.JoinType_JOIN_RIGHT:
		jt = JoinRight
	case pg.JoinType_JOIN_FULL:
		jt = JoinFull
	default:
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "join type %s not supported", j.Jointype)
	}
	join := b.newJoin(l, r, jt, nil)
	sc := &scope{cols: join.Out}
	if len(j.UsingClause) > 0 || j.IsNatural {
		return b.bindUsing(join, j)
	}
	if j.Quals != nil {
		cond, err := b.bindExpr(j.Quals, &exprCtx{scope: sc, clause: "JOIN conditions"})
		if err != nil {
			return nil, err
		}
		if cond, err = b.coerceBool(cond, -1, "argument of JOIN/ON"); err != nil {
			return nil, err
		}
		join.Cond = cond
		if hasSubquery(cond) {
			p, err := b.joinWithSubqueries(join)
			if err != nil {
				return nil, err
			}
			if j.Alias != nil {
				return b.requalify(p, j.Alias.Aliasname, j.Alias.Colnames)
			}
			return p, nil
		}
	}
	if j.Alias != nil {
		return b.requalify(join, j.Alias.Aliasname, j.Alias.Colnames)
	}
	return join, nil
}

// bindUsing binds JOIN … USING (cols) / NATURAL JOIN: equality on the named
// columns, which then appear once in the output (merged for outer joins).
func (b *Binder) bindUsing(join *Join, j *pg.JoinExpr) (Plan, error) {
	lcols, rcols := join.Left.Columns(), join.Right.Columns()
	var names []string
	if j.IsNatural {
		for _, lc := range lcols {
			for _, rc := range rcols {
				if lc.Name == rc.Name && !lc.Hidden {
					names = append(names, lc.Name)
				}
			}
		}
	} else {
		for _, n := range j.UsingClause {
			names = append(names, n.GetString_().Sval)
		}
	}
	ls, rs := &scope{cols: lcols}, &scope{cols: rcols}
	var cond Expr
	var exprs []Expr
	var out []OutCol
	used := map[int]bool{}
	usedR := map[int]bool{}
	for _, n := range names {
		li, err := ls.resolve(b, "", n, -1)
		if err != nil {
			return nil, err
		}
		ri, err := rs.resolve(b, "", n, -1)
		if err != nil {
			return nil, err
		}
		lref := &ColumnRef{Index: li, Name: n, T: lcols[li].T}
		rref := &ColumnRef{Index: len(lcols) + ri, Name: n, T: rcols[ri].T}
		eq, err := b.binaryOp("=", lref, rref, -1)
		if err != nil {
			return nil, err
		}
		if cond == nil {
			cond = eq
		} else {
			cond = &Func{Name: "and", Args: []Expr{cond, eq}, T: types.TBool}
		}
		used[li], usedR[ri] = true, true
		var merged Expr = lref
		t := lcols[li].T
		switch join.Type {
		case JoinRight:
			merged = rref
			t = rcols[ri].T
		case JoinFull:
			ct, err := commonType(lcols[li].T, rcols[ri].T)
			if err != nil {
				return nil, err
			}
			l2, _ := b.coerce(lref, ct, -1)
			r2, _ := b.coerce(rref, ct, -1)
			merged = &Func{Name: "coalesce", Args: []Expr{l2, r2}, T: ct}
			t = ct
		}
		exprs = append(exprs, merged)
		out = append(out, OutCol{Name: n, T: t})
	}
	join.Cond = cond
	if join.Type == JoinCross {
		join.Type = JoinInner
	}
	for i, c := range lcols {
		if !used[i] {
			exprs = append(exprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
			out = append(out, c)
		}
	}
	for i, c := range rcols {
		if !usedR[i] {
			exprs = append(exprs, &ColumnRef{Index: len(lcols) + i, Name: c.Name, T: c.T})
			out = append(out, c)
		}
	}
	// The merged columns have no qualifier; each side's own copy stays
	// reachable by qualified name (emp.dept_id) as a hidden column.
	for i := range names {
		out[i].Qual = ""
	}
	for i, c := range lcols {
		if used[i] {
			h := c
			h.Hidden = true
			exprs = append(exprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
			out = append(out, h)
		}
	}
	for i, c := range rcols {
		if usedR[i] {
			h := c
			h.Hidden = true
			exprs = append(exprs, &ColumnRef{Index: len(lcols) + i, Name: c.Name, T: c.T})
			out = append(out, h)
		}
	}
	var p Plan = &Project{Input: join, Exprs: exprs, Out: out}
	if j.Alias != nil {
		return b.requalify(p, j.Alias.Aliasname, j.Alias.Colnames)
	}
	return p, nil
}

func (b *Binder) bindRangeFunction(rf *pg.RangeFunction) (Plan, error) {
	if len(rf.Functions) != 1 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ROWS FROM is not supported")
	}
	fc := rf.Functions[0].GetList().Items[0].GetFuncCall()
	if fc == nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "table function not supported")
	}
	name := funcName(fc.Funcname)
	if name == "delta_scan" || name == "lode_as_of" {
		return b.bindDeltaScan(fc, rf)
	}
	if name == "unnest" && len(fc.Args) == 1 { // in a JOIN: bind_srf.go
		return b.bindFromItem(unnestSubselect(rf, fc.Args[0]))
	}
	if name != "generate_series" {
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s does not exist", name), fc.Location)
	}
	if len(fc.Args) < 2 || len(fc.Args) > 3 {
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function generate_series with %d arguments does not exist", len(fc.Args)), fc.Location)
	}
	ec := &exprCtx{clause: "functions in FROM"}
	args := make([]Expr, 3)
	t := types.TInt32
	for i, a := range fc.Args {
		e, err := b.bindExpr(a, ec)
		if err != nil {
			return nil, err
		}
		args[i] = e
		et := e.Type()
		if et.Kind == types.Unknown {
			continue
		}
		if !et.IsInteger() {
			return nil, b.unsupported(fc.Location, "generate_series over %s is not supported yet", et)
		}
		if numericRank(et.Kind) > numericRank(t.Kind) {
			t = et
		}
	}
	if args[2] == nil {
		args[2] = &Literal{Value: int64(1), T: t}
	}
	for i := range args {
		var err error
		if args[i], err = b.coerce(args[i], t, fc.Location); err != nil {
			return nil, err
		}
	}
	colName, qual := "generate_series", "generate_series"
	if rf.Alias != nil {
		qual = rf.Alias.Aliasname
		colName = qual
		if len(rf.Alias.Colnames) > 0 {
			colName = rf.Alias.Colnames[0].GetString_().Sval
		}
	}
	return &GenerateSeries{Start: args[0], Stop: args[1], Step: args[2],
		Out: []OutCol{{Name: colName, T: t, Qual: qual}}}, nil
}

// bindVirtual resolves pg_catalog / information_schema relations: explicitly
// qualified, or unqualified names found in pg_catalog (searched first, as
// in PostgreSQL).
func (b *Binder) bindVirtual(rv *pg.RangeVar) (Plan, bool, error) {
	schemas := catalog.VirtualSchemas
	if rv.Schemaname != "" {
		if !catalog.IsVirtualSchema(rv.Schemaname) {
			return nil, false, nil
		}
		schemas = []string{rv.Schemaname}
	}
	for _, s := range schemas {
		rel, ok := catalog.LookupVirtual(s, rv.Relname)
		if !ok {
			continue
		}
		qual := rv.Relname
		if rv.Alias != nil {
			qual = rv.Alias.Aliasname
		}
		vs := &VirtualScan{Schema: s, Table: rv.Relname, Rel: rel}
		for i, f := range rel.Schema().Fields() {
			t, err := types.FromField(f)
			if err != nil {
				return nil, true, err
			}
			vs.Out = append(vs.Out, OutCol{Name: f.Name, T: t, Qual: qual, AttNum: int16(i + 1)})
		}
		if rv.Alias != nil {
			for i, cn := range rv.Alias.Colnames {
				if i < len(vs.Out) {
					vs.Out[i].Name = cn.GetString_().Sval
				}
			}
		}
		return vs, true, nil
	}
	if rv.Schemaname != "" {
		return nil, true, b.errAt(sqlerr.New(sqlerr.UndefinedTable, "relation \"%s.%s\" does not exist", rv.Schemaname, rv.Relname), rv.Location)
	}
	return nil, false, nil
}

// bindView expands a view: its stored SELECT is bound in the view's own
// catalog and schema, then renamed to the view's columns and alias.
func (b *Binder) bindView(name catalog.Name, v catalog.ViewDef, rv *pg.RangeVar) (Plan, error) {
	if b.viewDepth > 32 {
		return nil, sqlerr.New(sqlerr.InvalidSQLStatement, "view %s refers to itself too deeply", name.Table)
	}
	tree, err := pg.Parse(v.SQL)
	if err != nil || len(tree.Stmts) != 1 || tree.Stmts[0].Stmt.GetSelectStmt() == nil {
		return nil, sqlerr.New(sqlerr.Internal, "view %s has an invalid definition", name)
	}
	child := &Binder{Cat: b.Cat, Database: name.Catalog, SearchPath: []string{name.Schema}, SQL: v.SQL,
		viewDepth: b.viewDepth + 1}
	plan, err := child.BindSelect(tree.Stmts[0].Stmt.GetSelectStmt())
	if err != nil {
		return nil, err
	}
	alias := rv.Relname
	var cols []*pg.Node
	for _, c := range v.Columns {
		cols = append(cols, pg.MakeStrNode(c))
	}
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
		if len(rv.Alias.Colnames) > 0 {
			cols = rv.Alias.Colnames
		}
	}
	return b.requalify(plan, alias, cols)
}

// joinWithSubqueries handles subqueries in a join's ON condition. For an
// inner join the condition is a filter over the cross product. For outer
// joins each subquery is computed on the side whose columns it reads (as a
// computed column of that input), which keeps outer-join semantics.
func (b *Binder) joinWithSubqueries(j *Join) (Plan, error) {
	nl := len(j.Left.Columns())
	nr := len(j.Right.Columns())
	if j.Type == JoinInner || j.Type == JoinCross {
		cross := &Join{Left: j.Left, Right: j.Right, Type: JoinCross, Out: j.Out}
		return b.applyWhere(cross, j.Cond)
	}
	var subs []*SubqueryExpr
	Walk(j.Cond, func(x Expr) {
		if se, ok := x.(*SubqueryExpr); ok {
			subs = append(subs, se)
		}
	})
	onRight := map[*SubqueryExpr]bool{}
	for _, se := range subs {
		usesLeft, usesRight := false, false
		mark := func(i int) {
			if i < nl {
				usesLeft = true
			} else {
				usesRight = true
			}
		}
		if se.Arg != nil {
			Walk(se.Arg, func(e Expr) {
				if c, ok := e.(*ColumnRef); ok {
					mark(c.Index)
				}
			})
		}
		VisitPlanExprs(se.Plan, func(e Expr) {
			Walk(e, func(x Expr) {
				if o, ok := x.(*OuterRef); ok {
					mark(o.Index)
				}
			})
		})
		if usesLeft && usesRight {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "a subquery in an outer join condition may use only one side's columns")
		}
		onRight[se] = usesRight
	}
	left, right := j.Left, j.Right
	repl := map[*SubqueryExpr]Expr{}
	for _, se := range subs {
		if onRight[se] {
			continue
		}
		p, ref, err := b.applyScalar(left, se)
		if err != nil {
			return nil, err
		}
		left, repl[se] = p, ref
	}
	addedLeft := len(left.Columns()) - nl
	for _, se := range subs {
		if !onRight[se] {
			continue
		}
		p, ref, err := b.applyScalar(right, shiftSubquery(se, -nl))
		if err != nil {
			return nil, err
		}
		right, repl[se] = p, ref
	}
	nlNew := len(left.Columns())
	for se, ref := range repl {
		if onRight[se] {
			repl[se] = ShiftColumns(ref, 0, nlNew)
		}
	}
	cond, _ := Rewrite(j.Cond, func(x Expr) (Expr, bool, error) {
		switch c := x.(type) {
		case *SubqueryExpr:
			return repl[c], true, nil
		case *ColumnRef:
			if c.Index >= nl {
				return &ColumnRef{Index: c.Index + addedLeft, Name: c.Name, T: c.T}, true, nil
			}
		}
		return nil, false, nil
	})
	lc, rc := left.Columns(), right.Columns()
	out := &Join{Left: left, Right: right, Type: j.Type, Cond: cond,
		Out: append(append([]OutCol{}, lc...), rc...)}
	// Keep the join's own columns only.
	var exprs []Expr
	var cols []OutCol
	for i := 0; i < nl; i++ {
		exprs = append(exprs, &ColumnRef{Index: i, Name: lc[i].Name, T: lc[i].T})
		cols = append(cols, lc[i])
	}
	for i := 0; i < nr; i++ {
		k := nlNew + i
		exprs = append(exprs, &ColumnRef{Index: k, Name: rc[i].Name, T: rc[i].T})
		cols = append(cols, rc[i])
	}
	return &Project{Input: out, Exprs: exprs, Out: cols}, nil
}

// shiftSubquery moves a subquery's references into the enclosing row (its
// argument's columns and its outer references) by delta.
func shiftSubquery(se *SubqueryExpr, delta int) *SubqueryExpr {
	c := *se
	if se.Arg != nil {
		c.Arg = ShiftColumns(se.Arg, 0, delta)
	}
	c.Plan = MapPlanExprs(se.Plan, func(e Expr) Expr {
		r, _ := Rewrite(e, func(x Expr) (Expr, bool, error) {
			if o, ok := x.(*OuterRef); ok {
				return &OuterRef{Index: o.Index + delta, Name: o.Name, T: o.T}, true, nil
			}
			return nil, false, nil
		})
		return r
	})
	return &c
}

// bindDeltaScan reads a Delta table by path: delta.`/path` (rewritten by
// the pre-parser) or delta_scan('/path').
func (b *Binder) bindDeltaScan(fc *pg.FuncCall, rf *pg.RangeFunction) (Plan, error) {
	if funcName(fc.Funcname) == "lode_as_of" {
		return b.bindAsOf(fc, rf)
	}
	if len(fc.Args) != 1 || fc.Args[0].GetAConst() == nil || fc.Args[0].GetAConst().GetSval() == nil {
		return nil, b.errAt(sqlerr.New(sqlerr.FeatureNotSupported, "delta_scan takes one constant path"), fc.Location)
	}
	path := fc.Args[0].GetAConst().GetSval().Sval
	tab, err := delta.Open(path)
	if err != nil {
		return nil, b.errAt(sqlerr.As(sqlerr.Wrap(sqlerr.UndefinedTable, err)), fc.Location)
	}
	snap, err := tab.Snapshot(b.ctx())
	if err != nil {
		return nil, err
	}
	qual := "delta"
	var colNames []*pg.Node
	if rf.Alias != nil {
		qual, colNames = rf.Alias.Aliasname, rf.Alias.Colnames
	}
	name := catalog.Name{Catalog: "delta", Schema: "path", Table: path}
	return scanOf(name, tab, snap, qual, colNames)
}
