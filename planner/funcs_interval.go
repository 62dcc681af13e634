package planner

import (
	"github.com/lodedb/lode/catalog/types"
)

// Interval operators and functions (exec/expr/fn_interval.go):
// timestamp ± interval, date ± interval (→ timestamp), timestamp −
// timestamp (→ interval), interval ± interval, interval * / number,
// −interval, interval comparisons, age, justify_*.

func init() {
	RegisterBinaryOp(bindIntervalOp, "+", "-", "*", "/", "=", "<>", "<", "<=", ">", ">=")
	RegisterUnaryOp(func(b *Binder, op string, arg Expr, loc int32) (Expr, error) {
		if op == "-" && arg.Type().Kind == types.Interval {
			return &Func{Name: "interval_neg", Args: []Expr{arg}, T: types.TInterval}, nil
		}
		return nil, nil
	}, "-")
	iv, ts, tz := types.TInterval, types.TTimestamp, types.TTimestampTZ
	RegisterSimple("age", sig(iv, ts, ts), sig(iv, tz, tz), sig(iv, ts), sig(iv, tz))
	for _, n := range []string{"justify_days", "justify_hours", "justify_interval"} {
		RegisterSimple(n, sig(iv, iv))
	}
	RegisterSimple("make_interval", sig(iv, types.TInt32, types.TInt32, types.TInt32, types.TInt32, types.TInt32, types.TInt32, types.TFloat64))
}

var intervalCmpNames = map[string]string{"=": "interval_eq", "<>": "interval_ne", "<": "interval_lt",
	"<=": "interval_le", ">": "interval_gt", ">=": "interval_ge"}

// IntervalCmpOp maps interval_lt & co. back to their operator.
var IntervalCmpOp = map[string]string{}

func init() {
	for op, n := range intervalCmpNames {
		IntervalCmpOp[n] = op
	}
}

func bindIntervalOp(b *Binder, op string, l, r Expr, loc int32) (Expr, error) {
	lk, rk := l.Type().Kind, r.Type().Kind
	isIv := func(k types.Kind) bool { return k == types.Interval }
	isTs := func(k types.Kind) bool { return k == types.Timestamp || k == types.TimestampTZ || k == types.Date }
	coerce := func(e Expr, t types.T) (Expr, error) { return b.coerce(e, t, loc) }
	tsType := func(k types.Kind) types.T {
		if k == types.TimestampTZ {
			return types.TTimestampTZ
		}
		return types.TTimestamp
	}
	var err error
	switch {
	case !isIv(lk) && !isIv(rk):
		// timestamp - timestamp → interval.
		if op == "-" && isTs(lk) && isTs(rk) && !(lk == types.Date && rk == types.Date) {
			t := tsType(lk)
			if rk == types.TimestampTZ {
				t = types.TTimestampTZ
			}
			if l, err = coerce(l, t); err != nil {
				return nil, err
			}
			if r, err = coerce(r, t); err != nil {
				return nil, err
			}
			return &Func{Name: "timestamp_mi", Args: []Expr{l, r}, T: types.TInterval}, nil
		}
		return nil, nil
	case intervalCmpNames[op] != "":
		if !(isIv(lk) || lk == types.Unknown) || !(isIv(rk) || rk == types.Unknown) {
			return nil, nil
		}
		if l, err = coerce(l, types.TInterval); err != nil {
			return nil, err
		}
		if r, err = coerce(r, types.TInterval); err != nil {
			return nil, err
		}
		return &Func{Name: intervalCmpNames[op], Args: []Expr{l, r}, T: types.TBool}, nil
	case (op == "+" || op == "-") && isIv(rk) && (isTs(lk) || lk == types.Unknown):
		t := tsType(lk)
		if l, err = coerce(l, t); err != nil {
			return nil, err
		}
		return &Func{Name: "timestamp_" + map[string]string{"+": "pl", "-": "mi"}[op] + "_interval", Args: []Expr{l, r}, T: t}, nil
	case op == "+" && isIv(lk) && isTs(rk):
		t := tsType(rk)
		if r, err = coerce(r, t); err != nil {
			return nil, err
		}
		return &Func{Name: "timestamp_pl_interval", Args: []Expr{r, l}, T: t}, nil
	case (op == "+" || op == "-") && isIv(lk) && (isIv(rk) || rk == types.Unknown):
		if r, err = coerce(r, types.TInterval); err != nil {
			return nil, err
		}
		return &Func{Name: "interval_" + map[string]string{"+": "pl", "-": "mi"}[op], Args: []Expr{l, r}, T: types.TInterval}, nil
	case (op == "*" || op == "/") && isIv(lk) && (r.Type().IsNumeric() || rk == types.Unknown):
		if r, err = coerce(r, types.TFloat64); err != nil {
			return nil, err
		}
		return &Func{Name: "interval_" + map[string]string{"*": "mul", "/": "div"}[op], Args: []Expr{l, r}, T: types.TInterval}, nil
	case op == "*" && isIv(rk) && (l.Type().IsNumeric() || lk == types.Unknown):
		if l, err = coerce(l, types.TFloat64); err != nil {
			return nil, err
		}
		return &Func{Name: "interval_mul", Args: []Expr{r, l}, T: types.TInterval}, nil
	}
	return nil, nil
}
