package planner

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

func negateLiteral(l *Literal) (*Literal, bool) {
	switch v := l.Value.(type) {
	case int64:
		if l.T.Kind == types.Int64 && -v >= math.MinInt32 && -v <= math.MaxInt32 {
			return &Literal{Value: -v, T: types.TInt32}, true
		}
		return &Literal{Value: -v, T: l.T}, true
	case float64:
		return &Literal{Value: -v, T: l.T}, true
	case decimal128.Num:
		return &Literal{Value: v.Negate(), T: l.T}, true
	}
	return nil, false
}

var aggregateNames = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"bool_and": true, "bool_or": true, "every": true, "stddev": true, "stddev_samp": true, "stddev_pop": true,
	"variance": true, "var_samp": true, "var_pop": true,
	"string_agg": true, "percentile_cont": true, "percentile_disc": true, "array_agg": true}

func funcName(names []*pg.Node) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n.GetString_().Sval)
	}
	return strings.TrimPrefix(strings.Join(parts, "."), "pg_catalog.")
}

func (b *Binder) bindFuncCall(fc *pg.FuncCall, ec *exprCtx) (Expr, error) {
	name := funcName(fc.Funcname)
	if fc.Over != nil {
		return b.bindWindow(name, fc, ec)
	}
	if aggregateNames[name] {
		return b.bindAggregate(name, fc, ec)
	}
	if fc.AggStar || fc.AggDistinct || fc.AggFilter != nil || len(fc.AggOrder) > 0 {
		return nil, b.errAt(sqlerr.New(sqlerr.WrongObjectType, "%s is not an aggregate function", name), fc.Location)
	}
	args := make([]Expr, len(fc.Args))
	for i, a := range fc.Args {
		e, err := b.bindExpr(a, ec)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return b.resolveScalar(name, args, fc.Location)
}

func (b *Binder) bindAggregate(name string, fc *pg.FuncCall, ec *exprCtx) (Expr, error) {
	if ec.aggs == nil {
		clause := ec.clause
		if clause == "" {
			clause = "this context"
		}
		return nil, b.errAt(sqlerr.New(sqlerr.GroupingError, "aggregate functions are not allowed in %s", clause), fc.Location)
	}
	if len(fc.AggOrder) > 0 && !fc.AggWithinGroup && name != "string_agg" && name != "array_agg" {
		return nil, b.unsupported(fc.Location, "ORDER BY inside %s is not supported yet", name)
	}
	// Arguments are bound in the aggregate's input scope, where nested
	// aggregates are not allowed.
	inner := &exprCtx{scope: ec.scope, clause: "aggregate function calls"}
	var filter Expr
	if fc.AggFilter != nil {
		f, err := b.bindExpr(fc.AggFilter, &exprCtx{scope: ec.scope, clause: "FILTER"})
		if err != nil {
			return nil, err
		}
		if filter, err = b.coerceBool(f, fc.Location, "argument of FILTER"); err != nil {
			return nil, err
		}
	}
	// onlyWhere keeps a value only for rows passing FILTER: aggregates skip
	// NULLs, so agg(x) FILTER (WHERE c) is agg(CASE WHEN c THEN x END).
	onlyWhere := func(x Expr) Expr {
		if filter == nil {
			return x
		}
		return &Case{Whens: []When{{Cond: filter, Then: x}}, Else: &Literal{T: x.Type()}, T: x.Type()}
	}
	collect := func(call *AggCall) Expr {
		*ec.aggs = append(*ec.aggs, call)
		return &aggRef{idx: len(*ec.aggs) - 1, T: call.T}
	}
	if fc.AggStar {
		if name != "count" {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "%s(*) is not allowed", name), fc.Location)
		}
		if filter != nil {
			one := &Literal{Value: int64(1), T: types.TInt32}
			return collect(&AggCall{Name: "count", Args: []Expr{onlyWhere(one)}, T: types.TInt64}), nil
		}
		return collect(&AggCall{Name: "count", Star: true, T: types.TInt64}), nil
	}
	switch name {
	case "string_agg":
		return b.bindStringAgg(fc, inner, onlyWhere, collect)
	case "percentile_cont", "percentile_disc":
		return b.bindPercentile(name, fc, inner, onlyWhere, collect)
	}
	if len(fc.Args) != 1 {
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s with %d arguments does not exist", name, len(fc.Args)), fc.Location)
	}
	arg, err := b.bindExpr(fc.Args[0], inner)
	if err != nil {
		return nil, err
	}
	if arg.Type().Kind == types.Unknown {
		if arg, err = b.coerce(arg, types.TText, fc.Location); err != nil {
			return nil, err
		}
	}
	switch name {
	case "bool_and", "every", "bool_or":
		if arg, err = b.coerceBool(arg, fc.Location, "argument of "+name); err != nil {
			return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, arg.Type()), fc.Location)
		}
		agg := "min"
		if name == "bool_or" {
			agg = "max"
		}
		return collect(&AggCall{Name: agg, Args: []Expr{onlyWhere(arg)}, Distinct: fc.AggDistinct, T: types.TBool}), nil
	case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
		return b.bindVariance(name, onlyWhere(arg), fc, collect)
	case "array_agg":
		// FILTER turns filtered rows into NULLs, which array_agg keeps.
		if filter != nil {
			return nil, b.unsupported(fc.Location, "array_agg with FILTER is not supported yet")
		}
		if arg.Type().Kind == types.Array {
			return nil, b.unsupported(fc.Location, "array_agg over arrays (multidimensional arrays) is not supported yet")
		}
		// ORDER BY the aggregated value itself: each group's values are
		// sorted when the array is built (Param: asc|desc, nulls first|last).
		var order any
		if len(fc.AggOrder) > 0 {
			sb := fc.AggOrder[0].GetSortBy()
			key, err := b.bindExpr(sb.Node, inner)
			if err != nil {
				return nil, err
			}
			if key.Type().Kind == types.Unknown {
				key, _ = b.coerce(key, types.TText, fc.Location)
			}
			if len(fc.AggOrder) != 1 || Key(key) != Key(arg) {
				return nil, b.unsupported(fc.Location, "array_agg ORDER BY an expression other than its argument is not supported yet")
			}
			desc := sb.SortbyDir == pg.SortByDir_SORTBY_DESC
			nullsFirst := desc
			switch sb.SortbyNulls {
			case pg.SortByNulls_SORTBY_NULLS_FIRST:
				nullsFirst = true
			case pg.SortByNulls_SORTBY_NULLS_LAST:
				nullsFirst = false
			}
			o := "asc"
			if desc {
				o = "desc"
			}
			if nullsFirst {
				o += " nulls first"
			}
			order = o
		}
		return collect(&AggCall{Name: name, Args: []Expr{arg}, Distinct: fc.AggDistinct, Param: order, T: types.ArrayOf(arg.Type())}), nil
	}
	call := &AggCall{Name: name, Distinct: fc.AggDistinct, Args: []Expr{onlyWhere(arg)}}
	if call.T, err = aggregateType(name, arg.Type()); err != nil {
		return nil, b.errAt(sqlerr.As(err), fc.Location)
	}
	return collect(call), nil
}

