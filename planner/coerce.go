package planner

import (
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// numericRank orders the numeric types by PostgreSQL's implicit-cast
// direction: a binary operator on two numeric types runs in the higher one.
func numericRank(k types.Kind) int {
	switch k {
	case types.Int16:
		return 1
	case types.Int32:
		return 2
	case types.Int64:
		return 3
	case types.Numeric:
		return 4
	case types.Float32:
		return 5
	case types.Float64:
		return 6
	}
	return 0
}

// commonType is the type two operands are converted to, or an error when
// PostgreSQL has no implicit conversion between them (42804).
func commonType(a, b types.T) (types.T, error) {
	switch {
	case a.Kind == types.Unknown && b.Kind == types.Unknown:
		// Still undetermined: the caller decides (usually text).
		return types.TUnknown, nil
	case a.Kind == types.Unknown:
		return b, nil
	case b.Kind == types.Unknown:
		return a, nil
	case a.Kind == types.Array && b.Kind == types.Array:
		e, err := commonType(a.ElemT(), b.ElemT())
		return types.ArrayOf(e), err
	case a.Kind == b.Kind:
		switch a.Kind {
		case types.Numeric:
			return numericCommon(a, b), nil
		case types.Varchar:
			if a.Length == b.Length {
				return a, nil
			}
			return types.VarcharT(0), nil
		}
		return a, nil
	case a.IsNumeric() && b.IsNumeric():
		ra, rb := numericRank(a.Kind), numericRank(b.Kind)
		hi := a
		if rb > ra {
			hi = b
		}
		if hi.Kind == types.Numeric {
			return numericCommon(asNumeric(a), asNumeric(b)), nil
		}
		return hi, nil
	case a.IsString() && b.IsString():
		return types.TText, nil
	case a.IsTemporal() && b.IsTemporal():
		if a.Kind == types.TimestampTZ || b.Kind == types.TimestampTZ {
			return types.TTimestampTZ, nil
		}
		return types.TTimestamp, nil
	}
	return types.TUnknown, sqlerr.New(sqlerr.DatatypeMismatch, "types %s and %s cannot be matched", a, b)
}

// asNumeric is the numeric type an integer widens to without loss.
func asNumeric(t types.T) types.T {
	switch t.Kind {
	case types.Int16:
		return types.NumericT(5, 0)
	case types.Int32:
		return types.NumericT(10, 0)
	case types.Int64:
		return types.NumericT(19, 0)
	}
	return t
}

// numericCommon keeps the larger scale and enough integer digits for both.
func numericCommon(a, b types.T) types.T {
	if a.Precision == 0 || b.Precision == 0 {
		s := max(a.Scale, b.Scale)
		return types.T{Kind: types.Numeric, Precision: 0, Scale: s}
	}
	s := max(a.Scale, b.Scale)
	intDigits := max(a.Precision-a.Scale, b.Precision-b.Scale)
	p := min(intDigits+s, types.NumericMaxPrecision)
	return types.NumericT(p, s)
}

// coerce converts e to t: an untyped literal is parsed now (so its errors
// point at the literal), anything else gets an implicit Cast.
func (b *Binder) coerce(e Expr, t types.T, loc int32) (Expr, error) {
	if e.Type() == t {
		return e, nil
	}
	if p, ok := e.(*Param); ok && p.T.Kind == types.Unknown && t.Kind != types.Unknown {
		// The parameter's type is inferred from its first use.
		b.ParamTypes[p.Index-1] = t
		return &Param{Index: p.Index, T: t}, nil
	}
	if lit, ok := e.(*Literal); ok {
		if lit.Value == nil {
			return &Literal{T: t}, nil
		}
		if lit.T.Kind == types.Unknown {
			v, err := types.ParseText(lit.Value.(string), t)
			if err != nil {
				return nil, b.errAt(sqlerr.As(err), loc)
			}
			return &Literal{Value: v, T: t}, nil
		}
	}
	return &Cast{Arg: e, T: t}, nil
}

// numericLiteral types a decimal constant as numeric(p,s) with its own
// digits, as PostgreSQL does.
func numericLiteral(s string) (*Literal, error) {
	digits, scale := 0, 0
	seenPoint := false
	for i, c := range s {
		switch {
		case c == '-' && i == 0: // a negative constant the parser folded
		case c == '.':
			seenPoint = true
		case c >= '0' && c <= '9':
			digits++
			if seenPoint {
				scale++
			}
		default: // exponent form: let the parser of floats decide
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "numeric literal %s with exponent", s)
		}
	}
	if digits > types.NumericMaxPrecision {
		return nil, sqlerr.New(sqlerr.NumericOutOfRange, "numeric literal %s has more than %d digits", s, types.NumericMaxPrecision)
	}
	p := max(digits, scale, 1)
	n, err := decimal128.FromString(s, int32(types.NumericMaxPrecision), int32(scale))
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidTextRep, "invalid numeric literal %s", s)
	}
	return &Literal{Value: n, T: types.NumericT(int32(p), int32(scale))}, nil
}
