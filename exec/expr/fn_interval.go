package expr

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// Interval arithmetic (binder side: planner/funcs_interval.go). Months and
// days are added in local (session zone) calendar time, microseconds as
// elapsed time, as PostgreSQL does.

func init() {
	register(compileTsInterval, "timestamp_pl_interval", "timestamp_mi_interval")
	register(compileTsMinus, "timestamp_mi")
	register(compileIntervalArith, "interval_pl", "interval_mi", "interval_mul", "interval_div",
		"interval_neg", "justify_days", "justify_hours", "justify_interval", "make_interval")
	register(compileIntervalCmp, "interval_eq", "interval_ne", "interval_lt", "interval_le", "interval_gt", "interval_ge")
	register(compileAge, "age")
}

func ivAt(a arrow.Array, i int) types.IntervalValue {
	return types.IntervalFromArrow(vals[arrow.MonthDayNanoInterval](a)[i])
}

func errTsRange() error { return sqlerr.New(sqlerr.DatetimeOverflow, "timestamp out of range") }

// addInterval adds iv to a timestamp (tz: in loc's calendar).
func addInterval(us int64, iv types.IntervalValue, tz bool, ctx *Context) (int64, error) {
	if us == types.TsInfinity || us == types.TsNegInfinity {
		return us, nil
	}
	if iv.Months != 0 || iv.Days != 0 {
		local := us
		if tz {
			local += types.ZoneOffset(us, ctx.loc()) * types.UsPerSec
		}
		days, rem := types.FloorDiv(local, types.UsPerDay)
		if iv.Months != 0 {
			y, m, d := types.Civil(days)
			mm := int64(m-1) + y*12 + int64(iv.Months)
			ny, nm := types.FloorDiv(mm, 12)
			nm++
			d = min(d, daysInMonth(ny, int(nm)))
			days = types.DaysFromCivil(ny, int(nm), d)
		}
		days += int64(iv.Days)
		local = days*types.UsPerDay + rem
		if tz {
			us = types.LocalToUTC(local, ctx.loc())
		} else {
			us = local
		}
	}
	r := us + iv.Micros
	if (iv.Micros > 0 && r < us) || (iv.Micros < 0 && r > us) || r == types.TsInfinity || r == types.TsNegInfinity {
		return 0, errTsRange()
	}
	return r, nil
}

func daysInMonth(y int64, m int) int {
	if m == 12 {
		return 31
	}
	return int(types.DaysFromCivil(y, m+1, 1) - types.DaysFromCivil(y, m, 1))
}

func negIv(iv types.IntervalValue) types.IntervalValue {
	return types.IntervalValue{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}
}

func compileTsInterval(f *planner.Func, args []Evaluator) (Evaluator, error) {
	minus := f.Name == "timestamp_mi_interval"
	tz := f.T.Kind == types.TimestampTZ
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		ts := vals[int64](a[0])
		return mapFixed(f.T.ArrowType(), func(a []arrow.Array, i int) (int64, bool, error) {
			iv := ivAt(a[1], i)
			if minus {
				iv = negIv(iv)
			}
			r, err := addInterval(ts[i], iv, tz, ctx)
			return r, err == nil, err
		})(ctx, b, a)
	}}, nil
}

// compileTsMinus: timestamp − timestamp is days plus the time remainder.
func compileTsMinus(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		x, y := vals[int64](a[0]), vals[int64](a[1])
		return mapFixed(types.TInterval.ArrowType(), func(a []arrow.Array, i int) (arrow.MonthDayNanoInterval, bool, error) {
			if x[i] == types.TsInfinity || x[i] == types.TsNegInfinity || y[i] == types.TsInfinity || y[i] == types.TsNegInfinity {
				return arrow.MonthDayNanoInterval{}, false, sqlerr.New(sqlerr.DatetimeOverflow, "cannot subtract infinite timestamps")
			}
			d := x[i] - y[i]
			return types.IntervalValue{Days: int32(d / types.UsPerDay), Micros: d % types.UsPerDay}.ToArrow(), true, nil
		})(ctx, b, a)
	}}, nil
}

func ivFromFloat(months, days, micros float64) (types.IntervalValue, error) {
	wm := math.Trunc(months)
	days += (months - wm) * 30
	wd := math.Trunc(days)
	micros += (days - wd) * float64(types.UsPerDay)
	if math.IsNaN(months+days+micros) || math.Abs(wm) > math.MaxInt32 || math.Abs(wd) > math.MaxInt32 || math.Abs(micros) > 9.2e18 {
		return types.IntervalValue{}, sqlerr.New(sqlerr.DatetimeOverflow, "interval out of range")
	}
	return types.IntervalValue{Months: int32(wm), Days: int32(wd), Micros: int64(math.Round(micros))}, nil
}

