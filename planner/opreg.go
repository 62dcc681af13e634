package planner

import (
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// OpResolver binds an operator that function families add (regex match
// operators, interval arithmetic). It returns (nil, nil) to decline, so
// the core operators of bind_ops.go still apply.
type OpResolver func(b *Binder, op string, l, r Expr, loc int32) (Expr, error)

// UnaryResolver is OpResolver for prefix operators.
type UnaryResolver func(b *Binder, op string, arg Expr, loc int32) (Expr, error)

var (
	binaryOpHooks = map[string][]OpResolver{}
	unaryOpHooks  = map[string][]UnaryResolver{}
)

// RegisterBinaryOp gives r the first chance at binding the infix ops.
func RegisterBinaryOp(r OpResolver, ops ...string) {
	for _, op := range ops {
		binaryOpHooks[op] = append(binaryOpHooks[op], r)
	}
}

// RegisterUnaryOp gives r the first chance at binding the prefix ops.
func RegisterUnaryOp(r UnaryResolver, ops ...string) {
	for _, op := range ops {
		unaryOpHooks[op] = append(unaryOpHooks[op], r)
	}
}

// extBinaryOp runs the registered hooks; ok reports that one bound it.
func (b *Binder) extBinaryOp(op string, l, r Expr, loc int32) (e Expr, ok bool, err error) {
	for _, h := range binaryOpHooks[op] {
		if e, err = h(b, op, l, r, loc); e != nil || err != nil {
			return e, true, err
		}
	}
	return nil, false, nil
}

func (b *Binder) extUnaryOp(op string, arg Expr, loc int32) (e Expr, ok bool, err error) {
	for _, h := range unaryOpHooks[op] {
		if e, err = h(b, op, arg, loc); e != nil || err != nil {
			return e, true, err
		}
	}
	return nil, false, nil
}

// bindRegexOp binds text ~ pattern and friends: both sides text.
func bindRegexOp(b *Binder, op string, l, r Expr, loc int32) (Expr, error) {
	var err error
	for _, p := range []*Expr{&l, &r} {
		t := (*p).Type()
		if !t.IsString() && t.Kind != types.Unknown {
			return nil, b.noOperator(op, l, r, loc)
		}
		if *p, err = b.coerce(*p, types.TText, loc); err != nil {
			return nil, err
		}
	}
	return &Func{Name: op, Args: []Expr{l, r}, T: types.TBool}, nil
}

// noOperator is PostgreSQL's 42883 for an operator with no overload.
func (b *Binder) noOperator(op string, l, r Expr, loc int32) error {
	return b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", l.Type(), op, r.Type()), loc)
}
