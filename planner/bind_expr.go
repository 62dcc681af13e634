package planner

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// exprCtx is where an expression is being bound.
type exprCtx struct {
	scope  *scope
	aggs   *[]*AggCall    // where aggregate calls are collected; nil = not allowed
	wins   *[]*WindowCall // where window calls are collected; nil = not allowed
	clause string         // for "aggregate functions are not allowed in WHERE"
}

// aggRef stands for the i-th collected aggregate until the aggregate's
// output columns exist; rewriteOverAgg replaces it.
type aggRef struct {
	idx int
	T   types.T
}

func (a *aggRef) Type() types.T  { return a.T }
func (a *aggRef) String() string { return "agg#" + itoa(a.idx) }

func (b *Binder) bindExpr(n *pg.Node, ec *exprCtx) (Expr, error) {
	switch {
	case n.GetColumnRef() != nil:
		return b.bindColumnRef(n.GetColumnRef(), ec)
	case n.GetAConst() != nil:
		return b.bindConst(n.GetAConst())
	case n.GetAExpr() != nil:
		return b.bindAExpr(n.GetAExpr(), ec)
	case n.GetBoolExpr() != nil:
		return b.bindBoolExpr(n.GetBoolExpr(), ec)
	case n.GetNullTest() != nil:
		nt := n.GetNullTest()
		arg, err := b.bindExpr(nt.Arg, ec)
		if err != nil {
			return nil, err
		}
		name := "is null"
		if nt.Nulltesttype == pg.NullTestType_IS_NOT_NULL {
			name = "is not null"
		}
		return &Func{Name: name, Args: []Expr{arg}, T: types.TBool}, nil
	case n.GetBooleanTest() != nil:
		return b.bindBooleanTest(n.GetBooleanTest(), ec)
	case n.GetCaseExpr() != nil:
		return b.bindCase(n.GetCaseExpr(), ec)
	case n.GetTypeCast() != nil:
		return b.bindTypeCast(n.GetTypeCast(), ec)
	case n.GetFuncCall() != nil:
		return b.bindFuncCall(n.GetFuncCall(), ec)
	case n.GetCoalesceExpr() != nil:
		ce := n.GetCoalesceExpr()
		return b.bindVariadic("coalesce", ce.Args, ce.Location, ec)
	case n.GetMinMaxExpr() != nil:
		mm := n.GetMinMaxExpr()
		name := "greatest"
		if mm.Op == pg.MinMaxOp_IS_LEAST {
			name = "least"
		}
		return b.bindVariadic(name, mm.Args, mm.Location, ec)
	case n.GetParamRef() != nil:
		return b.bindParam(n.GetParamRef())
	case n.GetSqlvalueFunction() != nil:
		return b.bindSQLValueFunction(n.GetSqlvalueFunction())
	case n.GetSubLink() != nil:
		return b.bindSubLink(n.GetSubLink(), ec)
	case n.GetGroupingFunc() != nil:
		return b.bindGroupingFunc(n.GetGroupingFunc(), ec)
	case n.GetAArrayExpr() != nil:
		return b.bindArrayExpr(n.GetAArrayExpr(), ec)
	}
	if e, ok, err := b.bindPgNode(n, ec); ok { // COLLATE, x[i]: bind_pgcompat.go
		return e, err
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "expression not supported: %T", n.Node)
}

func (b *Binder) bindColumnRef(cr *pg.ColumnRef, ec *exprCtx) (Expr, error) {
	var parts []string
	for _, f := range cr.Fields {
		if f.GetAStar() != nil {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "* is not allowed here"), cr.Location)
		}
		parts = append(parts, f.GetString_().Sval)
	}
	local := ec.scope
	if local == nil {
		local = &scope{}
	}
	name := parts[len(parts)-1]
	qual := ""
	if len(parts) >= 2 {
		qual = parts[len(parts)-2]
	}
	idx, err := local.resolve(b, qual, name, cr.Location)
	if err != nil {
		// Not a column here: maybe the enclosing query's (a correlated
		// subquery).
		if code := sqlerr.Code(err); b.outer != nil && (code == sqlerr.UndefinedColumn || code == sqlerr.UndefinedTable) {
			if oi, oerr := b.outer.resolve(b, qual, name, cr.Location); oerr == nil {
				b.outerUsed = true
				c := b.outer.cols[oi]
				return &OuterRef{Index: oi, Name: c.Name, T: c.T}, nil
			}
		}
		return nil, err
	}
	c := local.cols[idx]
	return &ColumnRef{Index: idx, Name: c.Name, T: c.T}, nil
}

