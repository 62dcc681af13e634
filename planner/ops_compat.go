package planner

import "github.com/lodedb/lode/catalog/types"

// PostgreSQL operator spellings that are aliases of core operations.
func init() {
	// ~~ is LIKE, ~~* ILIKE (and their negations), as the parser spells them.
	RegisterBinaryOp(func(b *Binder, op string, l, r Expr, loc int32) (Expr, error) {
		var err error
		if l, err = b.coerceString(l, loc); err != nil {
			return nil, nil
		}
		if r, err = b.coerceString(r, loc); err != nil {
			return nil, nil
		}
		name := map[string]string{"~~": "like", "!~~": "not like", "~~*": "ilike", "!~~*": "not ilike"}[op]
		return &Func{Name: name, Args: []Expr{l, r}, T: types.TBool}, nil
	}, "~~", "!~~", "~~*", "!~~*")
	// ^ is power().
	RegisterBinaryOp(func(b *Binder, op string, l, r Expr, loc int32) (Expr, error) {
		if _, ok := scalarFuncs["power"]; !ok {
			return nil, nil
		}
		return b.resolveScalar("power", []Expr{l, r}, loc)
	}, "^")
}