func compileIntervalArith(f *planner.Func, args []Evaluator) (Evaluator, error) {
	name := f.Name
	return &strictEval{args, mapFixed(types.TInterval.ArrowType(), func(a []arrow.Array, i int) (arrow.MonthDayNanoInterval, bool, error) {
		var r types.IntervalValue
		var err error
		if name == "make_interval" {
			r, err = ivFromFloat(float64(intAt(a[0], i)*12+intAt(a[1], i)), float64(intAt(a[2], i)*7+intAt(a[3], i)),
				float64(intAt(a[4], i)*types.UsPerHour+intAt(a[5], i)*types.UsPerMin)+floatAt(a[6], i)*1e6)
			return r.ToArrow(), err == nil, err
		}
		x := ivAt(a[0], i)
		switch name {
		case "interval_pl", "interval_mi":
			y := ivAt(a[1], i)
			if name == "interval_mi" {
				y = negIv(y)
			}
			m, d, us := int64(x.Months)+int64(y.Months), int64(x.Days)+int64(y.Days), x.Micros+y.Micros
			if m != int64(int32(m)) || d != int64(int32(d)) || (x.Micros > 0) == (y.Micros > 0) && (us > 0) != (x.Micros > 0) && x.Micros != 0 {
				return arrow.MonthDayNanoInterval{}, false, sqlerr.New(sqlerr.DatetimeOverflow, "interval out of range")
			}
			r = types.IntervalValue{Months: int32(m), Days: int32(d), Micros: us}
		case "interval_mul", "interval_div":
			k := floatAt(a[1], i)
			if name == "interval_div" {
				if k == 0 {
					return arrow.MonthDayNanoInterval{}, false, sqlerr.New(sqlerr.DivisionByZero, "division by zero")
				}
				k = 1 / k
			}
			r, err = ivFromFloat(float64(x.Months)*k, float64(x.Days)*k, float64(x.Micros)*k)
		case "interval_neg":
			r = negIv(x)
		case "justify_hours":
			r = justifyHours(x)
		case "justify_days":
			r = justifyDays(x)
		case "justify_interval":
			r = justifyDays(justifyHours(x))
			// Make all fields share one sign, as justify_interval does.
			if r.Months > 0 && (r.Days < 0 || r.Days == 0 && r.Micros < 0) {
				r.Months--
				r.Days += 30
			} else if r.Months < 0 && (r.Days > 0 || r.Days == 0 && r.Micros > 0) {
				r.Months++
				r.Days -= 30
			}
			if r.Days > 0 && r.Micros < 0 {
				r.Days--
				r.Micros += types.UsPerDay
			} else if r.Days < 0 && r.Micros > 0 {
				r.Days++
				r.Micros -= types.UsPerDay
			}
		}
		return r.ToArrow(), err == nil, err
	})}, nil
}

func justifyHours(x types.IntervalValue) types.IntervalValue {
	x.Days += int32(x.Micros / types.UsPerDay)
	x.Micros %= types.UsPerDay
	if x.Days > 0 && x.Micros < 0 {
		x.Micros += types.UsPerDay
		x.Days--
	} else if x.Days < 0 && x.Micros > 0 {
		x.Micros -= types.UsPerDay
		x.Days++
	}
	return x
}

func justifyDays(x types.IntervalValue) types.IntervalValue {
	x.Months += x.Days / 30
	x.Days %= 30
	if x.Months > 0 && x.Days < 0 {
		x.Days += 30
		x.Months--
	} else if x.Months < 0 && x.Days > 0 {
		x.Days -= 30
		x.Months++
	}
	return x
}

func compileIntervalCmp(f *planner.Func, args []Evaluator) (Evaluator, error) {
	op := planner.IntervalCmpOp[f.Name]
	return &strictEval{args, mapBool(func(a []arrow.Array, i int) (bool, bool, error) {
		c := ivAt(a[0], i).Compare(ivAt(a[1], i))
		switch op {
		case "=":
			return c == 0, true, nil
		case "<>":
			return c != 0, true, nil
		case "<":
			return c < 0, true, nil
		case "<=":
			return c <= 0, true, nil
		case ">":
			return c > 0, true, nil
		}
		return c >= 0, true, nil
	})}, nil
}

// age subtracts field by field (years, months, days, time), borrowing
// from the month before the later timestamp's, as PostgreSQL does.
func compileAge(f *planner.Func, args []Evaluator) (Evaluator, error) {
	t := f.Args[0].Type()
	one := len(args) == 1
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		return mapFixed(types.TInterval.ArrowType(), func(a []arrow.Array, i int) (arrow.MonthDayNanoInterval, bool, error) {
			x := localUs(ctx, t, a[0], i)
			var y int64
			if one {
				// age(ts) is measured from today's midnight.
				x, y = ctx.Now.UnixMicro(), x
				x += types.ZoneOffset(x, ctx.loc()) * types.UsPerSec
				d, _ := types.FloorDiv(x, types.UsPerDay)
				x = d * types.UsPerDay
			} else {
				y = localUs(ctx, t, a[1], i)
			}
			return ageOf(x, y).ToArrow(), true, nil
		})(ctx, b, a)
	}}, nil
}

func ageOf(x, y int64) types.IntervalValue {
	neg := x < y
	if neg {
		x, y = y, x
	}
	p, q := splitTs(x), splitTs(y)
	us := (int64(p.h)-int64(q.h))*types.UsPerHour + (int64(p.mi)-int64(q.mi))*types.UsPerMin +
		(int64(p.sec)-int64(q.sec))*types.UsPerSec + p.us - q.us
	days := int64(p.d - q.d)
	months := (p.y-q.y)*12 + int64(p.mo-q.mo)
	for us < 0 {
		us += types.UsPerDay
		days--
	}
	for days < 0 {
		// Borrow the length of the month of the earlier timestamp.
		days += int64(daysInMonth(q.y, q.mo))
		months--
	}
	r := types.IntervalValue{Months: int32(months), Days: int32(days), Micros: us}
	if neg {
		r = negIv(r)
	}
	return r
}
