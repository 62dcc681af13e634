package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

func (s *Session) runCreateTable(ctx context.Context, st planner.Statement, cs *pg.CreateStmt) (*Result, error) {
	b := s.binder(st)
	if cs.Relation.Relpersistence == "t" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "temporary tables are not supported")
	}
	if len(cs.InhRelations) > 0 || cs.Partspec != nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "table inheritance and PARTITION BY are not supported; use PARTITIONED BY")
	}
	name := b.ResolveTable(cs.Relation)
	var fields []arrow.Field
	var serials []catalog.Name
	var fkeys []catalog.ForeignKeyDef
	var checks []*pg.Constraint
	var checkCols []string
	seen := map[string]bool{}
	for _, el := range cs.TableElts {
		cd := el.GetColumnDef()
		if cd == nil {
			if c := el.GetConstraint(); c != nil {
				// Table-level PRIMARY KEY (a, b) makes its columns NOT NULL.
				if c.Contype == pg.ConstrType_CONSTR_CHECK {
					checks = append(checks, c)
					checkCols = append(checkCols, "")
					continue
				}
				if c.Contype == pg.ConstrType_CONSTR_FOREIGN {
					var cols []string
					for _, k := range c.FkAttrs {
						cols = append(cols, k.GetString_().Sval)
					}
					fk, err := s.foreignKey(b, name, cols, c)
					if err != nil {
						return nil, err
					}
					fkeys = append(fkeys, fk)
					continue
				}
				if c.Contype == pg.ConstrType_CONSTR_PRIMARY {
					for _, k := range c.Keys {
						markNotNull(fields, k.GetString_().Sval)
					}
					continue
				}
				return nil, sqlerr.New(sqlerr.FeatureNotSupported, "table constraint %s is not supported yet", c.Contype)
			}
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "table element not supported")
		}
		if seen[cd.Colname] {
			return nil, sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", cd.Colname)
		}
		seen[cd.Colname] = true
		nullable := true
		defaultSQL := ""
		var t types.T
		var err error
		if st, ok := serialType(cd.TypeName); ok {
			// serial: an integer column defaulting to a new sequence's
			// nextval, NOT NULL, as PostgreSQL expands it.
			t, nullable = st, false
			seq := name.Table + "_" + cd.Colname + "_seq"
			serials = append(serials, catalog.Name{Catalog: name.Catalog, Schema: name.Schema, Table: seq})
			defaultSQL = "nextval('" + seq + "')"
		} else if t, err = planner.TypeOf(b, cd.TypeName); err != nil {
			return nil, err
		}
		for _, cn := range cd.Constraints {
			c := cn.GetConstraint()
			switch c.Contype {
			case pg.ConstrType_CONSTR_NOTNULL, pg.ConstrType_CONSTR_PRIMARY:
				nullable = false
			case pg.ConstrType_CONSTR_NULL:
				nullable = true
			case pg.ConstrType_CONSTR_UNIQUE:
				// Accepted, not enforced: Delta tables have no unique indexes.
			case pg.ConstrType_CONSTR_CHECK:
				checks = append(checks, c)
				checkCols = append(checkCols, cd.Colname)
			case pg.ConstrType_CONSTR_FOREIGN:
				fk, err := s.foreignKey(b, name, []string{cd.Colname}, c)
				if err != nil {
					return nil, err
				}
				fkeys = append(fkeys, fk)
			case pg.ConstrType_CONSTR_DEFAULT:
				if c.RawExpr != nil && c.RawExpr.GetAConst() != nil && c.RawExpr.GetAConst().Isnull {
					continue
				}
				text, err := planner.CheckDefault(b, c.RawExpr, t, cd.Colname)
				if err != nil {
					return nil, err
				}
				defaultSQL = text
			default:
				return nil, sqlerr.New(sqlerr.FeatureNotSupported, "column constraint %s is not supported yet", c.Contype)
			}
		}
		field := types.Field(cd.Colname, t, nullable)
		if defaultSQL != "" {
			field.Metadata = arrow.NewMetadata(append(field.Metadata.Keys(), delta.MetaColumnDefault),
				append(field.Metadata.Values(), defaultSQL))
		}
		fields = append(fields, field)
	}
	if len(fields) == 0 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "tables must have at least one column")
	}
	schema := arrow.NewSchema(fields, nil)
	opts := delta.CreateOptions{Configuration: map[string]string{}, PartitionColumns: st.PartitionBy}
	for k, v := range st.TableProperties {
		opts.Configuration[k] = v
	}
	if am := strings.ToLower(cs.AccessMethod); am != "" && am != "delta" {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "table format %q is not supported: Lode tables are Delta tables", cs.AccessMethod)
	}
	for i, c := range checks {
		text, err := planner.CheckConstraintText(b, c.RawExpr, schema)
		if err != nil {
			return nil, err
		}
		cname := c.Conname
		if cname == "" {
			cname = name.Table + "_check"
			if i > 0 {
				cname = fmt.Sprintf("%s_check%d", name.Table, i)
			}
			if checkCols[i] != "" {
				cname = name.Table + "_" + checkCols[i] + "_check"
			}
		}
		opts.Configuration["delta.constraints."+cname] = text
	}
	_, existed, err := s.eng.cat.CreateTableWith(ctx, name, schema, opts, cs.IfNotExists)
	if err != nil {
		return nil, err
	}
	if !existed {
		for _, fk := range fkeys {
			if err := s.eng.cat.AddForeignKey(name, fk); err != nil {
				return nil, err
			}
		}
		for _, seq := range serials {
			d := catalog.SequenceDef{Name: seq.Table, Start: 1, Increment: 1, Min: 1, Max: 1<<63 - 1}
			if _, err := s.eng.cat.CreateSequence(seq, d, true); err != nil {
				return nil, err
			}
		}
	}
	if !existed {
		s.recordPrimaryKey(name, cs) // engine/pgcatalog.go
	}
	r := tagf("CREATE TABLE")
	if existed {
		r.Notices = append(r.Notices, fmt.Sprintf("relation \"%s\" already exists, skipping", name.Table))
	}
	return r, nil
}

