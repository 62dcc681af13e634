package planner

import (
	"github.com/lodedb/lode/catalog/types"
)

// Mathematical functions (exec/expr/fn_math.go). abs and round are bound
// in bind_funcs.go; mod is the % operator.

func init() {
	f8, i4, i8 := types.TFloat64, types.TInt32, types.TInt64
	num := types.NumericT(0, types.NumericDefaultScale)
	// float8 and numeric overloads: a numeric argument picks numeric (an
	// exact match), integers and floats pick float8 (the preferred type).
	RegisterScalar(bindFloatOrNumeric(true), "floor", "ceil", "ceiling", "trunc", "sign")
	// Float-only here: their numeric overloads compute with a per-value
	// result scale Lode's fixed-scale numeric cannot carry, so numeric
	// arguments are computed in float8.
	for _, n := range []string{"sqrt", "cbrt", "exp", "ln", "log10", "degrees", "radians",
		"sin", "cos", "tan", "asin", "acos", "atan", "cot", "sinh", "cosh", "tanh"} {
		RegisterSimple(n, sig(f8, f8))
	}
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) == 2 {
			// log(b, x) exists for numeric only.
			return bindAllAs(b, "log", args, num, types.NumericT(types.NumericMaxPrecision, types.NumericDefaultScale), loc)
		}
		return bindAllAs(b, "log10", args, f8, f8, loc)
	}, "log")
	RegisterSimple("power", sig(f8, f8, f8))
	RegisterSimple("pow", sig(f8, f8, f8))
	RegisterSimple("atan2", sig(f8, f8, f8))
	RegisterSimple("pi", sig(f8))
	RegisterSimple("random", sig(f8))
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) != 4 {
			return nil, b.noFunction(name, args, loc)
		}
		out := make([]Expr, 4)
		for i, a := range args {
			t := f8
			if i == 3 {
				t = i4
			}
			if !implicitlyCoercible(a.Type(), t) && !(i == 3 && a.Type().IsInteger()) {
				return nil, b.noFunction(name, args, loc)
			}
			e, err := b.coerce(a, t, loc)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return &Func{Name: name, Args: out, T: i4}, nil
	}, "width_bucket")
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) != 2 {
			return nil, b.noFunction(name, args, loc)
		}
		return b.binaryOp("%", args[0], args[1], loc)
	}, "mod")
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		return bindAllAs(b, name, args, num, types.NumericT(types.NumericMaxPrecision, 0), loc)
	}, "div")
	RegisterSimple("gcd", sig(i4, i4, i4), sig(i8, i8, i8))
	RegisterSimple("lcm", sig(i4, i4, i4), sig(i8, i8, i8))
	RegisterSimple("factorial", sig(types.NumericT(types.NumericMaxPrecision, 0), i8))
}

// bindAllAs coerces every argument (numeric arguments keep their scale
// when `as` is numeric) and returns a Func of type res.
func bindAllAs(b *Binder, name string, args []Expr, as, res types.T, loc int32) (Expr, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		at := a.Type()
		if !implicitlyCoercible(at, as) {
			return nil, b.noFunction(name, args, loc)
		}
		t := as
		if as.Kind == types.Numeric {
			t = numericOperand(asNumeric(resolveUnknown(at, as)))
		}
		e, err := b.coerce(a, t, loc)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return &Func{Name: name, Args: out, T: res}, nil
}

// bindFloatOrNumeric resolves f(float8) / f(numeric) [/ trunc(numeric, int)].
func bindFloatOrNumeric(intArg bool) ScalarResolver {
	return func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) < 1 || len(args) > 2 || len(args) == 2 && (name != "trunc" || !intArg) {
			return nil, b.noFunction(name, args, loc)
		}
		t := args[0].Type()
		if !t.IsNumeric() && t.Kind != types.Unknown {
			return nil, b.noFunction(name, args, loc)
		}
		if len(args) == 1 && t.Kind != types.Numeric {
			a, err := b.coerce(args[0], types.TFloat64, loc)
			if err != nil {
				return nil, err
			}
			return &Func{Name: name, Args: []Expr{a}, T: types.TFloat64}, nil
		}
		if t.Kind == types.Float32 || t.Kind == types.Float64 {
			return nil, b.noFunction(name, args, loc)
		}
		a, err := b.coerce(args[0], numericOperand(asNumeric(resolveUnknown(t, types.NumericT(0, 0)))), loc)
		if err != nil {
			return nil, err
		}
		out := []Expr{a}
		scale := int32(0)
		if len(args) == 2 {
			if !args[1].Type().IsInteger() && args[1].Type().Kind != types.Unknown {
				return nil, b.noFunction(name, args, loc)
			}
			n, err := b.coerce(args[1], types.TInt32, loc)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			scale = a.Type().Scale
			if lit, ok := n.(*Literal); ok && lit.Value != nil {
				scale = int32(max(0, min(lit.Value.(int64), types.NumericMaxPrecision)))
			}
		}
		return &Func{Name: name, Args: out, T: types.NumericT(types.NumericMaxPrecision, scale)}, nil
	}
}