// bindVariance computes the variance family from count, sum and sum of
// squares in double precision (PostgreSQL returns numeric for integer and
// numeric input; Lode's value is the double result cast to numeric).
func (b *Binder) bindVariance(name string, arg Expr, fc *pg.FuncCall, collect func(*AggCall) Expr) (Expr, error) {
	t := arg.Type()
	if !t.IsNumeric() {
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, t), fc.Location)
	}
	if fc.AggDistinct {
		return nil, b.unsupported(fc.Location, "%s(DISTINCT …) is not supported yet", name)
	}
	x := Expr(&Cast{Arg: arg, T: types.TFloat64})
	if t.Kind == types.Float64 {
		x = arg
	}
	f8 := types.TFloat64
	n := &Cast{Arg: collect(&AggCall{Name: "count", Args: []Expr{arg}, T: types.TInt64}), T: f8}
	s := collect(&AggCall{Name: "sum", Args: []Expr{x}, T: f8})
	s2 := collect(&AggCall{Name: "sum", Args: []Expr{&Func{Name: "*", Args: []Expr{x, x}, T: f8}}, T: f8})
	pop := strings.HasSuffix(name, "_pop")
	den := Expr(&Func{Name: "-", Args: []Expr{n, &Literal{Value: 1.0, T: f8}}, T: f8})
	minN := 1.0
	if pop {
		den, minN = n, 0.0
	}
	// (Σx² − (Σx)²/n) / den, never below zero (rounding).
	num := &Func{Name: "-", T: f8, Args: []Expr{s2, &Func{Name: "/", T: f8, Args: []Expr{&Func{Name: "*", Args: []Expr{s, s}, T: f8}, n}}}}
	v := Expr(&Func{Name: "greatest", T: f8, Args: []Expr{&Literal{Value: 0.0, T: f8}, &Func{Name: "/", Args: []Expr{num, den}, T: f8}}})
	if strings.HasPrefix(name, "stddev") {
		v = &Func{Name: "sqrt", Args: []Expr{v}, T: f8}
	}
	res := Expr(&Case{Whens: []When{{Cond: &Func{Name: ">", Args: []Expr{n, &Literal{Value: minN, T: f8}}, T: types.TBool}, Then: v}},
		Else: &Literal{T: f8}, T: f8})
	switch t.Kind {
	case types.Float32, types.Float64:
		return res, nil
	}
	return &Cast{Arg: res, T: types.NumericT(types.NumericMaxPrecision, types.NumericDefaultScale)}, nil
}

