package planner

import (
	"github.com/lodedb/lode/catalog/types"
)

// Functions over bytea and uuid (exec/expr/fn_bytea.go evaluates them).
// length, substring and || dispatch here from bind_funcs.go/bind_ops.go
// when their first operand is bytea; md5 and octet_length share the text
// kernels, which already work on bytes.

func init() {
	t, i4, by, u := types.TText, types.TInt32, types.TBytea, types.TUUID
	RegisterSimple("octet_length", sig(i4, t), sig(i4, by))
	RegisterSimple("md5", sig(t, t), sig(t, by))
	RegisterSimple("sha224", sig(by, by))
	RegisterSimple("sha256", sig(by, by))
	RegisterSimple("sha384", sig(by, by))
	RegisterSimple("sha512", sig(by, by))
	RegisterSimple("encode", sig(t, by, t))
	RegisterSimple("decode", sig(by, t, t))
	RegisterSimple("get_byte", sig(i4, by, i4))
	RegisterSimple("convert_to", sig(by, t, t))
	RegisterSimple("convert_from", sig(t, by, t))
	RegisterSimple("gen_random_uuid", sig(u))
}

// bindByteaFunc binds length/substring of a bytea; ok is false when the
// first argument is not bytea.
func (b *Binder) bindByteaFunc(name string, args []Expr, loc int32) (Expr, bool, error) {
	if len(args) == 0 || args[0].Type().Kind != types.Bytea {
		return nil, false, nil
	}
	switch name {
	case "length", "octet_length":
		if len(args) != 1 {
			return nil, false, nil
		}
		return &Func{Name: "octet_length", Args: args, T: types.TInt32}, true, nil
	case "substring", "substr":
		if len(args) < 2 || len(args) > 3 {
			return nil, false, nil
		}
		for i := 1; i < len(args); i++ {
			if !args[i].Type().IsInteger() && args[i].Type().Kind != types.Unknown {
				return nil, false, nil
			}
			var err error
			if args[i], err = b.coerce(args[i], types.TInt32, loc); err != nil {
				return nil, true, err
			}
		}
		return &Func{Name: "bytea_substring", Args: args, T: types.TBytea}, true, nil
	}
	return nil, false, nil
}

// bindByteaConcat binds bytea || bytea (an untyped literal is read as
// bytea); ok is false unless one side is bytea and the other bytea or
// untyped.
func (b *Binder) bindByteaConcat(l, r Expr, loc int32) (Expr, bool, error) {
	lk, rk := l.Type().Kind, r.Type().Kind
	if !(lk == types.Bytea && (rk == types.Bytea || rk == types.Unknown) ||
		rk == types.Bytea && lk == types.Unknown) {
		return nil, false, nil
	}
	var err error
	if l, err = b.coerce(l, types.TBytea, loc); err != nil {
		return nil, true, err
	}
	if r, err = b.coerce(r, types.TBytea, loc); err != nil {
		return nil, true, err
	}
	// The text kernel concatenates the bytes.
	return &Func{Name: "||", Args: []Expr{l, r}, T: types.TBytea}, true, nil
}
