package planner

import (
	"strings"

	"github.com/lodedb/lode/catalog/types"
)

// Session information functions PostgreSQL clients call on connect:
// version(), current_schema(s), current_database(), current_setting(),
// pg_backend_pid(), current_user and friends. What the binder knows (search
// path, database) becomes a literal; the rest is evaluated with the
// session (exec/expr/funcs_pg_session.go).

// VersionString is what version() returns; drivers parse the leading
// "PostgreSQL 15.x".
const VersionString = "PostgreSQL 15.0 (Lode) on x86_64-pc-linux-gnu, compiled by Go, 64-bit"

func init() {
	lit := func(v func(b *Binder, args []Expr) any, nargs ...int) ScalarResolver {
		return func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
			ok := false
			for _, n := range nargs {
				ok = ok || n == len(args)
			}
			if !ok {
				return nil, b.noFunction(name, args, loc)
			}
			val := v(b, args)
			if val == nil {
				return &Literal{T: types.TText}, nil
			}
			return &Literal{Value: val, T: types.TText}, nil
		}
	}
	RegisterScalar(lit(func(*Binder, []Expr) any { return VersionString }, 0), "version")
	RegisterScalar(lit(func(b *Binder, _ []Expr) any {
		if len(b.SearchPath) == 0 {
			return nil
		}
		return b.SearchPath[0]
	}, 0), "current_schema")
	RegisterScalar(lit(func(b *Binder, _ []Expr) any { return b.Database }, 0), "current_database", "current_catalog")
	// current_schemas(bool) is text[] in PostgreSQL; Lode has no array type
	// yet, so it returns the array's text form.
	RegisterScalar(lit(func(b *Binder, args []Expr) any {
		path := b.SearchPath
		if l, ok := args[0].(*Literal); ok && l.Value == true || ok && l.Value == "true" {
			path = append([]string{"pg_catalog"}, path...)
		}
		return "{" + strings.Join(path, ",") + "}"
	}, 1), "current_schemas")

	RegisterSimple("current_setting",
		Signature{Args: []types.T{types.TText}, Result: types.TText},
		Signature{Args: []types.T{types.TText, types.TBool}, Result: types.TText})
	RegisterSimple("pg_backend_pid", Signature{Result: types.TInt32})
	RegisterSimple("current_user", Signature{Result: types.TText})
	RegisterSimple("session_user", Signature{Result: types.TText})
}