func markNotNull(fields []arrow.Field, name string) {
	for i := range fields {
		if fields[i].Name == name {
			fields[i].Nullable = false
		}
	}
}

func (s *Session) runCreateTableAs(ctx context.Context, st planner.Statement, ct *pg.CreateTableAsStmt) (*Result, error) {
	if ct.Objtype != pg.ObjectType_OBJECT_TABLE {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "CREATE %s … AS is not supported yet", ct.Objtype)
	}
	sel := ct.Query.GetSelectStmt()
	if sel == nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "CREATE TABLE AS needs a SELECT")
	}
	b := s.binder(st)
	name := b.ResolveTable(ct.Into.Rel)
	if s.eng.cat.TableExists(name) {
		if ct.IfNotExists {
			r := tagf("CREATE TABLE AS")
			r.Notices = append(r.Notices, fmt.Sprintf("relation \"%s\" already exists, skipping", name.Table))
			return r, nil
		}
		return nil, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", name.Table)
	}
	lp, err := b.BindSelect(sel)
	if err != nil {
		return nil, err
	}
	var fields []arrow.Field
	cols := lp.Columns()
	for i, cn := range ct.Into.ColNames {
		if i < len(cols) {
			cols[i].Name = cn.GetString_().Sval
		}
	}
	var exprs []planner.Expr
	var out []planner.OutCol
	for i, c := range cols {
		if c.Hidden {
			continue
		}
		t := c.T
		if t.Kind == types.Unknown {
			t = types.TText
		}
		fields = append(fields, types.Field(c.Name, t, true))
		exprs = append(exprs, &planner.ColumnRef{Index: i, Name: c.Name, T: c.T})
		out = append(out, planner.OutCol{Name: c.Name, T: t})
	}
	schema := arrow.NewSchema(fields, nil)
	opts := delta.CreateOptions{Configuration: st.TableProperties, PartitionColumns: st.PartitionBy}
	tab, _, err := s.eng.cat.CreateTableWith(ctx, name, schema, opts, false)
	if err != nil {
		return nil, err
	}
	snap, err := tab.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	src := &planner.Project{Input: lp, Exprs: exprs, Out: out}
	q, err := s.planLogical(src)
	if err == nil {
		var n int64
		bi := &planner.Insert{Name: name, Table: tab, Snapshot: snap, Schema: snap.Schema(), Source: src}
		if n, err = s.writeRows(ctx, bi, q.physical, "CREATE TABLE AS SELECT"); err == nil {
			return tagf("SELECT %d", n), nil
		}
	}
	// The table must not outlive a failed CREATE TABLE AS.
	s.eng.cat.DropTable(name, true)
	return nil, err
}

