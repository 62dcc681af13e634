package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// OuterRef is a correlated reference from a subquery to column Index of
// the enclosing query's scope. Decorrelation replaces every OuterRef
// before execution; the evaluator never sees one.
type OuterRef struct {
	Index int
	Name  string
	T     types.T
}

func (e *OuterRef) Type() types.T  { return e.T }
func (e *OuterRef) String() string { return "outer." + e.Name }

// SubqueryKind distinguishes the forms of subquery expressions.
type SubqueryKind int

const (
	SubScalar SubqueryKind = iota // (SELECT x …)
	SubExists                     // EXISTS (SELECT …)
	SubIn                         // x IN (SELECT y …), x = ANY (…)
	SubAny                        // x op ANY (SELECT y …)
	SubAll                        // x op ALL (SELECT y …)
)

// SubqueryExpr is a subquery inside an expression, as bound; the binder's
// decorrelation turns it into joins and a column reference before the plan
// leaves the planner.
type SubqueryExpr struct {
	Kind       SubqueryKind
	Plan       Plan
	Arg        Expr   // the left operand of IN / ANY / ALL
	Op         string // the comparison of ANY / ALL
	Correlated bool
	T          types.T
	loc        int32
}

func (e *SubqueryExpr) Type() types.T { return e.T }
func (e *SubqueryExpr) String() string {
	switch e.Kind {
	case SubExists:
		return "EXISTS(subquery)"
	case SubIn:
		return e.Arg.String() + " IN (subquery)"
	}
	return "(subquery)"
}

// bindSubLink binds a subquery expression: the subquery is bound with the
// current scope as its outer scope, so its column references can be
// correlated.
func (b *Binder) bindSubLink(sl *pg.SubLink, ec *exprCtx) (Expr, error) {
	if sl.SubLinkType == pg.SubLinkType_ARRAY_SUBLINK { // as a text-form array: bind_pgcompat.go
		return b.bindArraySubLink(sl, ec)
	}
	sel := sl.Subselect.GetSelectStmt()
	if sel == nil {
		return nil, b.unsupported(sl.Location, "subquery form not supported")
	}
	child := *b
	child.outer = ec.scope
	child.outerUsed = false
	child.keepUnknownOnce = false
	plan, err := child.BindSelect(sel)
	if err != nil {
		return nil, err
	}
	b.ParamTypes = child.ParamTypes
	cols := visible(plan.Columns())
	se := &SubqueryExpr{Plan: plan, Correlated: child.outerUsed, loc: sl.Location}
	switch sl.SubLinkType {
	case pg.SubLinkType_EXISTS_SUBLINK:
		se.Kind, se.T = SubExists, types.TBool
		return se, nil
	case pg.SubLinkType_EXPR_SUBLINK:
		if len(cols) != 1 {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "subquery must return only one column"), sl.Location)
		}
		se.Kind, se.T = SubScalar, cols[0].T
		if se.T.Kind == types.Unknown {
			se.T = types.TText
		}
		return se, nil
	case pg.SubLinkType_ANY_SUBLINK, pg.SubLinkType_ALL_SUBLINK:
		if len(cols) != 1 {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "subquery has too many columns"), sl.Location)
		}
		arg, err := b.bindExpr(sl.Testexpr, ec)
		if err != nil {
			return nil, err
		}
		op := "="
		if len(sl.OperName) > 0 {
			op = opName(sl.OperName)
		}
		if op == "!=" {
			op = "<>"
		}
		if !comparisonOps[op] {
			return nil, b.unsupported(sl.Location, "operator %s with ANY/ALL is not supported", op)
		}
		t, err := commonType(arg.Type(), cols[0].T)
		if err != nil {
			return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", arg.Type(), op, cols[0].T), sl.Location)
		}
		if t.Kind == types.Unknown {
			t = types.TText
		}
		if se.Arg, err = b.coerce(arg, t, sl.Location); err != nil {
			return nil, err
		}
		// Make the subquery's column the common type too.
		if cols[0].T != t {
			if se.Plan, err = b.castColumns(plan, []types.T{t}); err != nil {
				return nil, err
			}
		}
		se.Op, se.T = op, types.TBool
		switch {
		case sl.SubLinkType == pg.SubLinkType_ALL_SUBLINK:
			se.Kind = SubAll
		case op == "=":
			se.Kind = SubIn
		default:
			se.Kind = SubAny
		}
		return se, nil
	}
	return nil, b.unsupported(sl.Location, "%s subqueries are not supported yet", sl.SubLinkType)
}

// hasSubquery reports whether e contains a subquery expression.
func hasSubquery(e Expr) bool {
	found := false
	Walk(e, func(x Expr) {
		if _, ok := x.(*SubqueryExpr); ok {
			found = true
		}
	})
	return found
}

// PlanHasOuterRefs reports whether any expression in p's tree is
// correlated to an enclosing query.
func PlanHasOuterRefs(p Plan) bool {
	found := false
	VisitPlanExprs(p, func(e Expr) {
		Walk(e, func(x Expr) {
			if _, ok := x.(*OuterRef); ok {
				found = true
			}
		})
	})
	return found
}

// VisitPlanExprs calls fn on every expression of every node of p.
func VisitPlanExprs(p Plan, fn func(Expr)) {
	for _, e := range nodeExprs(p) {
		if e != nil {
			fn(e)
		}
	}
	for _, in := range p.Inputs() {
		VisitPlanExprs(in, fn)
	}
}

func nodeExprs(p Plan) []Expr {
	switch n := p.(type) {
	case *Scan:
		return n.Filters
	case *Filter:
		return []Expr{n.Cond}
	case *Project:
		return n.Exprs
	case *Aggregate:
		out := append([]Expr{}, n.Groups...)
		for _, a := range n.Aggs {
			out = append(out, a.Args...)
		}
		return out
	case *Join:
		return []Expr{n.Cond}
	case *Sort:
		var out []Expr
		for _, k := range n.Keys {
			out = append(out, k.Expr)
		}
		return out
	case *Values:
		var out []Expr
		for _, r := range n.Rows {
			out = append(out, r...)
		}
		return out
	case *GenerateSeries:
		return []Expr{n.Start, n.Stop, n.Step}
	}
	return nil
}
