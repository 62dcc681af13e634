package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// Column defaults are stored as SQL text in the Delta schema (field
// metadata CURRENT_DEFAULT) and bound again at each INSERT, so now()
// is evaluated per statement, as in PostgreSQL.

// CheckDefault validates a DEFAULT expression for a column of type t (no
// column references, assignable to t) and returns its canonical SQL text.
func CheckDefault(b *Binder, raw *pg.Node, t types.T, col string) (string, error) {
	e, err := b.bindExpr(raw, &exprCtx{clause: "DEFAULT expressions"})
	if err != nil {
		return "", err
	}
	if _, err := b.assignValue(e, t, col); err != nil {
		return "", err
	}
	return DeparseExpr(raw)
}

// defaultOf binds the stored default of table column i (a NULL literal when
// it has none).
func (b *Binder) defaultOf(fieldMeta func(key string) (string, bool), t types.T, col string) (Expr, error) {
	text, ok := fieldMeta(delta.MetaColumnDefault)
	if !ok {
		return &Literal{T: t}, nil
	}
	tree, err := pg.Parse("SELECT " + text)
	if err != nil || len(tree.Stmts) != 1 {
		return nil, sqlerr.New(sqlerr.Internal, "column %s has an invalid default %q", col, text)
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	child := &Binder{Cat: b.Cat, Database: b.Database, SearchPath: b.SearchPath, SQL: "SELECT " + text}
	e, err := child.bindExpr(sel.TargetList[0].GetResTarget().Val, &exprCtx{clause: "DEFAULT expressions"})
	if err != nil {
		return nil, err
	}
	return child.assignValue(e, t, col)
}