func (b *Binder) bindConst(c *pg.A_Const) (Expr, error) {
	if c.Isnull {
		return &Literal{T: types.TUnknown}, nil
	}
	switch v := c.Val.(type) {
	case *pg.A_Const_Ival:
		return &Literal{Value: int64(v.Ival.Ival), T: types.TInt32}, nil
	case *pg.A_Const_Fval:
		s := v.Fval.Fval
		// Integer literals too large for int4 arrive as Fval.
		if !strings.ContainsAny(s, ".eE") {
			if x, err := types.ParseText(s, types.TInt64); err == nil {
				return &Literal{Value: x, T: types.TInt64}, nil
			}
		}
		lit, err := numericLiteral(s)
		if err != nil {
			if x, ferr := types.ParseText(s, types.TFloat64); ferr == nil {
				return &Literal{Value: x, T: types.TFloat64}, nil
			}
			return nil, b.errAt(sqlerr.As(err), c.Location)
		}
		return lit, nil
	case *pg.A_Const_Boolval:
		return &Literal{Value: v.Boolval.Boolval, T: types.TBool}, nil
	case *pg.A_Const_Sval:
		return &Literal{Value: v.Sval.Sval, T: types.TUnknown}, nil
	case *pg.A_Const_Bsval:
		return nil, b.unsupported(c.Location, "bit string literals are not supported")
	}
	return nil, b.unsupported(c.Location, "constant not supported")
}

func opName(names []*pg.Node) string {
	return names[len(names)-1].GetString_().Sval
}

func (b *Binder) bindAExpr(a *pg.A_Expr, ec *exprCtx) (Expr, error) {
	switch a.Kind {
	case pg.A_Expr_Kind_AEXPR_OP:
		op := opName(a.Name)
		if a.Lexpr == nil {
			arg, err := b.bindExpr(a.Rexpr, ec)
			if err != nil {
				return nil, err
			}
			return b.unaryOp(op, arg, a.Location)
		}
		l, err := b.bindExpr(a.Lexpr, ec)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(a.Rexpr, ec)
		if err != nil {
			return nil, err
		}
		return b.binaryOp(op, l, r, a.Location)
	case pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE:
		return b.bindLike(a, ec)
	case pg.A_Expr_Kind_AEXPR_IN:
		return b.bindIn(a, ec)
	case pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN:
		return b.bindBetween(a, ec)
	case pg.A_Expr_Kind_AEXPR_NULLIF:
		l, err := b.bindExpr(a.Lexpr, ec)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(a.Rexpr, ec)
		if err != nil {
			return nil, err
		}
		t, err := commonType(l.Type(), r.Type())
		if err != nil {
			return nil, b.errAt(sqlerr.As(err), a.Location)
		}
		if t.Kind == types.Unknown {
			t = types.TText
		}
		if l, err = b.coerce(l, t, a.Location); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, t, a.Location); err != nil {
			return nil, err
		}
		return &Func{Name: "nullif", Args: []Expr{l, r}, T: t}, nil
	case pg.A_Expr_Kind_AEXPR_DISTINCT, pg.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		l, err := b.bindExpr(a.Lexpr, ec)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(a.Rexpr, ec)
		if err != nil {
			return nil, err
		}
		return b.distinctFrom(l, r, a.Kind == pg.A_Expr_Kind_AEXPR_NOT_DISTINCT, a.Location)
	}
	if e, ok, err := b.bindPgAExpr(a, ec); ok { // x op ANY/ALL (text-form array): bind_pgcompat.go
		return e, err
	}
	return nil, b.unsupported(a.Location, "operator form not supported")
}

// distinctFrom expresses IS [NOT] DISTINCT FROM with the core operators:
// a IS NOT DISTINCT FROM b ≡ coalesce(a = b, a IS NULL AND b IS NULL).
func (b *Binder) distinctFrom(l, r Expr, notDistinct bool, loc int32) (Expr, error) {
	eq, err := b.binaryOp("=", l, r, loc)
	if err != nil {
		return nil, err
	}
	bothNull := &Func{Name: "and", T: types.TBool, Args: []Expr{
		&Func{Name: "is null", Args: []Expr{l}, T: types.TBool},
		&Func{Name: "is null", Args: []Expr{r}, T: types.TBool}}}
	var e Expr = &Func{Name: "coalesce", Args: []Expr{eq, bothNull}, T: types.TBool}
	if !notDistinct {
		e = &Func{Name: "not", Args: []Expr{e}, T: types.TBool}
	}
	return e, nil
}

