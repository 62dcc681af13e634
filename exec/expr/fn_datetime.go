package expr

import (
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// The date/time function family (binder side: planner/funcs_datetime.go).
// Timestamps are µs since the epoch; timestamptz fields are taken in the
// session time zone.

func init() {
	register(compileExtract, "extract", "date_part")
	register(compileDateTrunc, "date_trunc")
	register(compileMakeDate, "make_date", "make_timestamp", "make_timestamptz")
	register(compileToChar, "to_char")
	register(compileToTimestamp, "to_timestamp")
	register(compileClock, "clock_timestamp", "timeofday")
	register(compileIsFinite, "isfinite")
}

// tsParts is a local timestamp broken into fields.
type tsParts struct {
	days       int64 // since the epoch
	y          int64
	mo, d      int
	h, mi, sec int
	us         int64 // within the second
}

func splitTs(local int64) tsParts {
	days, rem := types.FloorDiv(local, types.UsPerDay)
	var p tsParts
	p.days = days
	p.y, p.mo, p.d = types.Civil(days)
	p.h = int(rem / types.UsPerHour)
	rem %= types.UsPerHour
	p.mi = int(rem / types.UsPerMin)
	rem %= types.UsPerMin
	p.sec = int(rem / types.UsPerSec)
	p.us = rem % types.UsPerSec
	return p
}

func (p tsParts) doy() int64 { return p.days - types.DaysFromCivil(p.y, 1, 1) + 1 }

// dow is 0 = Sunday.
func (p tsParts) dow() int64 { _, r := types.FloorDiv(p.days+4, 7); return r }

// isoWeek returns the ISO 8601 year and week.
func (p tsParts) isoWeek() (int64, int64) {
	isodow := p.dow()
	if isodow == 0 {
		isodow = 7
	}
	thursday := p.days - isodow + 4
	ty, _, _ := types.Civil(thursday)
	jan1 := types.DaysFromCivil(ty, 1, 1)
	return ty, (thursday-jan1)/7 + 1
}

// localUs converts a column value to local µs for field extraction.
func localUs(ctx *Context, t types.T, a arrow.Array, i int) int64 {
	switch t.Kind {
	case types.Date:
		return int64(vals[int32](a)[i]) * types.UsPerDay
	case types.TimestampTZ:
		us := vals[int64](a)[i]
		return us + types.ZoneOffset(us, ctx.loc())*types.UsPerSec
	}
	return vals[int64](a)[i]
}

var pow10i = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000}

// fieldValue is field of a timestamp scaled by 10^scale.
func fieldValue(field string, p tsParts, raw int64, isDate bool, scale int32) (int64, bool) {
	s := pow10i[scale]
	switch field {
	case "year":
		return p.y * s, true
	case "month":
		return int64(p.mo) * s, true
	case "day":
		return int64(p.d) * s, true
	case "hour":
		return int64(p.h) * s, true
	case "minute":
		return int64(p.mi) * s, true
	case "second":
		return (int64(p.sec)*types.UsPerSec + p.us) * s / types.UsPerSec, true
	case "milliseconds":
		return (int64(p.sec)*types.UsPerSec + p.us) * s / 1000, true
	case "microseconds":
		return (int64(p.sec)*types.UsPerSec + p.us) * s, true
	case "epoch":
		if isDate {
			return p.days * types.UsPerDay / types.UsPerSec * s, true
		}
		return raw / (types.UsPerSec / s), true
	case "dow":
		return p.dow() * s, true
	case "isodow":
		d := p.dow()
		if d == 0 {
			d = 7
		}
		return d * s, true
	case "doy":
		return p.doy() * s, true
	case "quarter":
		return int64((p.mo-1)/3+1) * s, true
	case "week":
		_, w := p.isoWeek()
		return w * s, true
	case "isoyear":
		y, _ := p.isoWeek()
		return y * s, true
	case "decade":
		q, _ := types.FloorDiv(p.y, 10)
		return q * s, true
	case "century":
		if p.y > 0 {
			return (p.y + 99) / 100 * s, true
		}
		return -((99 - (p.y - 1)) / 100) * s, true
	case "millennium":
		if p.y > 0 {
			return (p.y + 999) / 1000 * s, true
		}
		return -((999 - (p.y - 1)) / 1000) * s, true
	case "julian":
		return (p.days + 2440588) * s, true
	}
	return 0, false
}