func (s *Session) runDrop(ctx context.Context, st planner.Statement, ds *pg.DropStmt) (*Result, error) {
	b := s.binder(st)
	cascade := ds.Behavior == pg.DropBehavior_DROP_CASCADE
	var notices []string
	switch ds.RemoveType {
	case pg.ObjectType_OBJECT_TABLE:
		for _, o := range ds.Objects {
			rv, err := rangeVarOf(o)
			if err != nil {
				return nil, err
			}
			name := b.ResolveTable(rv)
			if _, isView := s.eng.cat.View(name); isView {
				e := sqlerr.New(sqlerr.WrongObjectType, "\"%s\" is not a table", rv.Relname)
				e.Hint = "Use DROP VIEW to remove a view."
				return nil, e
			}
			existed, err := s.eng.cat.DropTable(name, ds.MissingOk)
			if err != nil {
				return nil, err
			}
			if !existed {
				notices = append(notices, fmt.Sprintf("table \"%s\" does not exist, skipping", rv.Relname))
			}
		}
		return &Result{Tag: "DROP TABLE", Notices: notices}, nil
	case pg.ObjectType_OBJECT_SCHEMA:
		for _, o := range ds.Objects {
			schema := o.GetString_().Sval
			existed, err := s.eng.cat.DropSchema(s.database, schema, ds.MissingOk, cascade)
			if err != nil {
				return nil, err
			}
			if !existed {
				notices = append(notices, fmt.Sprintf("schema \"%s\" does not exist, skipping", schema))
			}
		}
		return &Result{Tag: "DROP SCHEMA", Notices: notices}, nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DROP %s is not supported yet", ds.RemoveType)
}

// rangeVarOf turns a DROP object name list into a RangeVar.
func rangeVarOf(o *pg.Node) (*pg.RangeVar, error) {
	items := o.GetList().GetItems()
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.GetString_().Sval
	}
	rv := &pg.RangeVar{}
	switch len(parts) {
	case 1:
		rv.Relname = parts[0]
	case 2:
		rv.Schemaname, rv.Relname = parts[0], parts[1]
	case 3:
		rv.Catalogname, rv.Schemaname, rv.Relname = parts[0], parts[1], parts[2]
	default:
		return nil, sqlerr.New(sqlerr.SyntaxError, "improper qualified name (too many dotted names)")
	}
	return rv, nil
}

func (s *Session) runCreateSchema(st planner.Statement, cs *pg.CreateSchemaStmt) (*Result, error) {
	if len(cs.SchemaElts) > 0 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "CREATE SCHEMA with elements is not supported")
	}
	existed, err := s.eng.cat.CreateSchema(s.database, cs.Schemaname, cs.IfNotExists)
	if err != nil {
		return nil, err
	}
	r := tagf("CREATE SCHEMA")
	if existed {
		r.Notices = append(r.Notices, fmt.Sprintf("schema \"%s\" already exists, skipping", cs.Schemaname))
	}
	return r, nil
}

// serialType recognises serial, bigserial and smallserial.
func serialType(tn *pg.TypeName) (types.T, bool) {
	if len(tn.Names) == 0 || len(tn.ArrayBounds) > 0 {
		return types.T{}, false
	}
	switch tn.Names[len(tn.Names)-1].GetString_().Sval {
	case "serial", "serial4":
		return types.TInt32, true
	case "bigserial", "serial8":
		return types.TInt64, true
	case "smallserial", "serial2":
		return types.TInt16, true
	}
	return types.T{}, false
}

// foreignKey checks a REFERENCES clause (the referenced table must exist)
// and describes it; foreign keys are informational, not enforced.
func (s *Session) foreignKey(b *planner.Binder, table catalog.Name, cols []string, c *pg.Constraint) (catalog.ForeignKeyDef, error) {
	ref := b.ResolveTable(c.Pktable)
	if !s.eng.cat.TableExists(ref) && ref != table {
		return catalog.ForeignKeyDef{}, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", c.Pktable.Relname)
	}
	fk := catalog.ForeignKeyDef{Table: table.Table, Columns: cols, RefSchema: ref.Schema, RefTable: ref.Table}
	for _, k := range c.PkAttrs {
		fk.RefColumns = append(fk.RefColumns, k.GetString_().Sval)
	}
	fk.Name = c.Conname
	if fk.Name == "" {
		fk.Name = table.Table + "_" + cols[0] + "_fkey"
	}
	return fk, nil
}
