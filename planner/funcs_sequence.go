package planner

import "github.com/lodedb/lode/catalog/types"

// nextval('name'), currval('name'), setval('name', v): the sequence name is
// text (regclass in PostgreSQL, which accepts the same literals).
func init() {
	RegisterSimple("nextval", Signature{Args: []types.T{types.TText}, Result: types.TInt64})
	RegisterSimple("currval", Signature{Args: []types.T{types.TText}, Result: types.TInt64})
	RegisterSimple("setval", Signature{Args: []types.T{types.TText, types.TInt64}, Result: types.TInt64})
}