// intervalField is extract(field FROM interval) scaled by 10^scale.
func intervalField(field string, iv types.IntervalValue, scale int32) (int64, bool) {
	s := pow10i[scale]
	us := iv.Micros
	switch field {
	case "year":
		return int64(iv.Months/12) * s, true
	case "month":
		return int64(iv.Months%12) * s, true
	case "day":
		return int64(iv.Days) * s, true
	case "hour":
		return us / types.UsPerHour * s, true
	case "minute":
		return us % types.UsPerHour / types.UsPerMin * s, true
	case "second":
		return us % types.UsPerMin * s / types.UsPerSec, true
	case "milliseconds":
		return us % types.UsPerMin * s / 1000, true
	case "microseconds":
		return us % types.UsPerMin * s, true
	case "epoch":
		days := int64(iv.Months/12)*36525/100 + int64(iv.Months%12)*30 + int64(iv.Days)
		return (days*types.UsPerDay + us) * s / types.UsPerSec, true
	case "quarter":
		return int64(iv.Months%12/3+1) * s, true
	case "decade":
		return int64(iv.Months/120) * s, true
	case "century":
		return int64(iv.Months/1200) * s, true
	case "millennium":
		return int64(iv.Months/12000) * s, true
	}
	return 0, false
}

func compileExtract(f *planner.Func, args []Evaluator) (Evaluator, error) {
	field := f.Args[0].(*planner.Literal).Value.(string)
	from := f.Args[1].Type()
	asFloat := f.Name == "date_part"
	scale := int32(6)
	if !asFloat {
		scale = f.T.Scale
	}
	if field == "epoch" && from.Kind == types.Date {
		scale = 0
	}
	if scale > 6 {
		scale = 6
	}
	isDate := from.Kind == types.Date
	return &strictEval{args[1:], func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		get := func(i int) (int64, bool, error) {
			var v int64
			var ok bool
			switch from.Kind {
			case types.Interval:
				v, ok = intervalField(field, types.IntervalFromArrow(vals[arrow.MonthDayNanoInterval](a[0])[i]), scale)
			default:
				r := int64(0)
				if isDate {
					d := int64(vals[int32](a[0])[i])
					if d == types.DateInfinity || d == types.DateNegInfinity {
						return 0, false, nil
					}
				} else if r = vals[int64](a[0])[i]; r == types.TsInfinity || r == types.TsNegInfinity {
					return 0, false, nil
				}
				v, ok = fieldValue(field, splitTs(localUs(ctx, from, a[0], i)), r, isDate, scale)
			}
			if !ok {
				return 0, false, sqlerr.New(sqlerr.FeatureNotSupported, "unit %q not supported for type %s", field, from)
			}
			return v, true, nil
		}
		if asFloat {
			return mapFixed(arrow.PrimitiveTypes.Float64, func(_ []arrow.Array, i int) (float64, bool, error) {
				v, ok, err := get(i)
				return float64(v) / float64(pow10i[scale]), ok, err
			})(ctx, b, a)
		}
		return mapFixed(f.T.ArrowType(), func(_ []arrow.Array, i int) (decimal128.Num, bool, error) {
			v, ok, err := get(i)
			r := decimal128.FromI64(v)
			if d := f.T.Scale - scale; d > 0 {
				r = r.Mul(decimal128.FromI64(pow10i[d]))
			}
			return r, ok, err
		})(ctx, b, a)
	}}, nil
}

// truncLocal truncates a local timestamp to unit.
func truncLocal(unit string, local int64) (int64, bool) {
	p := splitTs(local)
	day := p.days * types.UsPerDay
	switch unit {
	case "microseconds":
		return local, true
	case "milliseconds":
		q, _ := types.FloorDiv(local, 1000)
		return q * 1000, true
	case "second":
		q, _ := types.FloorDiv(local, types.UsPerSec)
		return q * types.UsPerSec, true
	case "minute":
		q, _ := types.FloorDiv(local, types.UsPerMin)
		return q * types.UsPerMin, true
	case "hour":
		q, _ := types.FloorDiv(local, types.UsPerHour)
		return q * types.UsPerHour, true
	case "day":
		return day, true
	case "week":
		d := p.dow()
		if d == 0 {
			d = 7
		}
		return day - (d-1)*types.UsPerDay, true
	case "month":
		return types.DaysFromCivil(p.y, p.mo, 1) * types.UsPerDay, true
	case "quarter":
		return types.DaysFromCivil(p.y, (p.mo-1)/3*3+1, 1) * types.UsPerDay, true
	case "year":
		return types.DaysFromCivil(p.y, 1, 1) * types.UsPerDay, true
	case "decade":
		q, _ := types.FloorDiv(p.y, 10)
		return types.DaysFromCivil(q*10, 1, 1) * types.UsPerDay, true
	case "century":
		c := (p.y - 1) / 100 * 100
		if p.y <= 0 {
			c = -((-p.y)/100+1)*100 + 0
		}
		return types.DaysFromCivil(c+1, 1, 1) * types.UsPerDay, true
	case "millennium":
		return types.DaysFromCivil((p.y-1)/1000*1000+1, 1, 1) * types.UsPerDay, true
	}
	return 0, false
}

