package engine

import (
	"context"
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
)

func (s *Session) runCreateView(ctx context.Context, st planner.Statement, vs *pg.ViewStmt) (*Result, error) {
	if vs.View.Relpersistence == "t" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "temporary views are not supported")
	}
	b := s.binder(st)
	name := b.ResolveTable(vs.View)
	if vs.View.Schemaname == "" && len(b.SearchPath) > 0 {
		name.Schema = b.SearchPath[0]
	}
	sel := vs.Query.GetSelectStmt()
	if sel == nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "views must be defined by a SELECT")
	}
	// The definition must bind now; it is stored as canonical SQL text.
	lp, err := b.BindSelect(sel)
	if err != nil {
		return nil, err
	}
	text, err := planner.DeparseStatement(vs.Query)
	if err != nil {
		return nil, err
	}
	def := catalog.ViewDef{Name: name.Table, SQL: text}
	ncols := 0
	for _, c := range lp.Columns() {
		if !c.Hidden {
			ncols++
		}
	}
	if len(vs.Aliases) > ncols {
		return nil, sqlerr.New(sqlerr.SyntaxError, "CREATE VIEW specifies more column names than columns")
	}
	for _, a := range vs.Aliases {
		def.Columns = append(def.Columns, a.GetString_().Sval)
	}
	if err := s.eng.cat.CreateView(name, def, vs.Replace); err != nil {
		return nil, err
	}
	return tagf("CREATE VIEW"), nil
}

func (s *Session) runCreateIndex(st planner.Statement, is *pg.IndexStmt) (*Result, error) {
	b := s.binder(st)
	tname := b.ResolveTable(is.Relation)
	if !s.eng.cat.TableExists(tname) {
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", is.Relation.Relname)
	}
	tab, err := s.eng.cat.OpenTable(tname)
	if err != nil {
		return nil, err
	}
	snap, err := tab.Snapshot(context.Background())
	if err != nil {
		return nil, err
	}
	def := catalog.IndexDef{Name: is.Idxname, Table: tname.Table, Unique: is.Unique}
	for _, p := range is.IndexParams {
		el := p.GetIndexElem()
		if el == nil || el.Name == "" {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "indexes on expressions are not supported")
		}
		if len(snap.Schema().FieldIndices(el.Name)) == 0 {
			return nil, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" does not exist", el.Name)
		}
		def.Columns = append(def.Columns, el.Name)
	}
	if def.Name == "" {
		def.Name = tname.Table + "_" + def.Columns[0] + "_idx"
	}
	iname := catalog.Name{Catalog: tname.Catalog, Schema: tname.Schema, Table: def.Name}
	existed, err := s.eng.cat.CreateIndex(iname, def, is.IfNotExists)
	if err != nil {
		return nil, err
	}
	r := tagf("CREATE INDEX")
	if existed {
		r.Notices = append(r.Notices, fmt.Sprintf("relation \"%s\" already exists, skipping", def.Name))
	}
	return r, nil
}

// dropOther handles DROP VIEW and DROP INDEX.
func (s *Session) dropOther(st planner.Statement, ds *pg.DropStmt) (*Result, error) {
	b := s.binder(st)
	var notices []string
	tag := "DROP VIEW"
	if ds.RemoveType == pg.ObjectType_OBJECT_INDEX {
		tag = "DROP INDEX"
	}
	for _, o := range ds.Objects {
		rv, err := rangeVarOf(o)
		if err != nil {
			return nil, err
		}
		name := b.ResolveTable(rv)
		var existed bool
		if ds.RemoveType == pg.ObjectType_OBJECT_INDEX {
			existed, err = s.eng.cat.DropIndex(name, ds.MissingOk)
		} else {
			existed, err = s.eng.cat.DropView(name, ds.MissingOk)
		}
		if err != nil {
			return nil, err
		}
		if !existed {
			kind := "view"
			if tag == "DROP INDEX" {
				kind = "index"
			}
			notices = append(notices, fmt.Sprintf("%s \"%s\" does not exist, skipping", kind, rv.Relname))
		}
	}
	return &Result{Tag: tag, Notices: notices}, nil
}