func (b *Binder) bindLike(a *pg.A_Expr, ec *exprCtx) (Expr, error) {
	l, err := b.bindExpr(a.Lexpr, ec)
	if err != nil {
		return nil, err
	}
	var pat, esc Expr
	// LIKE … ESCAPE arrives as the function like_escape(pattern, escape).
	if fc := a.Rexpr.GetFuncCall(); fc != nil && len(fc.Args) == 2 &&
		opName(fc.Funcname) == "like_escape" {
		if pat, err = b.bindExpr(fc.Args[0], ec); err != nil {
			return nil, err
		}
		if esc, err = b.bindExpr(fc.Args[1], ec); err != nil {
			return nil, err
		}
	} else if pat, err = b.bindExpr(a.Rexpr, ec); err != nil {
		return nil, err
	}
	if l, err = b.coerceString(l, a.Location); err != nil {
		return nil, err
	}
	if pat, err = b.coerceString(pat, a.Location); err != nil {
		return nil, err
	}
	name := map[string]string{"~~": "like", "!~~": "not like", "~~*": "ilike", "!~~*": "not ilike"}[opName(a.Name)]
	if name == "" {
		return nil, b.unsupported(a.Location, "operator %s not supported", opName(a.Name))
	}
	args := []Expr{l, pat}
	if esc != nil {
		if esc, err = b.coerceString(esc, a.Location); err != nil {
			return nil, err
		}
		args = append(args, esc)
	}
	return &Func{Name: name, Args: args, T: types.TBool}, nil
}

// coerceString makes e text (varchar passes through; untyped literals
// become text; other types are an error as in PostgreSQL).
func (b *Binder) coerceString(e Expr, loc int32) (Expr, error) {
	t := e.Type()
	if t.IsString() {
		return e, nil
	}
	if t.Kind == types.Unknown {
		return b.coerce(e, types.TText, loc)
	}
	return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction,
		"operator does not exist: %s ~~ text", t), loc)
}

func (b *Binder) bindIn(a *pg.A_Expr, ec *exprCtx) (Expr, error) {
	l, err := b.bindExpr(a.Lexpr, ec)
	if err != nil {
		return nil, err
	}
	list := a.Rexpr.GetList()
	if list == nil {
		return nil, b.unsupported(a.Location, "IN with a subquery is not supported yet")
	}
	items := make([]Expr, len(list.Items))
	t := l.Type()
	for i, it := range list.Items {
		if items[i], err = b.bindExpr(it, ec); err != nil {
			return nil, err
		}
		if t, err = commonType(t, items[i].Type()); err != nil {
			return nil, b.errAt(sqlerr.As(err), a.Location)
		}
	}
	if t.Kind == types.Unknown {
		t = types.TText
	}
	if l, err = b.coerce(l, t, a.Location); err != nil {
		return nil, err
	}
	for i := range items {
		if items[i], err = b.coerce(items[i], t, a.Location); err != nil {
			return nil, err
		}
	}
	return &InList{Arg: l, List: items, Negated: opName(a.Name) == "<>"}, nil
}

func (b *Binder) bindBetween(a *pg.A_Expr, ec *exprCtx) (Expr, error) {
	x, err := b.bindExpr(a.Lexpr, ec)
	if err != nil {
		return nil, err
	}
	bounds := a.Rexpr.GetList().Items
	lo, err := b.bindExpr(bounds[0], ec)
	if err != nil {
		return nil, err
	}
	hi, err := b.bindExpr(bounds[1], ec)
	if err != nil {
		return nil, err
	}
	// x BETWEEN lo AND hi is x >= lo AND x <= hi; NOT BETWEEN is its negation.
	loOp, hiOp, join := ">=", "<=", "and"
	if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN {
		loOp, hiOp, join = "<", ">", "or"
	}
	l, err := b.binaryOp(loOp, x, lo, a.Location)
	if err != nil {
		return nil, err
	}
	r, err := b.binaryOp(hiOp, x, hi, a.Location)
	if err != nil {
		return nil, err
	}
	return &Func{Name: join, Args: []Expr{l, r}, T: types.TBool}, nil
}