// aggregateType is PostgreSQL's result type of an aggregate.
func aggregateType(name string, in types.T) (types.T, error) {
	bad := func() (types.T, error) {
		return types.TUnknown, sqlerr.New(sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, in)
	}
	switch name {
	case "array_agg":
		return types.ArrayOf(in), nil
	case "count":
		return types.TInt64, nil
	case "min", "max":
		return in, nil
	case "sum":
		switch in.Kind {
		case types.Int16, types.Int32:
			return types.TInt64, nil
		case types.Int64:
			return types.NumericT(types.NumericMaxPrecision, 0), nil
		case types.Float32, types.Float64:
			return in, nil
		case types.Numeric:
			return types.NumericT(types.NumericMaxPrecision, in.Scale), nil
		}
		return bad()
	case "avg":
		switch in.Kind {
		case types.Int16, types.Int32, types.Int64:
			return types.NumericT(types.NumericMaxPrecision, types.NumericDefaultScale), nil
		case types.Float32, types.Float64:
			return types.TFloat64, nil
		case types.Numeric:
			return types.NumericT(types.NumericMaxPrecision, max(in.Scale, types.NumericDefaultScale)), nil
		}
		return bad()
	}
	return bad()
}

// bindVariadic binds coalesce/greatest/least: all arguments share one type.
func (b *Binder) bindVariadic(name string, argNodes []*pg.Node, loc int32, ec *exprCtx) (Expr, error) {
	args := make([]Expr, len(argNodes))
	for i, a := range argNodes {
		e, err := b.bindExpr(a, ec)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return b.resolveScalar(name, args, loc)
}

// resolveScalar type-checks a scalar function call.
func (b *Binder) resolveScalar(name string, args []Expr, loc int32) (Expr, error) {
	if r, ok := arrayFuncs[name]; ok && hasArrayArg(args) {
		return r(b, name, args, loc)
	}
	if r, ok := scalarFuncs[name]; ok {
		return r(b, name, args, loc)
	}
	if f, ok := b.lookupFunction(name); ok {
		return b.inlineFunction(f, args, loc)
	}
	noFunc := func() error { return b.noFunction(name, args, loc) }
	var err error
	switch name {
	case "coalesce", "greatest", "least":
		t := types.TUnknown
		for _, a := range args {
			if t, err = commonType(t, a.Type()); err != nil {
				return nil, b.errAt(sqlerr.New(sqlerr.DatatypeMismatch, "%s types cannot be matched: %s", strings.ToUpper(name), err), loc)
			}
		}
		if t.Kind == types.Unknown {
			t = types.TText
		}
		for i := range args {
			if args[i], err = b.coerce(args[i], t, loc); err != nil {
				return nil, err
			}
		}
		return &Func{Name: name, Args: args, T: t}, nil
	case "abs":
		if len(args) != 1 {
			return nil, noFunc()
		}
		t := args[0].Type()
		if t.Kind == types.Unknown {
			t = types.TFloat64
			if args[0], err = b.coerce(args[0], t, loc); err != nil {
				return nil, err
			}
		}
		if !t.IsNumeric() {
			return nil, noFunc()
		}
		return &Func{Name: name, Args: args, T: t}, nil
	case "lower", "upper", "length", "char_length", "character_length":
		if e, ok, err := b.bindByteaFunc(name, args, loc); ok || err != nil {
			return e, err
		}
		if len(args) != 1 {
			return nil, noFunc()
		}
		if args[0], err = b.coerceString(args[0], loc); err != nil {
			return nil, noFunc()
		}
		if name == "lower" || name == "upper" {
			return &Func{Name: name, Args: args, T: types.TText}, nil
		}
		return &Func{Name: "length", Args: args, T: types.TInt32}, nil
	case "substring", "substr":
		if e, ok, err := b.bindByteaFunc(name, args, loc); ok || err != nil {
			return e, err
		}
		if len(args) < 2 || len(args) > 3 {
			return nil, noFunc()
		}
		if args[0], err = b.coerceString(args[0], loc); err != nil {
			return nil, noFunc()
		}
		for i := 1; i < len(args); i++ {
			if !args[i].Type().IsInteger() && args[i].Type().Kind != types.Unknown {
				return nil, noFunc()
			}
			if args[i], err = b.coerce(args[i], types.TInt32, loc); err != nil {
				return nil, err
			}
		}
		return &Func{Name: "substring", Args: args, T: types.TText}, nil
	case "round":
		if len(args) < 1 || len(args) > 2 {
			return nil, noFunc()
		}
		t := args[0].Type()
		switch {
		case len(args) == 2:
			if args[0], err = b.coerce(args[0], numericOperand(asNumeric(t)), loc); err != nil || !(t.IsInteger() || t.Kind == types.Numeric || t.Kind == types.Unknown) {
				return nil, noFunc()
			}
			if args[1], err = b.coerce(args[1], types.TInt32, loc); err != nil {
				return nil, err
			}
			scale := args[0].Type().Scale
			if lit, ok := args[1].(*Literal); ok && lit.Value != nil {
				scale = int32(max(0, min(lit.Value.(int64), types.NumericMaxPrecision)))
			}
			return &Func{Name: name, Args: args, T: types.NumericT(types.NumericMaxPrecision, scale)}, nil
		case t.Kind == types.Numeric:
			return &Func{Name: name, Args: args, T: types.NumericT(types.NumericMaxPrecision, 0)}, nil
		case t.IsNumeric() || t.Kind == types.Unknown:
			if args[0], err = b.coerce(args[0], types.TFloat64, loc); err != nil {
				return nil, err
			}
			return &Func{Name: name, Args: args, T: types.TFloat64}, nil
		}
		return nil, noFunc()
	case "now", "current_timestamp", "transaction_timestamp", "statement_timestamp":
		if len(args) != 0 {
			return nil, noFunc()
		}
		return &Func{Name: "now", T: types.TTimestampTZ}, nil
	}
	return nil, noFunc()
}

// noFunction is PostgreSQL's 42883 for a call no overload matches.
func (b *Binder) noFunction(name string, args []Expr, loc int32) error {
	ts := make([]string, len(args))
	for i, a := range args {
		ts[i] = a.Type().String()
	}
	e := sqlerr.New(sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(ts, ", "))
	e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
	return b.errAt(e, loc)
}

// constArg binds an aggregate's constant extra argument.
func (b *Binder) constArg(n *pg.Node, t types.T, what string) (any, error) {
	e, err := b.bindExpr(n, &exprCtx{clause: what})
	if err != nil {
		return nil, err
	}
	if e, err = b.coerce(e, t, -1); err != nil {
		return nil, err
	}
	lit, ok := e.(*Literal)
	if !ok {
		if c, isCast := e.(*Cast); isCast {
			if l, ok2 := c.Arg.(*Literal); ok2 && l.Value != nil && t.Kind == types.Float64 {
				switch v := l.Value.(type) {
				case int64:
					return float64(v), nil
				case float64:
					return v, nil
				case decimal128.Num:
					return v.ToFloat64(l.T.Scale), nil
				}
			}
		}
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "the %s must be a constant", what)
	}
	return lit.Value, nil
}

