package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// Arrays (one-dimensional, lower bound 1): ARRAY[…], a[i], x op ANY/ALL
// (array), ||, and the array functions. Calls whose arguments are
// text-form arrays (the pg_catalog columns) keep the text workarounds of
// bind_pgcompat.go and funcs_pg_catalog.go.

func init() {
	RegisterBinaryOp(bindArrayConcat, "||")
	RegisterBinaryOp(bindArrayCompare, "=", "<>", "!=", "<", "<=", ">", ">=")
	RegisterScalar(bindStringToArray, "string_to_array")
	for _, n := range []string{"array_length", "array_upper", "array_lower", "cardinality", "array_append",
		"array_prepend", "array_cat", "array_position", "array_to_string", "array_remove", "array_replace",
		"array_ndims", "array_dims"} {
		arrayFuncs[n] = bindArrayFunc
	}
}

// arrayFuncs take precedence over scalarFuncs when an argument is an array.
var arrayFuncs = map[string]ScalarResolver{}

func hasArrayArg(args []Expr) bool {
	for _, a := range args {
		if a.Type().Kind == types.Array {
			return true
		}
	}
	return false
}

// bindArrayExpr binds ARRAY[e1, e2, …]: the elements' common type.
func (b *Binder) bindArrayExpr(ae *pg.A_ArrayExpr, ec *exprCtx) (Expr, error) {
	if len(ae.Elements) == 0 {
		return nil, b.errAt(sqlerr.New("42P18", "cannot determine type of empty array"), ae.Location)
	}
	args := make([]Expr, len(ae.Elements))
	t := types.TUnknown
	for i, n := range ae.Elements {
		if n.GetAArrayExpr() != nil {
			return nil, b.unsupported(ae.Location, "multidimensional arrays are not supported yet")
		}
		e, err := b.bindExpr(n, ec)
		if err != nil {
			return nil, err
		}
		if t, err = commonType(t, e.Type()); err != nil {
			return nil, b.errAt(sqlerr.New(sqlerr.DatatypeMismatch, "ARRAY types %s cannot be matched", err), ae.Location)
		}
		args[i] = e
	}
	if t.Kind == types.Unknown {
		t = types.TText
	}
	if t.Kind == types.Array {
		return nil, b.unsupported(ae.Location, "multidimensional arrays are not supported yet")
	}
	for i := range args {
		var err error
		if args[i], err = b.coerce(args[i], t, ae.Location); err != nil {
			return nil, err
		}
	}
	return &Func{Name: "array", Args: args, T: types.ArrayOf(t)}, nil
}

// bindSubscript binds arr[i] on an array value (NULL when out of range).
func (b *Binder) bindSubscript(arr Expr, ind []*pg.Node, ec *exprCtx) (Expr, error) {
	for k, x := range ind {
		ai := x.GetAIndices()
		if ai == nil {
			return nil, b.unsupported(0, "field selection from an array is not supported")
		}
		if k > 0 {
			return nil, b.unsupported(0, "multidimensional arrays are not supported yet")
		}
		if ai.IsSlice {
			// arr[lo:hi], either bound optional: clamped to the array.
			bound := func(n *pg.Node, def int64) (Expr, error) {
				if n == nil {
					return &Literal{Value: def, T: types.TInt32}, nil
				}
				e, err := b.bindExpr(n, ec)
				if err != nil {
					return nil, err
				}
				return b.Coerce(e, types.TInt32, 0)
			}
			lo, err := bound(ai.Lidx, 1)
			if err != nil {
				return nil, err
			}
			hi, err := bound(ai.Uidx, 1<<31-1)
			if err != nil {
				return nil, err
			}
			arr = &Func{Name: "array_slice", Args: []Expr{arr, lo, hi}, T: arr.Type()}
			continue
		}
		idx, err := b.bindExpr(ai.Uidx, ec)
		if err != nil {
			return nil, err
		}
		if idx, err = b.Coerce(idx, types.TInt32, 0); err != nil {
			return nil, err
		}
		arr = &Func{Name: "array_subscript", Args: []Expr{arr, idx}, T: arr.Type().ElemT()}
	}
	return arr, nil
}

