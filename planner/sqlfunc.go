package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// SQL-language functions are inlined: the body's expression is bound with
// the parameters (by name or $n) standing for the call's arguments.

// CheckFunctionBody validates a body for the given parameters and return
// type by binding it once with the parameters as placeholders.
func CheckFunctionBody(b *Binder, f catalog.FunctionDef) error {
	args := make([]Expr, len(f.ParamTypes))
	for i, tn := range f.ParamTypes {
		t, err := types.ParseName(tn)
		if err != nil {
			return err
		}
		args[i] = &Literal{T: t}
	}
	_, err := b.inlineFunction(f, args, -1)
	return err
}

// lookupFunction finds a user function for an unqualified call.
func (b *Binder) lookupFunction(name string) (catalog.FunctionDef, bool) {
	if b.Cat == nil {
		return catalog.FunctionDef{}, false
	}
	for _, s := range b.SearchPath {
		if f, ok := b.Cat.Function(catalog.Name{Catalog: b.Database, Schema: s, Table: name}); ok {
			return f, true
		}
	}
	return catalog.FunctionDef{}, false
}

func (b *Binder) inlineFunction(f catalog.FunctionDef, args []Expr, loc int32) (Expr, error) {
	if len(args) != len(f.ParamTypes) {
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s with %d arguments does not exist", f.Name, len(args)), loc)
	}
	tree, err := pg.Parse(f.Body)
	if err != nil || len(tree.Stmts) != 1 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "function %s: body must be one SELECT", f.Name)
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	if sel == nil || len(sel.FromClause) > 0 || len(sel.TargetList) != 1 || sel.WhereClause != nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "function %s: only single-expression SQL bodies (SELECT expr) are supported", f.Name)
	}
	// Parameters are columns of a one-row scope, then replaced by the
	// coerced arguments; $n references become the same arguments.
	sc := &scope{}
	coerced := make([]Expr, len(args))
	for i, tn := range f.ParamTypes {
		t, err := types.ParseName(tn)
		if err != nil {
			return nil, err
		}
		if coerced[i], err = b.coerce(args[i], t, loc); err != nil {
			return nil, err
		}
		name := ""
		if i < len(f.ParamNames) {
			name = f.ParamNames[i]
		}
		sc.cols = append(sc.cols, OutCol{Name: name, T: t})
	}
	child := &Binder{Cat: b.Cat, Database: b.Database, SearchPath: b.SearchPath, SQL: f.Body,
		ParamTypes: make([]types.T, len(f.ParamTypes))}
	for i, c := range sc.cols {
		child.ParamTypes[i] = c.T
	}
	body, err := child.bindExpr(sel.TargetList[0].GetResTarget().Val, &exprCtx{scope: sc, clause: "function bodies"})
	if err != nil {
		return nil, err
	}
	inlined, _ := Rewrite(body, func(x Expr) (Expr, bool, error) {
		switch c := x.(type) {
		case *ColumnRef:
			return coerced[c.Index], true, nil
		case *Param:
			if c.Index >= 1 && c.Index <= len(coerced) {
				return coerced[c.Index-1], true, nil
			}
		}
		return nil, false, nil
	})
	ret, err := types.ParseName(f.Returns)
	if err != nil {
		return nil, err
	}
	return b.assignValue(inlined, ret, f.Name)
}
