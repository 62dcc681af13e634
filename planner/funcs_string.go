package planner

import (
	"github.com/lodedb/lode/catalog/types"
)

// String functions with PostgreSQL's overloads (exec/expr/fn_string.go
// evaluates them). length, lower, upper and substring are bound in
// bind_funcs.go.

func sig(res types.T, args ...types.T) Signature { return Signature{Args: args, Result: res} }

func init() {
	t, i4, i8, b := types.TText, types.TInt32, types.TInt64, types.TBool
	RegisterSimple("bit_length", sig(i4, t))
	RegisterSimple("strpos", sig(i4, t, t))
	RegisterSimple("position", sig(i4, t, t))
	RegisterSimple("initcap", sig(t, t))
	for _, n := range []string{"btrim", "ltrim", "rtrim"} {
		RegisterSimple(n, sig(t, t), sig(t, t, t))
	}
	RegisterSimple("replace", sig(t, t, t, t))
	RegisterSimple("split_part", sig(t, t, t, i4))
	RegisterSimple("left", sig(t, t, i4))
	RegisterSimple("right", sig(t, t, i4))
	RegisterSimple("lpad", sig(t, t, i4), sig(t, t, i4, t))
	RegisterSimple("rpad", sig(t, t, i4), sig(t, t, i4, t))
	RegisterSimple("repeat", sig(t, t, i4))
	RegisterSimple("reverse", sig(t, t))
	RegisterSimple("starts_with", sig(b, t, t))
	RegisterSimple("ascii", sig(i4, t))
	RegisterSimple("chr", sig(t, i4))
	RegisterSimple("translate", sig(t, t, t, t))
	RegisterSimple("to_hex", sig(t, i4), sig(t, i8))
	RegisterSimple("quote_ident", sig(t, t))
	RegisterSimple("quote_literal", sig(t, t))
	RegisterSimple("quote_nullable", sig(t, t))
	// regexp_match returns text[] in PostgreSQL; Lode has no arrays yet,
	// so it returns the array's text form ({a,b}), which is what clients
	// print anyway.
	RegisterSimple("regexp_match", sig(t, t, t), sig(t, t, t, t))
	RegisterSimple("regexp_replace", sig(t, t, t, t), sig(t, t, t, t, t))
	RegisterSimple("regexp_like", sig(b, t, t), sig(b, t, t, t))
	RegisterSimple("regexp_count", sig(i4, t, t), sig(i4, t, t, i4), sig(i4, t, t, i4, t))
	RegisterSimple("regexp_substr", sig(t, t, t), sig(t, t, t, i4), sig(t, t, t, i4, i4), sig(t, t, t, i4, i4, t))
	RegisterBinaryOp(bindRegexOp, "~", "~*", "!~", "!~*")

	// concat/concat_ws/format take "any": every argument is rendered
	// with its type's output function; NULLs are skipped (concat) or
	// printed per the format spec.
	RegisterScalar(bindVariadicText(0), "concat")
	RegisterScalar(bindVariadicText(1), "concat_ws", "format")
}

// bindVariadicText converts every argument to text; the first `fixed`
// arguments must be text already (the separator / format string).
func bindVariadicText(fixed int) ScalarResolver {
	return func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) < max(fixed, 1) {
			return nil, b.noFunction(name, args, loc)
		}
		out := make([]Expr, len(args))
		for i, a := range args {
			if i < fixed && !(a.Type().IsString() || a.Type().Kind == types.Unknown) {
				return nil, b.noFunction(name, args, loc)
			}
			if a.Type().Kind == types.Bool {
				// The output function prints booleans as t/f.
				out[i] = &Case{Whens: []When{
					{Cond: a, Then: &Literal{Value: "t", T: types.TText}},
					{Cond: &Func{Name: "not", Args: []Expr{a}, T: types.TBool}, Then: &Literal{Value: "f", T: types.TText}},
				}, Else: &Literal{T: types.TText}, T: types.TText}
				continue
			}
			e, err := b.toText(a, loc)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return &Func{Name: name, Args: out, T: types.TText}, nil
	}
}
