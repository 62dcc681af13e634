package planner

import (
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// CHECK constraints are stored as SQL text in the Delta configuration
// (delta.constraints.<name>), the way Delta records them, and bound over
// the table's columns when a statement writes rows.

// CheckConstraintText validates a CHECK expression over the given columns
// (it must be boolean and use only them) and returns its SQL text.
func CheckConstraintText(b *Binder, raw *pg.Node, schema *arrow.Schema) (string, error) {
	if _, err := b.bindCheckNode(raw, schema); err != nil {
		return "", err
	}
	return DeparseExpr(raw)
}

// DeparseExpr renders an expression node as SQL text.
func DeparseExpr(raw *pg.Node) (string, error) {
	sel := &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList: []*pg.Node{{Node: &pg.Node_ResTarget{ResTarget: &pg.ResTarget{Val: raw}}}}}}}
	text, err := DeparseStatement(sel)
	return strings.TrimPrefix(text, "SELECT "), err
}

var treeVersion = sync.OnceValue(func() int32 {
	tree, err := pg.Parse("SELECT 1")
	if err != nil {
		return 0
	}
	return tree.Version
})

// DeparseStatement renders a statement node as canonical SQL text (used to
// store views, defaults and constraints).
func DeparseStatement(stmt *pg.Node) (string, error) {
	text, err := pg.Deparse(&pg.ParseResult{Version: treeVersion(), Stmts: []*pg.RawStmt{{Stmt: stmt}}})
	if err != nil {
		return "", sqlerr.New(sqlerr.Internal, "cannot store SQL text: %v", err)
	}
	return text, nil
}

// BindCheck binds a stored CHECK expression over a table schema (column
// i of the schema is input column i).
func BindCheck(b *Binder, text string, schema *arrow.Schema) (Expr, error) {
	tree, err := pg.Parse("SELECT " + text)
	if err != nil || len(tree.Stmts) != 1 {
		return nil, sqlerr.New(sqlerr.Internal, "invalid stored CHECK constraint %q", text)
	}
	child := *b
	child.SQL = "SELECT " + text
	return child.bindCheckNode(tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget().Val, schema)
}

func (b *Binder) bindCheckNode(raw *pg.Node, schema *arrow.Schema) (Expr, error) {
	sc := &scope{}
	for _, f := range schema.Fields() {
		t, err := types.FromField(f)
		if err != nil {
			return nil, err
		}
		sc.cols = append(sc.cols, OutCol{Name: f.Name, T: t})
	}
	e, err := b.bindExpr(raw, &exprCtx{scope: sc, clause: "check constraints"})
	if err != nil {
		return nil, err
	}
	if hasSubquery(e) {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cannot use subquery in check constraint")
	}
	return b.coerceBool(e, -1, "argument of CHECK")
}
