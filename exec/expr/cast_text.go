package expr

import (
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// castToText renders with the type's output function (booleans as
// true/false, as bool→text does), then applies varchar(n): explicit casts
// truncate, implicit ones (assignment) raise 22001 unless only spaces go.
func castToText(from, to types.T, explicit bool) castRow {
	return func(ctx *Context, in arrow.Array, i int, out array.Builder) error {
		var buf [64]byte
		var s string
		switch {
		case from.IsString():
			s = in.(*array.String).Value(i)
		case from.Kind == types.Bool:
			s = "false"
			if in.(*array.Boolean).Value(i) {
				s = "true"
			}
		default:
			s = string(types.AppendText(buf[:0], in, i, from, ctx.loc()))
		}
		if to.Kind == types.Varchar && to.Length > 0 && len(s) > int(to.Length) && utf8.RuneCountInString(s) > int(to.Length) {
			if explicit {
				s = types.TruncateVarchar(s, to.Length)
			} else {
				var err error
				if s, err = types.ParseVarchar(s, to); err != nil {
					return err
				}
			}
		}
		out.(*array.StringBuilder).Append(s)
		return nil
	}
}

// castFromText parses with the target's input function.
func castFromText(to types.T) castRow {
	return func(ctx *Context, in arrow.Array, i int, out array.Builder) error {
		s := in.(*array.String).Value(i)
		switch b := out.(type) {
		case *array.BooleanBuilder:
			v, err := types.ParseBool(s)
			if err != nil {
				return err
			}
			b.Append(v)
		case *array.Int16Builder, *array.Int32Builder, *array.Int64Builder:
			v, err := types.ParseInt(s, to)
			if err != nil {
				return err
			}
			appendInt(out, v)
		case *array.Float32Builder:
			v, err := types.ParseFloat(s, to)
			if err != nil {
				return err
			}
			b.Append(float32(v))
		case *array.Float64Builder:
			v, err := types.ParseFloat(s, to)
			if err != nil {
				return err
			}
			b.Append(v)
		case *array.Decimal128Builder:
			v, err := types.ParseNumeric(s, to)
			if err != nil {
				return err
			}
			b.Append(v)
		case *array.Date32Builder:
			v, err := types.ParseDate(s)
			if err != nil {
				return err
			}
			b.Append(arrow.Date32(v))
		case *array.TimestampBuilder:
			v, err := types.ParseTimestamp(s, to.Kind == types.TimestampTZ, ctx.loc())
			if err != nil {
				return err
			}
			b.Append(arrow.Timestamp(v))
		case *array.MonthDayNanoIntervalBuilder:
			v, err := types.ParseIntervalIn(s, to.Length)
			if err != nil {
				return err
			}
			b.Append(v.ToArrow())
		default:
			return sqlerr.New(sqlerr.FeatureNotSupported, "cannot cast text to %s", to)
		}
		return nil
	}
}

const usPerDay = 86400_000000

// castTemporal converts among date, timestamp and timestamptz; the
// session zone (ctx.TimeZone) gives the wall clock of a timestamptz.
func castTemporal(from, to types.T) (castRow, error) {
	if !from.IsTemporal() {
		return nil, cannotCast(from, to)
	}
	return func(ctx *Context, in arrow.Array, i int, out array.Builder) error {
		loc := ctx.loc()
		var us int64 // the value as local wall-clock µs, or UTC µs for tstz
		switch a := in.(type) {
		case *array.Date32:
			d := int32(a.Value(i))
			switch d {
			case types.DateInfinity:
				us = types.TsInfinity
			case types.DateNegInfinity:
				us = types.TsNegInfinity
			default:
				us = int64(d) * usPerDay
			}
		case *array.Timestamp:
			us = int64(a.Value(i))
		}
		inf := us == types.TsInfinity || us == types.TsNegInfinity
		if from.Kind == types.TimestampTZ && to.Kind != types.TimestampTZ && !inf {
			us += types.ZoneOffset(us, loc) * 1000000 // to local wall clock
		}
		if from.Kind != types.TimestampTZ && to.Kind == types.TimestampTZ && !inf {
			us = types.LocalToUTC(us, loc)
		}
		switch b := out.(type) {
		case *array.Date32Builder:
			switch {
			case us == types.TsInfinity:
				b.Append(types.DateInfinity)
			case us == types.TsNegInfinity:
				b.Append(types.DateNegInfinity)
			default:
				d, _ := types.FloorDiv(us, usPerDay)
				b.Append(arrow.Date32(d))
			}
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(us))
		}
		return nil
	}, nil
}

var _ decimal128.Num
