package planner

import (
	"strings"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// Date/time functions (exec/expr/fn_datetime.go). now/current_date and
// friends are bound in bind_funcs.go / bind_expr.go.

// ExtractScale is the numeric scale extract() returns for a field of a
// timestamp (PostgreSQL 15 returns numeric; its scale depends on the field).
func ExtractScale(field string, from types.Kind) (int32, bool) {
	switch field {
	case "year", "years", "month", "months", "day", "days", "hour", "hours", "minute", "minutes",
		"dow", "isodow", "doy", "quarter", "week", "isoyear", "decade", "century", "millennium",
		"microsecond", "microseconds", "julian":
		return 0, true
	case "second", "seconds":
		return 6, true
	case "millisecond", "milliseconds":
		return 3, true
	case "epoch":
		if from == types.Date {
			return 0, true
		}
		return 6, true
	}
	return 0, false
}

// NormalizeField maps PostgreSQL's unit spellings to one name.
func NormalizeField(f string) string {
	f = strings.ToLower(strings.TrimSpace(f))
	switch f {
	case "y", "yr", "yrs", "years":
		return "year"
	case "mon", "mons", "months":
		return "month"
	case "d", "days":
		return "day"
	case "h", "hr", "hrs", "hours":
		return "hour"
	case "m", "min", "mins", "minutes":
		return "minute"
	case "s", "sec", "secs", "seconds":
		return "second"
	case "ms", "msec", "msecs", "millisecond", "milliseconds":
		return "milliseconds"
	case "us", "usec", "usecs", "microsecond", "microseconds":
		return "microseconds"
	case "weeks", "w":
		return "week"
	case "decades":
		return "decade"
	case "centuries":
		return "century"
	case "millennia", "millenniums":
		return "millennium"
	case "quarters", "qtr":
		return "quarter"
	}
	return f
}

func init() {
	ts, tz, d, t, f8, i4 := types.TTimestamp, types.TTimestampTZ, types.TDate, types.TText, types.TFloat64, types.TInt32
	RegisterScalar(bindExtract, "extract", "date_part")
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) != 2 && len(args) != 3 {
			return nil, b.noFunction(name, args, loc)
		}
		unit, err := b.coerce(args[0], t, loc)
		if err != nil || !unit.Type().IsString() {
			return nil, b.noFunction(name, args, loc)
		}
		at := args[1].Type()
		target := tz
		switch at.Kind {
		case types.Timestamp:
			target = ts
		case types.TimestampTZ, types.Date, types.Unknown:
		default:
			return nil, b.noFunction(name, args, loc)
		}
		x, err := b.coerce(args[1], target, loc)
		if err != nil {
			return nil, err
		}
		return &Func{Name: name, Args: []Expr{unit, x}, T: target}, nil
	}, "date_trunc")
	RegisterSimple("make_date", sig(d, i4, i4, i4))
	RegisterSimple("make_timestamp", sig(ts, i4, i4, i4, i4, i4, f8))
	RegisterSimple("make_timestamptz", sig(tz, i4, i4, i4, i4, i4, f8))
	RegisterSimple("to_char", sig(t, ts, t), sig(t, tz, t))
	RegisterSimple("to_timestamp", sig(tz, f8))
	RegisterSimple("clock_timestamp", sig(tz))
	RegisterSimple("timeofday", sig(t))
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args) != 0 {
			return nil, b.noFunction(name, args, loc)
		}
		return &Cast{Arg: &Func{Name: "now", T: tz}, T: ts}, nil
	}, "localtimestamp")
	RegisterSimple("isfinite", sig(types.TBool, d), sig(types.TBool, ts), sig(types.TBool, tz))
}

// bindExtract binds extract(field FROM x) (numeric) and date_part('field',
// x) (double precision). The field must be a constant.
func bindExtract(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
	if len(args) != 2 {
		return nil, b.noFunction(name, args, loc)
	}
	lit, ok := args[0].(*Literal)
	if !ok || lit.Value == nil {
		return nil, b.unsupported(loc, "%s needs a constant field name", name)
	}
	field, _ := lit.Value.(string)
	field = NormalizeField(field)
	x := args[1]
	xt := x.Type()
	var err error
	switch xt.Kind {
	case types.Unknown:
		if x, err = b.coerce(x, types.TTimestampTZ, loc); err != nil {
			return nil, err
		}
	case types.Date:
		if name == "date_part" {
			x = &Cast{Arg: x, T: types.TTimestamp}
		}
	case types.Timestamp, types.TimestampTZ:
	default:
		if xt.Kind != types.Interval {
			return nil, b.noFunction(name, args, loc)
		}
	}
	scale, ok := ExtractScale(field, x.Type().Kind)
	if !ok {
		return nil, b.errAt(sqlerr.New(sqlerr.FeatureNotSupported, "unit %q not supported for type %s", field, x.Type()), loc)
	}
	if x.Type().Kind == types.Date {
		switch field {
		case "hour", "minute", "second", "milliseconds", "microseconds":
			return nil, b.errAt(sqlerr.New(sqlerr.FeatureNotSupported, "unit %q not supported for type date", field), loc)
		}
	}
	f := &Literal{Value: field, T: types.TText}
	if name == "date_part" {
		return &Func{Name: "date_part", Args: []Expr{f, x}, T: types.TFloat64}, nil
	}
	return &Func{Name: "extract", Args: []Expr{f, x}, T: types.NumericT(types.NumericMaxPrecision, scale)}, nil
}
