package planner

import "github.com/lodedb/lode/catalog/types"

// Conditional functions beyond coalesce/nullif/greatest/least:
// num_nulls and num_nonnulls count their (any-typed) arguments.
func init() {
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) == 0 {
			return nil, b.noFunction(name, args, loc)
		}
		out := make([]Expr, len(args))
		for i, a := range args {
			if a.Type().Kind == types.Unknown {
				var err error
				if a, err = b.coerce(a, types.TText, loc); err != nil {
					return nil, err
				}
			}
			out[i] = a
		}
		return &Func{Name: name, Args: out, T: types.TInt32}, nil
	}, "num_nulls", "num_nonnulls")
}

func init() {
	// pg_typeof(any) is regtype in PostgreSQL; Lode returns its name as text.
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) != 1 {
			return nil, b.noFunction(name, args, loc)
		}
		t := args[0].Type()
		s := t.String()
		switch t.Kind {
		case types.Numeric:
			s = "numeric"
		case types.Varchar:
			s = "character varying"
		}
		return &Literal{Value: s, T: types.TText}, nil
	}, "pg_typeof")
}
