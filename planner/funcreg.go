package planner

import (
	"github.com/lodedb/lode/catalog/types"
)

// ScalarResolver type-checks a call of a scalar function: it coerces the
// arguments (with b.Coerce) and returns the bound expression, usually a
// *Func whose Name the evaluator's registry (exec/expr) knows.
type ScalarResolver func(b *Binder, name string, args []Expr, loc int32) (Expr, error)

// scalarFuncs is the binder's function registry; each function family
// registers itself from its own file's init.
var scalarFuncs = map[string]ScalarResolver{}

// RegisterScalar adds resolvers by name (lower case, without pg_catalog.).
func RegisterScalar(r ScalarResolver, names ...string) {
	for _, n := range names {
		scalarFuncs[n] = r
	}
}

// Signature is one overload of a simple function: fixed argument types
// and a result type.
type Signature struct {
	Args   []types.T
	Result types.T
}

// RegisterSimple registers a function with fixed overloads: the first
// overload every argument can be implicitly coerced to wins (exact matches
// first), as PostgreSQL's function resolution does for the common cases.
func RegisterSimple(name string, overloads ...Signature) {
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		for pass := 0; pass < 2; pass++ {
			for _, sig := range overloads {
				if len(sig.Args) != len(args) {
					continue
				}
				ok := true
				for i, a := range args {
					at := a.Type()
					if pass == 0 && at != sig.Args[i] && at.Kind != sig.Args[i].Kind && at.Kind != types.Unknown {
						ok = false
						break
					}
					if pass == 1 && !implicitlyCoercible(at, sig.Args[i]) {
						ok = false
						break
					}
				}
				if !ok {
					continue
				}
				out := make([]Expr, len(args))
				for i, a := range args {
					e, err := b.Coerce(a, sig.Args[i], loc)
					if err != nil {
						return nil, err
					}
					out[i] = e
				}
				return &Func{Name: name, Args: out, T: sig.Result}, nil
			}
		}
		return nil, b.noFunction(name, args, loc)
	}, name)
}

// implicitlyCoercible follows PostgreSQL's implicit casts among Lode's
// types: numeric widening, string to string, date to timestamp(tz),
// untyped literals to anything.
func implicitlyCoercible(from, to types.T) bool {
	switch {
	case from.Kind == types.Unknown || from == to || from.Kind == to.Kind:
		return true
	case from.IsNumeric() && to.IsNumeric():
		return numericRank(from.Kind) <= numericRank(to.Kind)
	case from.IsString() && to.IsString():
		return true
	case from.Kind == types.Date && (to.Kind == types.Timestamp || to.Kind == types.TimestampTZ):
		return true
	case from.Kind == types.Timestamp && to.Kind == types.TimestampTZ:
		return true
	}
	return false
}

// Coerce converts e to t (untyped literals and parameters are typed now;
// anything else gets an implicit cast).
func (b *Binder) Coerce(e Expr, t types.T, loc int32) (Expr, error) { return b.coerce(e, t, loc) }