func (b *Binder) bindStringAgg(fc *pg.FuncCall, inner *exprCtx, onlyWhere func(Expr) Expr, collect func(*AggCall) Expr) (Expr, error) {
	if len(fc.Args) != 2 {
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function string_agg with %d arguments does not exist", len(fc.Args)), fc.Location)
	}
	arg, err := b.bindExpr(fc.Args[0], inner)
	if err != nil {
		return nil, err
	}
	if arg, err = b.coerceString(arg, fc.Location); err != nil {
		return nil, err
	}
	delim, err := b.constArg(fc.Args[1], types.TText, "string_agg delimiter")
	if err != nil {
		return nil, err
	}
	if delim == nil {
		delim = ""
	}
	name := "string_agg"
	// ORDER BY the aggregated value itself: the values are sorted per
	// group (bytewise, as the C collation orders text).
	if len(fc.AggOrder) > 0 {
		sb := fc.AggOrder[0].GetSortBy()
		key, err := b.bindExpr(sb.Node, inner)
		if err != nil {
			return nil, err
		}
		if k2, err := b.coerceString(key, fc.Location); err == nil {
			key = k2
		}
		if len(fc.AggOrder) != 1 || Key(key) != Key(arg) {
			return nil, b.unsupported(fc.Location, "string_agg ORDER BY an expression other than its argument is not supported yet")
		}
		name = "string_agg_asc"
		if sb.SortbyDir == pg.SortByDir_SORTBY_DESC {
			name = "string_agg_desc"
		}
	}
	return collect(&AggCall{Name: name, Args: []Expr{onlyWhere(arg)}, Distinct: fc.AggDistinct, Param: delim, T: types.TText}), nil
}

