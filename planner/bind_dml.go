package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// DML is a bound DELETE or UPDATE on a Delta table; Change turns it into
// the RowChange the engine applies.
type DML struct {
	Name     catalog.Name
	Table    *delta.Table
	Snapshot *delta.Snapshot
	scan     *Scan
	pred     Expr         // nil: every row
	sets     map[int]Expr // UPDATE: column → new value (table type)
	b        *Binder
}

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

// matched is coalesce(pred, false) over p (subqueries joined in).
func (d *DML) matched(p Plan) (Plan, Expr, error) {
	if d.pred == nil {
		return p, &Literal{Value: true, T: types.TBool}, nil
	}
	cond := Expr(&Func{Name: "coalesce", Args: []Expr{d.pred, &Literal{Value: false, T: types.TBool}}, T: types.TBool})
	return d.b.applySubqueries(p, cond)
}

// PredicateColumns are the table columns the WHERE clause reads.
func (d *DML) PredicateColumns() []string {
	if d.pred == nil {
		return nil
	}
	used := map[int]bool{}
	ColumnsUsed(d.pred, used)
	var out []string
	for i := range d.scan.Out {
		if used[i] {
			out = append(out, d.scan.Out[i].Name)
		}
	}
	return out
}