func (b *Binder) bindBoolExpr(be *pg.BoolExpr, ec *exprCtx) (Expr, error) {
	args := make([]Expr, len(be.Args))
	for i, a := range be.Args {
		e, err := b.bindExpr(a, ec)
		if err != nil {
			return nil, err
		}
		if e, err = b.coerceBool(e, be.Location, "argument of "+strings.ToUpper(strings.TrimSuffix(be.Boolop.String(), "_EXPR"))); err != nil {
			return nil, err
		}
		args[i] = e
	}
	switch be.Boolop {
	case pg.BoolExprType_NOT_EXPR:
		return &Func{Name: "not", Args: args, T: types.TBool}, nil
	case pg.BoolExprType_AND_EXPR, pg.BoolExprType_OR_EXPR:
		name := "and"
		if be.Boolop == pg.BoolExprType_OR_EXPR {
			name = "or"
		}
		e := args[0]
		for _, a := range args[1:] {
			e = &Func{Name: name, Args: []Expr{e, a}, T: types.TBool}
		}
		return e, nil
	}
	return nil, b.unsupported(be.Location, "boolean operator not supported")
}

// coerceBool checks that e is boolean (untyped literals are parsed as one).
func (b *Binder) coerceBool(e Expr, loc int32, what string) (Expr, error) {
	switch e.Type().Kind {
	case types.Bool:
		return e, nil
	case types.Unknown:
		return b.coerce(e, types.TBool, loc)
	}
	return nil, b.errAt(sqlerr.New(sqlerr.DatatypeMismatch, "%s must be type boolean, not type %s", what, e.Type()), loc)
}

func (b *Binder) bindBooleanTest(bt *pg.BooleanTest, ec *exprCtx) (Expr, error) {
	arg, err := b.bindExpr(bt.Arg, ec)
	if err != nil {
		return nil, err
	}
	if arg, err = b.coerceBool(arg, bt.Location, "argument of IS TRUE"); err != nil {
		return nil, err
	}
	name := map[pg.BoolTestType]string{
		pg.BoolTestType_IS_TRUE: "is true", pg.BoolTestType_IS_NOT_TRUE: "is not true",
		pg.BoolTestType_IS_FALSE: "is false", pg.BoolTestType_IS_NOT_FALSE: "is not false",
		pg.BoolTestType_IS_UNKNOWN: "is null", pg.BoolTestType_IS_NOT_UNKNOWN: "is not null",
	}[bt.Booltesttype]
	return &Func{Name: name, Args: []Expr{arg}, T: types.TBool}, nil
}

func (b *Binder) bindCase(ce *pg.CaseExpr, ec *exprCtx) (Expr, error) {
	var operand Expr
	var err error
	if ce.Arg != nil {
		if operand, err = b.bindExpr(ce.Arg, ec); err != nil {
			return nil, err
		}
	}
	out := &Case{}
	var results []Expr
	for _, w := range ce.Args {
		cw := w.GetCaseWhen()
		cond, err := b.bindExpr(cw.Expr, ec)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if cond, err = b.binaryOp("=", operand, cond, cw.Location); err != nil {
				return nil, err
			}
		} else if cond, err = b.coerceBool(cond, cw.Location, "argument of CASE/WHEN"); err != nil {
			return nil, err
		}
		then, err := b.bindExpr(cw.Result, ec)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, When{Cond: cond})
		results = append(results, then)
	}
	if ce.Defresult != nil {
		e, err := b.bindExpr(ce.Defresult, ec)
		if err != nil {
			return nil, err
		}
		results = append(results, e)
	} else {
		results = append(results, &Literal{T: types.TUnknown})
	}
	t := types.TUnknown
	for _, r := range results {
		if t, err = commonType(t, r.Type()); err != nil {
			return nil, b.errAt(sqlerr.New(sqlerr.DatatypeMismatch, "CASE types %s cannot be matched", err.Error()), ce.Location)
		}
	}
	if t.Kind == types.Unknown {
		t = types.TText
	}
	for i := range results {
		if results[i], err = b.coerce(results[i], t, ce.Location); err != nil {
			return nil, err
		}
	}
	for i := range out.Whens {
		out.Whens[i].Then = results[i]
	}
	out.Else = results[len(results)-1]
	out.T = t
	return out, nil
}

