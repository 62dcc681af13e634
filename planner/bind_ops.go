package planner

import (
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

var comparisonOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

// binaryOp resolves an infix operator: finds the operand type PostgreSQL
// would use, coerces both sides to it and computes the result type.
func (b *Binder) binaryOp(op string, l, r Expr, loc int32) (Expr, error) {
	if op == "!=" {
		op = "<>"
	}
	if e, ok, err := b.extBinaryOp(op, l, r, loc); ok {
		return e, err
	}
	lt, rt := l.Type(), r.Type()
	noOp := func() error {
		return b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt), loc)
	}
	switch {
	case comparisonOps[op]:
		t, err := commonType(lt, rt)
		if err != nil {
			return nil, noOp()
		}
		if t.Kind == types.Unknown {
			t = types.TText
		}
		if l, err = b.coerce(l, t, loc); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, t, loc); err != nil {
			return nil, err
		}
		return &Func{Name: op, Args: []Expr{l, r}, T: types.TBool}, nil
	case op == "||":
		if e, ok, err := b.bindByteaConcat(l, r, loc); ok || err != nil {
			return e, err
		}
		if !(lt.IsString() || lt.Kind == types.Unknown) && !(rt.IsString() || rt.Kind == types.Unknown) {
			return nil, noOp()
		}
		// text || anything: the other side is converted to text.
		var err error
		if l, err = b.toText(l, loc); err != nil {
			return nil, err
		}
		if r, err = b.toText(r, loc); err != nil {
			return nil, err
		}
		return &Func{Name: "||", Args: []Expr{l, r}, T: types.TText}, nil
	case op == "+" || op == "-" || op == "*" || op == "/" || op == "%":
		return b.arithmetic(op, l, r, loc, noOp)
	case op == "and" || op == "or":
		return &Func{Name: op, Args: []Expr{l, r}, T: types.TBool}, nil
	}
	return nil, noOp()
}

func (b *Binder) toText(e Expr, loc int32) (Expr, error) {
	switch e.Type().Kind {
	case types.Text:
		return e, nil
	case types.Unknown, types.Varchar:
		return b.coerce(e, types.TText, loc)
	}
	return &Cast{Arg: e, T: types.TText, Explicit: true}, nil
}

func (b *Binder) arithmetic(op string, l, r Expr, loc int32, noOp func() error) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	// Untyped literals take the other side's type (or numeric when both
	// are untyped, as PostgreSQL resolves 'x' + 'y' ambiguously anyway).
	if lt.Kind == types.Unknown && rt.Kind == types.Unknown {
		return nil, noOp()
	}
	// date ± integer, date - date.
	if lt.Kind == types.Date || rt.Kind == types.Date {
		return b.dateArithmetic(op, l, r, loc, noOp)
	}
	t, err := commonType(lt, rt)
	if err != nil || !t.IsNumeric() {
		return nil, noOp()
	}
	if t.Kind != types.Numeric {
		if l, err = b.coerce(l, t, loc); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, t, loc); err != nil {
			return nil, err
		}
		return &Func{Name: op, Args: []Expr{l, r}, T: t}, nil
	}
	// Numeric: operands keep their own scales for * / %; + and - align them.
	ln, rn := asNumeric(resolveUnknown(lt, t)), asNumeric(resolveUnknown(rt, t))
	var res types.T
	switch op {
	case "+", "-":
		res = types.NumericT(types.NumericMaxPrecision, max(ln.Scale, rn.Scale))
		ln.Scale, rn.Scale = res.Scale, res.Scale
		ln, rn = numericOperand(ln), numericOperand(rn)
	case "*":
		res = types.NumericT(types.NumericMaxPrecision, min(ln.Scale+rn.Scale, types.NumericMaxPrecision))
	case "/":
		res = types.NumericT(types.NumericMaxPrecision, max(ln.Scale, rn.Scale, types.NumericDefaultScale))
	case "%":
		res = types.NumericT(types.NumericMaxPrecision, max(ln.Scale, rn.Scale))
	}
	if op == "*" || op == "/" || op == "%" {
		ln, rn = numericOperand(ln), numericOperand(rn)
	}
	if l, err = b.coerce(l, ln, loc); err != nil {
		return nil, err
	}
	if r, err = b.coerce(r, rn, loc); err != nil {
		return nil, err
	}
	return &Func{Name: op, Args: []Expr{l, r}, T: res}, nil
}

// numericOperand is the decimal128 type an operand is carried in: full
// precision, so the cast never fails for lack of integer digits.
func numericOperand(t types.T) types.T {
	return types.NumericT(types.NumericMaxPrecision, t.Scale)
}

func resolveUnknown(t, other types.T) types.T {
	if t.Kind == types.Unknown {
		return other
	}
	return t
}

func (b *Binder) dateArithmetic(op string, l, r Expr, loc int32, noOp func() error) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	var err error
	switch {
	case lt.Kind == types.Date && (rt.IsInteger() || rt.Kind == types.Unknown) && (op == "+" || op == "-"):
		if r, err = b.coerce(r, types.TInt32, loc); err != nil {
			return nil, err
		}
		return &Func{Name: op, Args: []Expr{l, r}, T: types.TDate}, nil
	case rt.Kind == types.Date && lt.IsInteger() && op == "+":
		if l, err = b.coerce(l, types.TInt32, loc); err != nil {
			return nil, err
		}
		return &Func{Name: op, Args: []Expr{r, l}, T: types.TDate}, nil
	case op == "-" && (lt.Kind == types.Date || lt.Kind == types.Unknown) && (rt.Kind == types.Date || rt.Kind == types.Unknown):
		if l, err = b.coerce(l, types.TDate, loc); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, types.TDate, loc); err != nil {
			return nil, err
		}
		return &Func{Name: "-", Args: []Expr{l, r}, T: types.TInt32}, nil
	}
	return nil, noOp()
}

func (b *Binder) unaryOp(op string, arg Expr, loc int32) (Expr, error) {
	if e, ok, err := b.extUnaryOp(op, arg, loc); ok {
		return e, err
	}
	t := arg.Type()
	switch op {
	case "-":
		if lit, ok := arg.(*Literal); ok && lit.Value != nil {
			if neg, ok := negateLiteral(lit); ok {
				return neg, nil
			}
		}
		if t.Kind == types.Unknown {
			var err error
			if arg, err = b.coerce(arg, types.TFloat64, loc); err != nil {
				return nil, err
			}
			t = types.TFloat64
		}
		if !t.IsNumeric() {
			break
		}
		return &Func{Name: "neg", Args: []Expr{arg}, T: t}, nil
	case "+":
		if t.IsNumeric() {
			return arg, nil
		}
	}
	return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s %s", op, t), loc)
}
