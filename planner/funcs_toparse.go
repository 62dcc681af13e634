package planner

import "github.com/lodedb/lode/catalog/types"

// to_date(text, pattern), to_timestamp(text, pattern) and to_char over
// numbers (this file's init runs after funcs_datetime.go's, so these
// registrations carry every overload).
func init() {
	t, f8 := types.TText, types.TFloat64
	RegisterSimple("to_date", Signature{Args: []types.T{t, t}, Result: types.TDate})
	RegisterSimple("to_timestamp",
		Signature{Args: []types.T{f8}, Result: types.TTimestampTZ},
		Signature{Args: []types.T{t, t}, Result: types.TTimestampTZ})
	RegisterSimple("to_char",
		Signature{Args: []types.T{types.TTimestamp, t}, Result: t},
		Signature{Args: []types.T{types.TTimestampTZ, t}, Result: t},
		Signature{Args: []types.T{types.TInt64, t}, Result: t},
		Signature{Args: []types.T{types.NumericT(0, types.NumericDefaultScale), t}, Result: t},
		Signature{Args: []types.T{f8, t}, Result: t})
}
