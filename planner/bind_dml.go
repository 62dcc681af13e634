package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// DML is a bound DELETE or UPDATE on a Delta table, executed copy-on-write
// file by file: Match counts the affected rows of some files, Rewrite
// yields the rows those files hold after the statement.
type DML struct {
	Name     catalog.Name
	Table    *delta.Table
	Snapshot *delta.Snapshot
	scan     *Scan
	pred     Expr         // nil: every row
	sets     map[int]Expr // UPDATE: column → new value (table type)
	b        *Binder
}

// HasPredicate reports whether the statement has a WHERE clause.
func (d *DML) HasPredicate() bool { return d.pred != nil }

func (b *Binder) bindDMLTarget(rv *pg.RangeVar) (*DML, *scope, error) {
	if !rv.Inh {
		return nil, nil, b.unsupported(rv.Location, "ONLY is not supported")
	}
	name := b.ResolveTable(rv)
	if _, isView := b.Cat.View(name); isView {
		return nil, nil, b.errAt(sqlerr.New(sqlerr.WrongObjectType, "cannot change view \"%s\"", rv.Relname), rv.Location)
	}
	p, err := b.bindRangeVar(rv)
	if err != nil {
		return nil, nil, err
	}
	s := p.(*Scan)
	d := &DML{Name: s.Name, Table: s.Table, Snapshot: s.Snapshot, scan: s, b: b}
	return d, &scope{cols: s.Out}, nil
}

func (b *Binder) bindDMLWhere(d *DML, sc *scope, where *pg.Node) error {
	if where == nil {
		return nil
	}
	cond, err := b.bindExpr(where, &exprCtx{scope: sc, clause: "WHERE"})
	if err != nil {
		return err
	}
	if d.pred, err = b.coerceBool(cond, -1, "argument of WHERE"); err != nil {
		return err
	}
	return nil
}

// BindDelete binds DELETE FROM t [WHERE …].
func (b *Binder) BindDelete(ds *pg.DeleteStmt) (*DML, error) {
	if len(ds.UsingClause) > 0 || len(ds.ReturningList) > 0 || ds.WithClause != nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DELETE … USING / RETURNING / WITH is not supported yet")
	}
	d, sc, err := b.bindDMLTarget(ds.Relation)
	if err != nil {
		return nil, err
	}
	return d, b.bindDMLWhere(d, sc, ds.WhereClause)
}

// BindUpdate binds UPDATE t SET col = expr, … [WHERE …].
func (b *Binder) BindUpdate(us *pg.UpdateStmt) (*DML, error) {
	if len(us.FromClause) > 0 || len(us.ReturningList) > 0 || us.WithClause != nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "UPDATE … FROM / RETURNING / WITH is not supported yet; use MERGE INTO")
	}
	d, sc, err := b.bindDMLTarget(us.Relation)
	if err != nil {
		return nil, err
	}
	d.sets = map[int]Expr{}
	ec := &exprCtx{scope: sc, clause: "UPDATE"}
	for _, t := range us.TargetList {
		rt := t.GetResTarget()
		if len(rt.Indirection) > 0 {
			return nil, b.unsupported(rt.Location, "UPDATE of subfields is not supported")
		}
		idx := -1
		for i, c := range d.scan.Out {
			if c.Name == rt.Name {
				idx = i
			}
		}
		if idx < 0 {
			return nil, b.errAt(sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, d.Name.Table), rt.Location)
		}
		if _, dup := d.sets[idx]; dup {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "multiple assignments to same column \"%s\"", rt.Name), rt.Location)
		}
		var e Expr
		if rt.Val.GetSetToDefault() != nil {
			e = &Literal{T: d.scan.Out[idx].T}
		} else if e, err = b.bindExpr(rt.Val, ec); err != nil {
			return nil, err
		}
		if e, err = b.assignValue(e, d.scan.Out[idx].T, rt.Name); err != nil {
			return nil, err
		}
		d.sets[idx] = e
	}
	return d, b.bindDMLWhere(d, sc, us.WhereClause)
}

// assignValue converts a value for storing into a column.
func (b *Binder) assignValue(e Expr, t types.T, col string) (Expr, error) {
	if lit, ok := e.(*Literal); ok && (lit.Value == nil || lit.T.Kind == types.Unknown) {
		return b.coerce(e, t, -1)
	}
	if p, ok := e.(*Param); ok && p.T.Kind == types.Unknown {
		return b.coerce(e, t, -1)
	}
	return b.assignCast(e, t, col)
}

func (d *DML) scanOf(files []delta.DataFile) *Scan {
	s := *d.scan
	s.FileSubset = files
	return &s
}

// matched is coalesce(pred, false) over p (subqueries joined in).
func (d *DML) matched(p Plan) (Plan, Expr, error) {
	if d.pred == nil {
		return p, &Literal{Value: true, T: types.TBool}, nil
	}
	cond := Expr(&Func{Name: "coalesce", Args: []Expr{d.pred, &Literal{Value: false, T: types.TBool}}, T: types.TBool})
	return d.b.applySubqueries(p, cond)
}

// Match counts the rows of files the statement affects.
func (d *DML) Match(files []delta.DataFile) (Plan, error) {
	p, cond, err := d.matched(d.scanOf(files))
	if err != nil {
		return nil, err
	}
	return &Aggregate{Input: &Filter{Input: p, Cond: cond},
		Aggs: []*AggCall{{Name: "count", Star: true, T: types.TInt64}},
		Out:  []OutCol{{Name: "count", T: types.TInt64}}}, nil
}

// Rewrite yields the rows files hold after the statement, in table order:
// DELETE keeps the unmatched rows, UPDATE changes the matched ones.
func (d *DML) Rewrite(files []delta.DataFile) (Plan, error) {
	s := d.scanOf(files)
	p, cond, err := d.matched(s)
	if err != nil {
		return nil, err
	}
	width := len(s.Out)
	if d.sets == nil {
		keep := &Func{Name: "not", Args: []Expr{cond}, T: types.TBool}
		return projectPrefix(&Filter{Input: p, Cond: keep}, width), nil
	}
	exprs := make([]Expr, width)
	out := make([]OutCol, width)
	for i, c := range s.Out {
		out[i] = OutCol{Name: c.Name, T: c.T}
		old := &ColumnRef{Index: i, Name: c.Name, T: c.T}
		nv, ok := d.sets[i]
		if !ok {
			exprs[i] = old
			continue
		}
		if hasSubquery(nv) {
			if p, nv, err = d.b.applySubqueries(p, nv); err != nil {
				return nil, err
			}
		}
		exprs[i] = &Case{Whens: []When{{Cond: cond, Then: nv}}, Else: old, T: c.T}
	}
	return &Project{Input: p, Exprs: exprs, Out: out}, nil
}