// bindArrayAnyAll binds x op ANY/ALL (array) when the right side is an
// array value; ok is false otherwise (the text-form fallback applies).
func (b *Binder) bindArrayAnyAll(a *pg.A_Expr, l, r Expr) (Expr, error) {
	op := opName(a.Name)
	if op == "!=" {
		op = "<>"
	}
	switch op {
	case "=", "<>", "<", "<=", ">", ">=":
	default:
		return nil, b.unsupported(a.Location, "operator %s with ANY/ALL is not supported yet", op)
	}
	t, err := commonType(l.Type(), r.Type().ElemT())
	if err != nil {
		return nil, b.noOperator(op, l, r, a.Location)
	}
	if t.Kind == types.Unknown {
		t = types.TText
	}
	if l, err = b.coerce(l, t, a.Location); err != nil {
		return nil, err
	}
	if r, err = b.coerce(r, types.ArrayOf(t), a.Location); err != nil {
		return nil, err
	}
	name := "any " + op
	if a.Kind == pg.A_Expr_Kind_AEXPR_OP_ALL {
		name = "all " + op
	}
	return &Func{Name: name, Args: []Expr{l, r}, T: types.TBool}, nil
}

// unknownAsArray types an untyped literal next to an array: '{…}' is an
// array of t's element type, anything else one element.
func (b *Binder) unknownAsArray(e Expr, t types.T, loc int32) (Expr, bool, error) {
	if lit, ok := e.(*Literal); ok && lit.T.Kind == types.Unknown {
		if s, _ := lit.Value.(string); len(s) > 0 && s[0] == '{' {
			x, err := b.coerce(e, t, loc)
			return x, true, err
		}
	}
	return e, false, nil
}

// bindArrayConcat binds array || array, array || elem and elem || array.
func bindArrayConcat(b *Binder, op string, l, r Expr, loc int32) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	if lt.Kind != types.Array && rt.Kind != types.Array {
		return nil, nil
	}
	var err error
	if lt.Kind == types.Array && rt.Kind != types.Array {
		var isArr bool
		if r, isArr, err = b.unknownAsArray(r, lt, loc); err != nil {
			return nil, err
		} else if !isArr {
			return bindArrayFunc(b, "array_append", []Expr{l, r}, loc)
		}
	}
	if rt.Kind == types.Array && lt.Kind != types.Array {
		var isArr bool
		if l, isArr, err = b.unknownAsArray(l, rt, loc); err != nil {
			return nil, err
		} else if !isArr {
			return bindArrayFunc(b, "array_prepend", []Expr{l, r}, loc)
		}
	}
	return bindArrayFunc(b, "array_cat", []Expr{l, r}, loc)
}

func bindStringToArray(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, b.noFunction(name, args, loc)
	}
	out := make([]Expr, len(args))
	for i, a := range args {
		e, err := b.coerce(a, types.TText, loc)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return &Func{Name: name, Args: out, T: types.ArrayOf(types.TText)}, nil
}

