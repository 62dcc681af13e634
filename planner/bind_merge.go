package planner

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// mergeAction is one bound WHEN clause of a MERGE.
type mergeAction struct {
	when Expr   // the clause applies to a joined row (category and AND condition)
	kind int64  // ChangeUpdate, ChangeDelete, ChangeInsert; 0 for DO NOTHING
	vals []Expr // UPDATE and INSERT: the new row, one per table column
}

// mergeBinding is the state of binding one MERGE.
type mergeBinding struct {
	b      *Binder
	d      *DML // the target
	width  int  // table columns
	nt     int  // target scan columns (table columns + row identity)
	ns     int  // source columns (with the presence marker last)
	srcOut []OutCol
	scope  *scope
	plan   Plan // target ⟕ source, subqueries joined in as they appear
	// extra are the source columns (indexes into srcOut) that schema
	// evolution adds to the target: with AutoMergeSchema, star actions
	// carry source columns the target lacks.
	extra []int
}

// BindMerge binds MERGE INTO target USING source ON cond WHEN … as a
// RowChange. The target and source are joined once — inner, left, right or
// full as the WHEN clauses need unmatched target or source rows — and every
// joined row takes the first WHEN clause whose category (MATCHED, NOT
// MATCHED [BY TARGET], NOT MATCHED BY SOURCE) and AND condition hold.
func (b *Binder) BindMerge(ms *pg.MergeStmt) (*RowChange, error) {
	if len(ms.ReturningList) > 0 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "MERGE … RETURNING is not supported yet")
	}
	if ms.WithClause != nil {
		if err := b.bindWith(ms.WithClause); err != nil {
			return nil, err
		}
	}
	d, _, err := b.bindDMLTarget(ms.Relation)
	if err != nil {
		return nil, err
	}
	target := d.scan.WithRowIdentity()
	src, err := b.bindFromItem(ms.SourceRelation)
	if err != nil {
		return nil, err
	}
	m := &mergeBinding{b: b, d: d, width: len(d.scan.Out), nt: len(target.Out)}
	srcP := withPresenceMarker(src)
	m.srcOut, m.ns = srcP.Out, len(srcP.Out)
	m.scope = &scope{cols: append(append([]OutCol{}, target.Out...), srcP.Out...)}
	cond, err := b.bindExpr(ms.JoinCondition, &exprCtx{scope: m.scope, clause: "JOIN/ON"})
	if err != nil {
		return nil, err
	}
	if cond, err = b.coerceBool(cond, -1, "argument of JOIN/ON"); err != nil {
		return nil, err
	}
	join := b.newJoin(target, srcP, m.joinType(ms.MergeWhenClauses), cond)
	m.plan = join
	if hasSubquery(cond) {
		if m.plan, err = b.joinWithSubqueries(join); err != nil {
			return nil, err
		}
	}
	if b.AutoMergeSchema && usesStar(ms.MergeWhenClauses) {
		m.extra = m.newSourceColumns()
	}
	var actions []mergeAction
	for _, n := range ms.MergeWhenClauses {
		a, err := m.bindClause(n.GetMergeWhenClause())
		if err != nil {
			return nil, err
		}
		actions = append(actions, a)
	}
	rc := &RowChange{Name: d.Name, Table: d.Table, Snapshot: d.Snapshot, Target: d.scan,
		Plan: m.changes(actions), Merge: true, Predicate: cond.String()}
	if len(m.extra) > 0 {
		rc.Schema = m.evolvedSchema()
	}
	return rc, nil
}

// usesStar reports whether a WHEN clause is UPDATE SET * or INSERT *.
func usesStar(clauses []*pg.Node) bool {
	for _, n := range clauses {
		for _, t := range n.GetMergeWhenClause().TargetList {
			if t.GetResTarget().Name == MergeStarColumn {
				return true
			}
		}
	}
	return false
}

// newSourceColumns are the visible source columns whose names the target
// lacks (compared ignoring case, as Delta column names are).
func (m *mergeBinding) newSourceColumns() []int {
	var out []int
	for j, c := range m.srcOut[:m.ns-1] {
		if c.Hidden {
			continue
		}
		known := false
		for _, t := range m.d.scan.Out[:m.width] {
			known = known || strings.EqualFold(t.Name, c.Name)
		}
		if !known {
			out = append(out, j)
		}
	}
	return out
}

// extraType is the column type schema evolution gives source column j.
func (m *mergeBinding) extraType(j int) types.T {
	if t := m.srcOut[j].T; t.Kind != types.Unknown {
		return t
	}
	return types.TText
}