func compileDateTrunc(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return strictEval{args: args[:2]}.withTrunc(f.T.Kind == types.TimestampTZ), nil
}

// withTrunc swaps in the real date_trunc kernel (it needs the context's
// time zone, which mapFixed's row function does not see).
func (e strictEval) withTrunc(tz bool) Evaluator {
	e.k = func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		return mapFixed(a[1].DataType(), func(a []arrow.Array, i int) (int64, bool, error) {
			unit := planner.NormalizeField(strAt(a[0], i))
			us := vals[int64](a[1])[i]
			if us == types.TsInfinity || us == types.TsNegInfinity {
				return us, true, nil
			}
			local := us
			if tz {
				local += types.ZoneOffset(us, ctx.loc()) * types.UsPerSec
			}
			r, ok := truncLocal(unit, local)
			if !ok {
				return 0, false, sqlerr.New(sqlerr.FeatureNotSupported, "unit %q not recognized for type %s", unit, map[bool]string{true: "timestamp with time zone", false: "timestamp without time zone"}[tz])
			}
			if tz {
				r = types.LocalToUTC(r, ctx.loc())
			}
			return r, true, nil
		})(ctx, b, a)
	}
	return &e
}

func compileMakeDate(f *planner.Func, args []Evaluator) (Evaluator, error) {
	name := f.Name
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		ymd := func(i int) (int64, error) {
			y, m, d := intAt(a[0], i), intAt(a[1], i), intAt(a[2], i)
			if y == 0 || m < 1 || m > 12 || d < 1 || d > 31 {
				return 0, sqlerr.New(sqlerr.DatetimeOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
			}
			if y < 0 {
				y++ // 1 BC is year 0
			}
			days := types.DaysFromCivil(y, int(m), int(d))
			if _, mm, _ := types.Civil(days); mm != int(m) {
				return 0, sqlerr.New(sqlerr.DatetimeOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
			}
			return days, nil
		}
		if name == "make_date" {
			return mapFixed(arrow.FixedWidthTypes.Date32, func(a []arrow.Array, i int) (int32, bool, error) {
				d, err := ymd(i)
				return int32(d), err == nil, err
			})(ctx, b, a)
		}
		return mapFixed(f.T.ArrowType(), func(a []arrow.Array, i int) (int64, bool, error) {
			d, err := ymd(i)
			if err != nil {
				return 0, false, err
			}
			h, mi, sec := intAt(a[3], i), intAt(a[4], i), floatAt(a[5], i)
			if h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60 || math.IsNaN(sec) {
				return 0, false, sqlerr.New(sqlerr.DatetimeOverflow, "time field value out of range: %d:%02d:%02g", h, mi, sec)
			}
			us := d*types.UsPerDay + h*types.UsPerHour + mi*types.UsPerMin + int64(math.Round(sec*1e6))
			if name == "make_timestamptz" {
				us = types.LocalToUTC(us, ctx.loc())
			}
			return us, true, nil
		})(ctx, b, a)
	}}, nil
}

func compileClock(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if f.Name == "timeofday" {
		return &strictEval{nil, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
			return broadcast(ctx.Alloc, types.TText, time.Now().In(ctx.loc()).Format("Mon Jan 02 15:04:05.000000 2006 MST"), b.NumRows()), nil
		}}, nil
	}
	return &strictEval{nil, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newVals[int64](ctx.Alloc, n)
		for i := range out {
			out[i] = max(time.Now().UnixMicro(), ctx.Now.UnixMicro())
		}
		return makeArray(types.TTimestampTZ.ArrowType(), n, nil, buf), nil
	}}, nil
}

func compileIsFinite(f *planner.Func, args []Evaluator) (Evaluator, error) {
	date := f.Args[0].Type().Kind == types.Date
	return &strictEval{args, mapBool(func(a []arrow.Array, i int) (bool, bool, error) {
		if date {
			d := vals[int32](a[0])[i]
			return d != types.DateInfinity && d != types.DateNegInfinity, true, nil
		}
		us := vals[int64](a[0])[i]
		return us != types.TsInfinity && us != types.TsNegInfinity, true, nil
	})}, nil
}
