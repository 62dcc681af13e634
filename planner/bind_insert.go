package planner

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// Insert is a bound INSERT: Source yields rows in the table's column order
// and types (assignment casts applied, missing columns NULL).
type Insert struct {
	Name     catalog.Name
	Table    *delta.Table
	Snapshot *delta.Snapshot
	Schema   *arrow.Schema
	Source   Plan
	// Evolved: Schema adds columns to the table's (schema evolution); the
	// append must commit it with the rows.
	Evolved bool
}

// BindInsert binds INSERT INTO t [(cols)] VALUES … | SELECT ….
func (b *Binder) BindInsert(ins *pg.InsertStmt) (*Insert, error) {
	if ins.WithClause != nil {
		return nil, b.unsupported(ins.WithClause.Location, "WITH is not supported yet")
	}
	if ins.OnConflictClause != nil {
		return nil, b.unsupported(ins.OnConflictClause.Location, "ON CONFLICT is not supported; use MERGE INTO")
	}
	if len(ins.ReturningList) > 0 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "INSERT … RETURNING is not supported yet")
	}
	name := b.ResolveTable(ins.Relation)
	tab, err := b.Cat.OpenTable(name)
	if err != nil {
		return nil, b.errAt(sqlerr.As(err), ins.Relation.Location)
	}
	snap, err := tab.Snapshot(b.ctx())
	if err != nil {
		return nil, err
	}
	schema := snap.Schema()
	colTypes := make([]types.T, schema.NumFields())
	for i, f := range schema.Fields() {
		if colTypes[i], err = types.FromField(f); err != nil {
			return nil, err
		}
	}
	// Target columns: the list given, or all in table order.
	var targets []int
	if len(ins.Cols) == 0 {
		for i := range colTypes {
			targets = append(targets, i)
		}
	} else {
		seen := map[int]bool{}
		for _, c := range ins.Cols {
			rt := c.GetResTarget()
			if len(rt.Indirection) > 0 {
				return nil, b.unsupported(rt.Location, "INSERT into subfields is not supported")
			}
			idx := schema.FieldIndices(rt.Name)
			if len(idx) == 0 {
				return nil, b.errAt(sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, name.Table), rt.Location)
			}
			if seen[idx[0]] {
				return nil, b.errAt(sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", rt.Name), rt.Location)
			}
			seen[idx[0]] = true
			targets = append(targets, idx[0])
		}
	}
	targetTypes := make([]types.T, len(targets))
	for i, t := range targets {
		targetTypes[i] = colTypes[t]
	}
	// The source rows.
	var src Plan
	sel := ins.SelectStmt.GetSelectStmt()
	switch {
	case sel == nil:
		src = &Values{Rows: [][]Expr{{}}} // DEFAULT VALUES
	case len(sel.ValuesLists) > 0 && sel.Op == pg.SetOperation_SETOP_NONE && len(sel.SortClause) == 0 && sel.LimitCount == nil:
		vt := targetTypes
		for _, l := range sel.ValuesLists {
			if n := len(l.GetList().Items); n > len(targets) {
				return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more expressions than target columns")
			} else if n < len(targets) && len(ins.Cols) > 0 {
				return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more target columns than expressions")
			}
		}
		defs := make([]Expr, len(targets))
		for i, t := range targets {
			if defs[i], err = b.columnDefault(schema, t, colTypes[t]); err != nil {
				return nil, err
			}
		}
		if src, err = b.bindValues(sel.ValuesLists, vt, defs); err != nil {
			return nil, err
		}
	default:
		b.keepUnknownOnce = true
		src, err = b.BindSelect(sel)
		b.keepUnknownOnce = false
		if err != nil {
			return nil, err
		}
	}
	srcCols := visible(src.Columns())
	evolved := false
	if len(srcCols) > len(targets) && b.AutoMergeSchema && len(ins.Cols) == 0 && sel != nil && len(sel.ValuesLists) == 0 {
		if schema, err = evolveSchema(schema, srcCols[len(targets):]); err != nil {
			return nil, err
		}
		for i := len(targets); i < len(srcCols); i++ {
			t := srcCols[i].T
			if t.Kind == types.Unknown {
				t = types.TText
			}
			colTypes = append(colTypes, t)
			targets = append(targets, len(colTypes)-1)
		}
		evolved = true
	}
	if len(srcCols) > len(targets) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more expressions than target columns")
	}
	if len(srcCols) < len(targets) && len(ins.Cols) > 0 && sel != nil {
		return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more target columns than expressions")
	}
	// Project the source into table order with assignment casts.
	pos := map[int]int{} // table column → source column
	for i := range srcCols {
		pos[targets[i]] = i
	}
	all := src.Columns()
	srcIndex := make([]int, 0, len(all))
	for i, c := range all {
		if !c.Hidden {
			srcIndex = append(srcIndex, i)
		}
	}
	exprs := make([]Expr, len(colTypes))
	out := make([]OutCol, len(colTypes))
	for i, t := range colTypes {
		out[i] = OutCol{Name: schema.Field(i).Name, T: t}
		j, ok := pos[i]
		if !ok {
			if exprs[i], err = b.columnDefault(schema, i, t); err != nil {
				return nil, err
			}
			continue
		}
		c := srcCols[j]
		if c.T.Kind == types.Unknown {
			// An untyped literal of the select list takes the column's type.
			if lit, ok := unknownLiteral(src, srcIndex[j]); ok {
				v, err := b.coerce(lit, t, -1)
				if err != nil {
					return nil, err
				}
				exprs[i] = v
				continue
			}
			c.T = types.TText
		}
		e, err := b.assignCast(&ColumnRef{Index: srcIndex[j], Name: c.Name, T: c.T}, t, schema.Field(i).Name)
		if err != nil {
			return nil, err
		}
		exprs[i] = e
	}
	return &Insert{Name: name, Table: tab, Snapshot: snap, Schema: schema, Evolved: evolved,
		Source: &Project{Input: src, Exprs: exprs, Out: out}}, nil
}