func (b *Binder) bindPercentile(name string, fc *pg.FuncCall, inner *exprCtx, onlyWhere func(Expr) Expr, collect func(*AggCall) Expr) (Expr, error) {
	if !fc.AggWithinGroup || len(fc.AggOrder) != 1 || len(fc.Args) != 1 {
		return nil, b.errAt(sqlerr.New(sqlerr.WrongObjectType, "WITHIN GROUP is required for ordered-set aggregate %s", name), fc.Location)
	}
	sb := fc.AggOrder[0].GetSortBy()
	if sb.SortbyDir == pg.SortByDir_SORTBY_DESC {
		return nil, b.unsupported(fc.Location, "%s WITHIN GROUP (ORDER BY … DESC) is not supported yet", name)
	}
	x, err := b.bindExpr(sb.Node, inner)
	if err != nil {
		return nil, err
	}
	frac, err := b.constArg(fc.Args[0], types.TFloat64, "percentile fraction")
	if err != nil {
		return nil, err
	}
	if frac == nil {
		return &Literal{T: x.Type()}, nil
	}
	t := x.Type()
	if name == "percentile_cont" {
		if !t.IsNumeric() {
			return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function percentile_cont(double precision, %s) does not exist", t), fc.Location)
		}
		if t.Kind != types.Float64 {
			x = &Cast{Arg: x, T: types.TFloat64}
		}
		t = types.TFloat64
	} else if !(t.IsNumeric() || t.IsTemporal()) {
		return nil, b.unsupported(fc.Location, "percentile_disc over %s is not supported yet", t)
	}
	return collect(&AggCall{Name: name, Args: []Expr{onlyWhere(x)}, Param: frac, T: t}), nil
}