// bindArrayFunc binds the array functions over array values.
func bindArrayFunc(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
	fail := func() (Expr, error) { return nil, b.noFunction(name, args, loc) }
	arrIdx := 0
	if name == "array_prepend" {
		arrIdx = 1
	}
	if len(args) <= arrIdx {
		return fail()
	}
	at := args[arrIdx].Type()
	if at.Kind != types.Array {
		return fail()
	}
	var err error
	coerceAll := func(ts ...types.T) error {
		for i := range args {
			if args[i], err = b.coerce(args[i], ts[i], loc); err != nil {
				return err
			}
		}
		return nil
	}
	switch name {
	case "cardinality":
		if len(args) != 1 {
			return fail()
		}
		return &Func{Name: "array_cardinality", Args: args, T: types.TInt32}, nil
	case "array_length", "array_upper", "array_lower":
		if len(args) != 2 {
			return fail()
		}
		if err := coerceAll(at, types.TInt32); err != nil {
			return nil, err
		}
		internal := map[string]string{"array_length": "array_len", "array_upper": "array_upper_bound", "array_lower": "array_lower_bound"}
		return &Func{Name: internal[name], Args: args, T: types.TInt32}, nil
	case "array_append", "array_prepend", "array_position":
		if len(args) != 2 {
			return fail()
		}
		other := args[1-arrIdx].Type()
		t, err := commonType(at.ElemT(), other)
		if err != nil || other.Kind == types.Array {
			return fail()
		}
		ts := []types.T{types.ArrayOf(t), t}
		if arrIdx == 1 {
			ts = []types.T{t, types.ArrayOf(t)}
		}
		if err := coerceAll(ts...); err != nil {
			return nil, err
		}
		rt := types.ArrayOf(t)
		if name == "array_position" {
			rt = types.TInt32
		}
		return &Func{Name: name, Args: args, T: rt}, nil
	case "array_ndims", "array_dims":
		if len(args) != 1 {
			return fail()
		}
		rt := types.TInt32
		if name == "array_dims" {
			rt = types.TText
		}
		return &Func{Name: name, Args: args, T: rt}, nil
	case "array_remove", "array_replace":
		n := 2
		if name == "array_replace" {
			n = 3
		}
		if len(args) != n {
			return fail()
		}
		t := at.ElemT()
		for _, a := range args[1:] {
			if t, err = commonType(t, a.Type()); err != nil || a.Type().Kind == types.Array {
				return fail()
			}
		}
		ts := []types.T{types.ArrayOf(t), t, t}
		if err := coerceAll(ts[:n]...); err != nil {
			return nil, err
		}
		return &Func{Name: name, Args: args, T: types.ArrayOf(t)}, nil
	case "array_cat":
		if len(args) != 2 {
			return fail()
		}
		t, err := commonType(args[0].Type(), args[1].Type())
		if err != nil || t.Kind != types.Array {
			return fail()
		}
		if err := coerceAll(t, t); err != nil {
			return nil, err
		}
		return &Func{Name: name, Args: args, T: t}, nil
	case "array_to_string":
		if len(args) != 2 && len(args) != 3 {
			return fail()
		}
		ts := []types.T{at, types.TText, types.TText}
		if err := coerceAll(ts[:len(args)]...); err != nil {
			return nil, err
		}
		return &Func{Name: "array_to_string_arr", Args: args, T: types.TText}, nil
	}
	return fail()
}

// castToArray is an explicit cast to the array type t. Text-typed values
// (the catalogs' text-form array columns) stay text, as clients' catalog
// queries expect.
func (b *Binder) castToArray(arg Expr, t types.T, loc int32) (Expr, error) {
	at := arg.Type()
	switch {
	case at.IsString():
		return arg, nil
	case at.Kind == types.Unknown:
		return b.coerce(arg, t, loc)
	case at == t:
		return arg, nil
	case at.Kind != types.Array:
		return nil, b.errAt(sqlerr.New("42846", "cannot cast type %s to %s", at, t), loc)
	}
	return &Cast{Arg: arg, T: t, Explicit: true}, nil
}

// bindArrayCompare binds array comparisons (=, <>, <, …): element by
// element in the elements' common type.
func bindArrayCompare(b *Binder, op string, l, r Expr, loc int32) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	if lt.Kind != types.Array && rt.Kind != types.Array {
		return nil, nil
	}
	if op == "!=" {
		op = "<>"
	}
	if lt.Kind != types.Array {
		lt = rt
	} else if rt.Kind != types.Array {
		rt = lt
	}
	t, err := commonType(lt, rt)
	if err != nil || t.Kind != types.Array || (l.Type().Kind != types.Array && l.Type().Kind != types.Unknown) ||
		(r.Type().Kind != types.Array && r.Type().Kind != types.Unknown) {
		return nil, b.noOperator(op, l, r, loc)
	}
	if l, err = b.coerce(l, t, loc); err != nil {
		return nil, err
	}
	if r, err = b.coerce(r, t, loc); err != nil {
		return nil, err
	}
	return &Func{Name: "array " + op, Args: []Expr{l, r}, T: types.TBool}, nil
}