// evolvedSchema is the target's schema with the new source columns.
func (m *mergeBinding) evolvedSchema() *arrow.Schema {
	fields := append([]arrow.Field{}, m.d.scan.Schema.Fields()...)
	for _, j := range m.extra {
		fields = append(fields, types.Field(m.srcOut[j].Name, m.extraType(j), true))
	}
	return arrow.NewSchema(fields, nil)
}

// withExtra appends the values of the new columns to an action's row: the
// source's for a star action, NULL otherwise.
func (m *mergeBinding) withExtra(vals []Expr, star bool) []Expr {
	for _, j := range m.extra {
		t := m.extraType(j)
		if star {
			vals = append(vals, &Cast{Arg: &ColumnRef{Index: m.nt + j, Name: m.srcOut[j].Name, T: m.srcOut[j].T}, T: t})
		} else {
			vals = append(vals, &Literal{T: t})
		}
	}
	return vals
}

// withPresenceMarker appends a hidden TRUE column to the source: after an
// outer join, NULL there means the target row matched no source row.
func withPresenceMarker(src Plan) *Project {
	var exprs []Expr
	var out []OutCol
	for i, c := range src.Columns() {
		exprs = append(exprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
		out = append(out, c)
	}
	exprs = append(exprs, &Literal{Value: true, T: types.TBool})
	out = append(out, OutCol{Name: "_lode_source", T: types.TBool, Hidden: true})
	return &Project{Input: src, Exprs: exprs, Out: out}
}

// joinType keeps unmatched target rows when a NOT MATCHED BY SOURCE
// clause needs them and unmatched source rows for NOT MATCHED [BY TARGET].
func (m *mergeBinding) joinType(clauses []*pg.Node) JoinType {
	bySource, byTarget := false, false
	for _, n := range clauses {
		switch n.GetMergeWhenClause().MatchKind {
		case pg.MergeMatchKind_MERGE_WHEN_NOT_MATCHED_BY_SOURCE:
			bySource = true
		case pg.MergeMatchKind_MERGE_WHEN_NOT_MATCHED_BY_TARGET:
			byTarget = true
		}
	}
	switch {
	case bySource && byTarget:
		return JoinFull
	case bySource:
		return JoinLeft
	case byTarget:
		return JoinRight
	}
	return JoinInner
}

func (m *mergeBinding) targetPresent() Expr {
	return &Func{Name: "is not null", Args: []Expr{&ColumnRef{Index: m.width, Name: "_lode_file", T: types.TInt64}}, T: types.TBool}
}

func (m *mergeBinding) sourcePresent() Expr {
	return &Func{Name: "is not null", Args: []Expr{&ColumnRef{Index: m.nt + m.ns - 1, Name: "_lode_source", T: types.TBool}}, T: types.TBool}
}

func not(e Expr) Expr    { return &Func{Name: "not", Args: []Expr{e}, T: types.TBool} }
func and(a, b Expr) Expr { return &Func{Name: "and", Args: []Expr{a, b}, T: types.TBool} }

// bindClause binds one WHEN clause: its category and condition, and the
// new row an UPDATE or INSERT writes.
func (m *mergeBinding) bindClause(c *pg.MergeWhenClause) (mergeAction, error) {
	var a mergeAction
	var side string // which side's columns the clause may not use
	switch c.MatchKind {
	case pg.MergeMatchKind_MERGE_WHEN_MATCHED:
		a.when = and(m.targetPresent(), m.sourcePresent())
	case pg.MergeMatchKind_MERGE_WHEN_NOT_MATCHED_BY_SOURCE:
		a.when, side = and(m.targetPresent(), not(m.sourcePresent())), "source"
	default:
		a.when, side = and(m.sourcePresent(), not(m.targetPresent())), "target"
	}
	if c.Condition != nil {
		cond, err := m.expr(c.Condition, side, "WHEN")
		if err != nil {
			return a, err
		}
		if cond, err = m.b.coerceBool(cond, -1, "argument of WHEN"); err != nil {
			return a, err
		}
		a.when = and(a.when, cond)
	}
	var err error
	switch c.CommandType {
	case pg.CmdType_CMD_NOTHING:
	case pg.CmdType_CMD_DELETE:
		a.kind = ChangeDelete
	case pg.CmdType_CMD_UPDATE:
		a.kind = ChangeUpdate
		if a.vals, err = m.updateValues(c.TargetList, side); err == nil {
			a.vals = m.withExtra(a.vals, usesStar([]*pg.Node{{Node: &pg.Node_MergeWhenClause{MergeWhenClause: c}}}))
		}
	case pg.CmdType_CMD_INSERT:
		a.kind = ChangeInsert
		if a.vals, err = m.insertValues(c.TargetList, c.Values, side); err == nil {
			a.vals = m.withExtra(a.vals, usesStar([]*pg.Node{{Node: &pg.Node_MergeWhenClause{MergeWhenClause: c}}}))
		}
	default:
		err = sqlerr.New(sqlerr.FeatureNotSupported, "MERGE action %s is not supported", c.CommandType)
	}
	return a, err
}

// expr binds an expression of a WHEN clause over the joined row, refusing
// the columns of the side that is absent (side "target" or "source"), and
// joins in the subqueries it contains.
func (m *mergeBinding) expr(n *pg.Node, side, clause string) (Expr, error) {
	e, err := m.b.bindExpr(n, &exprCtx{scope: m.scope, clause: clause})
	if err != nil {
		return nil, err
	}
	used := map[int]bool{}
	ColumnsUsed(e, used)
	for i := range used {
		onTarget := i < m.nt
		if side == "target" && onTarget || side == "source" && !onTarget && i < m.nt+m.ns {
			qual := m.scope.cols[i].Qual
			return nil, sqlerr.New(sqlerr.UndefinedTable,
				"invalid reference to FROM-clause entry for table \"%s\"", qual)
		}
	}
	if hasSubquery(e) {
		if m.plan, e, err = m.b.applySubqueries(m.plan, e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// column finds a table column by name.
func (m *mergeBinding) column(name string) int {
	for i, c := range m.d.scan.Out[:m.width] {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// sourceColumn finds a visible source column by name (for the star forms).
func (m *mergeBinding) sourceColumn(name string) (Expr, error) {
	found := -1
	for j, c := range m.srcOut[:m.ns-1] {
		if c.Name == name && !c.Hidden {
			if found >= 0 {
				return nil, sqlerr.New(sqlerr.AmbiguousColumn, "column reference \"%s\" is ambiguous in the MERGE source", name)
			}
			found = j
		}
	}
	if found < 0 {
		return nil, sqlerr.New(sqlerr.UndefinedColumn,
			"column \"%s\" of the MERGE target does not exist in the source (UPDATE SET * and INSERT * take every target column from the source by name)", name)
	}
	c := m.srcOut[found]
	return &ColumnRef{Index: m.nt + found, Name: c.Name, T: c.T}, nil
}

// starValues is the new row of UPDATE SET * and INSERT *: every target
// column from the source column of its name.
func (m *mergeBinding) starValues() ([]Expr, error) {
	vals := make([]Expr, m.width)
	for i, c := range m.d.scan.Out[:m.width] {
		e, err := m.sourceColumn(c.Name)
		if err != nil {
			return nil, err
		}
		if vals[i], err = m.b.assignValue(e, c.T, c.Name); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// assigned binds the value given to table column i (DEFAULT or an
// expression of clause) and converts it for storing.
func (m *mergeBinding) assigned(i int, n *pg.Node, side, clause string) (Expr, error) {
	col := m.d.scan.Out[i]
	var e Expr
	var err error
	if n.GetSetToDefault() != nil {
		e, err = m.b.columnDefault(m.d.scan.Schema, i, col.T)
	} else {
		e, err = m.expr(n, side, clause)
	}
	if err != nil {
		return nil, err
	}
	return m.b.assignValue(e, col.T, col.Name)
}

// updateValues is the new row of an UPDATE SET action: assigned columns
// take their values, the others keep the target's.
func (m *mergeBinding) updateValues(targets []*pg.Node, side string) ([]Expr, error) {
	vals := make([]Expr, m.width)
	for _, t := range targets {
		rt := t.GetResTarget()
		if rt.Name == MergeStarColumn {
			star, err := m.starValues()
			if err != nil {
				return nil, err
			}
			copy(vals, star)
			continue
		}
		if len(rt.Indirection) > 0 {
			return nil, m.b.unsupported(rt.Location, "UPDATE of subfields is not supported")
		}
		i := m.column(rt.Name)
		if i < 0 {
			return nil, m.b.errAt(sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, m.d.Name.Table), rt.Location)
		}
		if vals[i] != nil {
			return nil, m.b.errAt(sqlerr.New(sqlerr.SyntaxError, "multiple assignments to same column \"%s\"", rt.Name), rt.Location)
		}
		var err error
		if vals[i], err = m.assigned(i, rt.Val, side, "UPDATE"); err != nil {
			return nil, err
		}
	}
	for i, c := range m.d.scan.Out[:m.width] {
		if vals[i] == nil {
			vals[i] = &ColumnRef{Index: i, Name: c.Name, T: c.T}
		}
	}
	return vals, nil
}

// insertValues is the new row of an INSERT action: listed (or all)
// columns take the VALUES, the others their defaults.
func (m *mergeBinding) insertValues(targets, values []*pg.Node, side string) ([]Expr, error) {
	vals := make([]Expr, m.width)
	if len(targets) == 1 && targets[0].GetResTarget().Name == MergeStarColumn {
		return m.starValues()
	}
	cols := make([]int, 0, len(values))
	if len(targets) == 0 {
		for i := range min(len(values), m.width) {
			cols = append(cols, i)
		}
	}
	for _, t := range targets {
		rt := t.GetResTarget()
		i := m.column(rt.Name)
		if i < 0 {
			return nil, m.b.errAt(sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, m.d.Name.Table), rt.Location)
		}
		for _, prev := range cols {
			if prev == i {
				return nil, m.b.errAt(sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", rt.Name), rt.Location)
			}
		}
		cols = append(cols, i)
	}
	if len(values) > len(cols) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more expressions than target columns")
	}
	if len(values) < len(cols) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more target columns than expressions")
	}
	for k, v := range values {
		var err error
		if vals[cols[k]], err = m.assigned(cols[k], v, side, "VALUES"); err != nil {
			return nil, err
		}
	}
	for i, c := range m.d.scan.Out[:m.width] {
		if vals[i] == nil {
			e, err := m.b.columnDefault(m.d.scan.Schema, i, c.T)
			if err != nil {
				return nil, err
			}
			vals[i] = e
		}
	}
	return vals, nil
}

// changes turns the joined rows into RowChange rows: the index of the
// first applicable clause is computed once, rows no clause changes are
// dropped, and the kind and new values are picked by that index.
func (m *mergeBinding) changes(actions []mergeAction) Plan {
	in := m.plan.Columns()
	idx := &Case{Else: &Literal{Value: int64(-1), T: types.TInt64}, T: types.TInt64}
	for i, a := range actions {
		v := int64(i)
		if a.kind == 0 {
			v = -1 // DO NOTHING: the row is claimed, and left alone
		}
		idx.Whens = append(idx.Whens, When{Cond: a.when, Then: &Literal{Value: v, T: types.TInt64}})
	}
	var exprs []Expr
	var out []OutCol
	for i, c := range in {
		exprs = append(exprs, &ColumnRef{Index: i, Name: c.Name, T: c.T})
		out = append(out, c)
	}
	exprs = append(exprs, idx)
	out = append(out, OutCol{Name: "_lode_action", T: types.TInt64})
	a := len(in)
	actionRef := &ColumnRef{Index: a, Name: "_lode_action", T: types.TInt64}
	var p Plan = &Filter{Input: &Project{Input: m.plan, Exprs: exprs, Out: out},
		Cond: &Func{Name: ">=", Args: []Expr{actionRef, &Literal{Value: int64(0), T: types.TInt64}}, T: types.TBool}}
	is := func(i int) Expr {
		return &Func{Name: "=", Args: []Expr{actionRef, &Literal{Value: int64(i), T: types.TInt64}}, T: types.TBool}
	}
	kind := &Case{Else: &Literal{T: types.TInt64}, T: types.TInt64}
	for i, ac := range actions {
		if ac.kind != 0 {
			kind.Whens = append(kind.Whens, When{Cond: is(i), Then: kindLit(ac.kind)})
		}
	}
	hexprs, hout := changeHeader(kind, m.width, m.width+1)
	cols := append([]OutCol{}, m.d.scan.Out[:m.width]...)
	for _, j := range m.extra {
		cols = append(cols, OutCol{Name: m.srcOut[j].Name, T: m.extraType(j)})
	}
	for c, col := range cols {
		v := &Case{Else: &Literal{T: col.T}, T: col.T}
		for i, ac := range actions {
			if ac.vals != nil {
				v.Whens = append(v.Whens, When{Cond: is(i), Then: ac.vals[c]})
			}
		}
		var e Expr = v
		if len(v.Whens) == 0 {
			e = &Literal{T: col.T}
		}
		hexprs = append(hexprs, e)
		hout = append(hout, OutCol{Name: col.Name, T: col.T})
	}
	return &Project{Input: p, Exprs: hexprs, Out: hout}
}