// typeFromName resolves a parser TypeName.
func (b *Binder) typeFromName(tn *pg.TypeName) (types.T, error) {
	if len(tn.ArrayBounds) > 0 {
		inner := &pg.TypeName{Names: tn.Names, Typmods: tn.Typmods, Location: tn.Location}
		e, err := b.typeFromName(inner)
		if err != nil {
			return e, err
		}
		return types.ArrayOf(e), nil
	}
	var parts []string
	for _, n := range tn.Names {
		parts = append(parts, n.GetString_().Sval)
	}
	name := parts[len(parts)-1]
	var mods []int32
	for _, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil || c.GetIval() == nil {
			return types.TUnknown, b.errAt(sqlerr.New(sqlerr.SyntaxError, "type modifiers must be simple constants or identifiers"), tn.Location)
		}
		mods = append(mods, c.GetIval().Ival)
	}
	t, err := types.FromName(name, mods)
	if err != nil {
		code := sqlerr.UndefinedObject
		if strings.Contains(err.Error(), "modifier") || strings.Contains(err.Error(), "must be") {
			code = sqlerr.InvalidParameterValue
		}
		return types.TUnknown, b.errAt(sqlerr.New(code, "%s", err.Error()), tn.Location)
	}
	return t, nil
}

func (b *Binder) bindTypeCast(tc *pg.TypeCast, ec *exprCtx) (Expr, error) {
	if e, ok, err := b.bindRegCast(tc, ec); ok { // reg*, oid, name: bind_pgcompat.go
		return e, err
	}
	t, err := b.typeFromName(tc.TypeName)
	if err != nil {
		return nil, err
	}
	arg, err := b.bindExpr(tc.Arg, ec)
	if err != nil {
		return nil, err
	}
	if lit, ok := arg.(*Literal); ok && (lit.T.Kind == types.Unknown || lit.Value == nil) {
		if s, isStr := lit.Value.(string); isStr && t.Kind == types.Varchar && t.Length > 0 {
			// An explicit cast to varchar(n) truncates, as PostgreSQL does.
			if r := []rune(s); len(r) > int(t.Length) {
				return &Literal{Value: string(r[:t.Length]), T: t}, nil
			}
		}
		return b.coerce(lit, t, tc.Location)
	}
	if t.Kind == types.Bool && (arg.Type().Kind == types.Int16 || arg.Type().Kind == types.Int64) {
		return nil, b.errAt(sqlerr.New("42846", "cannot cast type %s to boolean", arg.Type()), tc.Location)
	}
	if p, ok := arg.(*Param); ok && p.T.Kind == types.Unknown {
		return b.coerce(p, t, tc.Location) // $1::int types $1 as int, as in PostgreSQL
	}
	if arg.Type() == t {
		return arg, nil
	}
	return &Cast{Arg: arg, T: t, Explicit: true}, nil
}

func (b *Binder) bindParam(p *pg.ParamRef) (Expr, error) {
	n := int(p.Number)
	if n < 1 || n > 65535 {
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $%d", n), p.Location)
	}
	for len(b.ParamTypes) < n {
		b.ParamTypes = append(b.ParamTypes, types.TUnknown)
	}
	return &Param{Index: n, T: b.ParamTypes[n-1]}, nil
}

// FinishParams gives every parameter whose type nothing determined the
// type text, as PostgreSQL reports such parameters.
func (b *Binder) FinishParams() {
	for i, t := range b.ParamTypes {
		if t.Kind == types.Unknown {
			b.ParamTypes[i] = types.TText
		}
	}
}

func (b *Binder) bindSQLValueFunction(f *pg.SQLValueFunction) (Expr, error) {
	switch f.Op {
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		return &Func{Name: "current_date", T: types.TDate}, nil
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		return &Func{Name: "now", T: types.TTimestampTZ}, nil
	case pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		return &Cast{Arg: &Func{Name: "now", T: types.TTimestampTZ}, T: types.TTimestamp}, nil
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_USER, pg.SQLValueFunctionOp_SVFOP_CURRENT_ROLE, pg.SQLValueFunctionOp_SVFOP_USER:
		return &Func{Name: "current_user", T: types.TText}, nil // evaluated with the session
	case pg.SQLValueFunctionOp_SVFOP_SESSION_USER:
		return &Func{Name: "session_user", T: types.TText}, nil
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		return &Literal{Value: b.Database, T: types.TText}, nil
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		if len(b.SearchPath) > 0 {
			return &Literal{Value: b.SearchPath[0], T: types.TText}, nil
		}
		return &Literal{T: types.TText}, nil
	}
	return nil, b.unsupported(f.Location, "SQL value function not supported")
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var buf [20]byte
	n := len(buf)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		buf[n] = '-'
	}
	return string(buf[n:])
}

// TypeOf resolves a type name for DDL.
func TypeOf(b *Binder, tn *pg.TypeName) (types.T, error) { return b.typeFromName(tn) }