// evolveSchema appends the extra source columns to a table schema as
// nullable columns of their types (text for untyped literals). Each needs
// a name of its own: "?column?" means the select list did not give one.
func evolveSchema(schema *arrow.Schema, extra []OutCol) (*arrow.Schema, error) {
	fields := append([]arrow.Field{}, schema.Fields()...)
	for _, c := range extra {
		if c.Name == "" || c.Name == "?column?" {
			return nil, sqlerr.New(sqlerr.InvalidColumnRef, "schema evolution needs a name for every new column; give the expression an alias")
		}
		for _, f := range fields {
			if strings.EqualFold(f.Name, c.Name) {
				return nil, sqlerr.New(sqlerr.DuplicateColumn, "schema evolution: column \"%s\" already exists (INSERT without a column list matches columns by position)", c.Name)
			}
		}
		t := c.T
		if t.Kind == types.Unknown {
			t = types.TText
		}
		fields = append(fields, types.Field(c.Name, t, true))
	}
	return arrow.NewSchema(fields, nil), nil
}

// assignCast converts a value for storing in a column of type t. PostgreSQL
// allows assignment between most types but not, e.g., date into integer.
func (b *Binder) assignCast(e Expr, t types.T, col string) (Expr, error) {
	from := e.Type()
	if from == t {
		return e, nil
	}
	ok := from.Kind == types.Unknown || t.IsString() ||
		from.IsNumeric() && t.IsNumeric() || from.IsTemporal() && t.IsTemporal() || from.Kind == t.Kind
	if !ok {
		e := sqlerr.New(sqlerr.DatatypeMismatch, "column \"%s\" is of type %s but expression is of type %s", col, t, from)
		e.Hint = "You will need to rewrite or cast the expression."
		return nil, e
	}
	return &Cast{Arg: e, T: t}, nil
}

// unknownLiteral finds the untyped literal behind column i of a select
// list projection.
func unknownLiteral(p Plan, i int) (*Literal, bool) {
	proj, ok := p.(*Project)
	if !ok || i >= len(proj.Exprs) {
		return nil, false
	}
	lit, ok := proj.Exprs[i].(*Literal)
	return lit, ok && lit.T.Kind == types.Unknown
}

// columnDefault binds column i's stored DEFAULT (NULL when none).
func (b *Binder) columnDefault(schema *arrow.Schema, i int, t types.T) (Expr, error) {
	f := schema.Field(i)
	return b.defaultOf(func(key string) (string, bool) {
		if k := f.Metadata.FindKey(key); k >= 0 {
			return f.Metadata.Values()[k], true
		}
		return "", false
	}, t, f.Name)
}
