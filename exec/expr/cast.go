package expr

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// Casts convert row by row into an Arrow builder: a cast does real work per
// value (range checks, rounding, formatting, parsing), so the closure call
// per row is small next to it. Errors are raised only for live rows.

// castRow converts in[i] (non-NULL, live) and appends it to out.
type castRow func(ctx *Context, in arrow.Array, i int, out array.Builder) error

type castEval struct {
	arg Evaluator
	to  types.T
	row castRow
}

func (e *castEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	in, err := e.arg.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer in.Release()
	n := b.NumRows()
	bld := array.NewBuilder(ctx.Alloc, e.to.ArrowType())
	defer bld.Release()
	bld.Reserve(n)
	next := 0 // rows before the next live row are padded with NULLs
	var ferr error
	liveRows(b, func(i int) {
		if ferr != nil {
			return
		}
		for ; next < i; next++ {
			bld.AppendNull()
		}
		next = i + 1
		if in.IsNull(i) {
			bld.AppendNull()
			return
		}
		ferr = e.row(ctx, in, i, bld)
	})
	if ferr != nil {
		return nil, ferr
	}
	for ; next < n; next++ {
		bld.AppendNull()
	}
	return bld.NewArray(), nil
}

func sameType(a, b types.T) bool {
	if a.Kind == types.Unknown {
		a.Kind = types.Text
	}
	if a.Alias != b.Alias {
		// An alias and its kind carry the same values (oid, json), but a
		// cast to json/jsonb/oid still checks them.
		return a.Base() == b.Base() && !parsesOnCast(b)
	}
	if a.Kind == types.Varchar && b.Kind == types.Text {
		return true
	}
	return a == b || (a.Kind == types.Numeric && b.Kind == types.Numeric && a.Scale == b.Scale && b.Precision == 0)
}

func compileCast(c *planner.Cast) (Evaluator, error) {
	arg, err := Compile(c.Arg)
	if err != nil {
		return nil, err
	}
	from, to := c.Arg.Type(), c.T
	if from.Kind == types.Unknown {
		from = types.TText
	}
	if sameType(from, to) && !(from.Kind == types.Varchar && to.Kind == types.Varchar) {
		return arg, nil // zero-copy
	}
	if widensNumeric(from, to) {
		return &retypeEval{arg: arg, dt: to.ArrowType()}, nil
	}
	row, err := castFunc(from, to, c.Explicit)
	if err != nil {
		return nil, err
	}
	return &castEval{arg: arg, to: to, row: row}, nil
}

func cannotCast(from, to types.T) error {
	return sqlerr.New(sqlerr.FeatureNotSupported, "cannot cast type %s to %s", from, to)
}

func castFunc(from, to types.T, explicit bool) (castRow, error) {
	if row, ok, err := castPgType(from, to); ok {
		return row, err
	}
	if to.IsString() {
		return castToText(from, to, explicit), nil
	}
	if to.Kind == types.Array {
		if from.IsString() {
			return func(ctx *Context, in arrow.Array, i int, out array.Builder) error {
				return arrayFromText(ctx, in.(*array.String).Value(i), to, out.(*array.ListBuilder))
			}, nil
		}
		return castArray(from, to, explicit)
	}
	if from.IsString() {
		return castFromText(to), nil
	}
	switch to.Kind {
	case types.Bool:
		if from.IsInteger() {
			return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
				out.(*array.BooleanBuilder).Append(intAt(in, i) != 0)
				return nil
			}, nil
		}
	case types.Int16, types.Int32, types.Int64:
		return castToInt(from, to)
	case types.Float32, types.Float64:
		return castToFloat(from, to)
	case types.Numeric:
		return castToNumeric(from, to)
	case types.Date, types.Timestamp, types.TimestampTZ:
		return castTemporal(from, to)
	}
	return nil, cannotCast(from, to)
}

func intAt(a arrow.Array, i int) int64 {
	switch x := a.(type) {
	case *array.Int16:
		return int64(x.Value(i))
	case *array.Int32:
		return int64(x.Value(i))
	case *array.Int64:
		return x.Value(i)
	case *array.Boolean:
		return int64(b2u(x.Value(i)))
	}
	return 0
}

func floatAt(a arrow.Array, i int) float64 {
	switch x := a.(type) {
	case *array.Float32:
		return float64(x.Value(i))
	case *array.Float64:
		return x.Value(i)
	}
	return 0
}

func appendInt(out array.Builder, v int64) {
	switch b := out.(type) {
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Int64Builder:
		b.Append(v)
	}
}

func intRange(t types.T) (int64, int64) {
	switch t.Kind {
	case types.Int16:
		return math.MinInt16, math.MaxInt16
	case types.Int32:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

func castToInt(from, to types.T) (castRow, error) {
	lo, hi := intRange(to)
	switch {
	case from.IsInteger() || (from.Kind == types.Bool && to.Kind == types.Int32):
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			v := intAt(in, i)
			if v < lo || v > hi {
				return intOutOfRange(to)
			}
			appendInt(out, v)
			return nil
		}, nil
	case from.Kind == types.Float32 || from.Kind == types.Float64:
		// rint: half to even, as PostgreSQL's float→int casts.
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			f := math.RoundToEven(floatAt(in, i))
			if math.IsNaN(f) || f < float64(lo) || f >= -float64(lo) {
				return intOutOfRange(to)
			}
			appendInt(out, int64(f))
			return nil
		}, nil
	case from.Kind == types.Numeric:
		// Half away from zero, as numeric→int casts.
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			d := in.(*array.Decimal128).Value(i)
			r, ok := types.RescaleDecimal(d, decScale(in), 0, 38)
			if !ok || !r.FitsInPrecision(19) && true {
				if !ok {
					return intOutOfRange(to)
				}
			}
			m, neg := types.MagSign(r)
			if m.Hi != 0 || m.Lo > uint64(hi)+b2u64(neg) {
				return intOutOfRange(to)
			}
			v := int64(m.Lo)
			if neg {
				v = int64(-m.Lo)
			}
			appendInt(out, v)
			return nil
		}, nil
	}
	return nil, cannotCast(from, to)
}

func b2u64(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func castToFloat(from, to types.T) (castRow, error) {
	put := func(out array.Builder, f float64) {
		if b, ok := out.(*array.Float32Builder); ok {
			b.Append(float32(f))
		} else {
			out.(*array.Float64Builder).Append(f)
		}
	}
	switch {
	case from.IsInteger():
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			if to.Kind == types.Float32 {
				out.(*array.Float32Builder).Append(float32(intAt(in, i)))
			} else {
				out.(*array.Float64Builder).Append(float64(intAt(in, i)))
			}
			return nil
		}, nil
	case from.Kind == types.Float32 || from.Kind == types.Float64:
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			f := floatAt(in, i)
			if to.Kind == types.Float32 && !math.IsInf(f, 0) && math.IsInf(float64(float32(f)), 0) {
				return sqlerr.New(sqlerr.NumericOutOfRange, "value out of range: overflow")
			}
			put(out, f)
			return nil
		}, nil
	case from.Kind == types.Numeric:
		// Through the decimal digits, so the result is correctly rounded.
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			var buf [48]byte
			s := types.AppendDecimal(buf[:0], in.(*array.Decimal128).Value(i), decScale(in), false)
			bits := 64
			if to.Kind == types.Float32 {
				bits = 32
			}
			f, err := strconv.ParseFloat(string(s), bits)
			if err != nil {
				return sqlerr.New(sqlerr.NumericOutOfRange, "value out of range: overflow")
			}
			put(out, f)
			return nil
		}, nil
	}
	return nil, cannotCast(from, to)
}

func castToNumeric(from, to types.T) (castRow, error) {
	put := func(out array.Builder, d decimal128.Num, scale int32) error {
		r, ok := types.RescaleDecimal(d, scale, to.Scale, to.DecimalPrecision())
		if !ok {
			return types.NumericOverflow(to)
		}
		out.(*array.Decimal128Builder).Append(r)
		return nil
	}
	switch {
	case from.IsInteger():
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			return put(out, decimal128.FromI64(intAt(in, i)), 0)
		}, nil
	case from.Kind == types.Numeric:
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			return put(out, in.(*array.Decimal128).Value(i), decScale(in))
		}, nil
	case from.Kind == types.Float32 || from.Kind == types.Float64:
		// float8→numeric keeps DBL_DIG (15) significant digits, float4 FLT_DIG (6).
		digits, bits := 15, 64
		if from.Kind == types.Float32 {
			digits, bits = 6, 32
		}
		return func(_ *Context, in arrow.Array, i int, out array.Builder) error {
			f := floatAt(in, i)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return sqlerr.New(sqlerr.FeatureNotSupported, "cannot convert %s to numeric", strconv.FormatFloat(f, 'g', -1, 64))
			}
			d, err := types.ParseNumeric(strconv.FormatFloat(f, 'e', digits-1, bits), to)
			if err != nil {
				return err
			}
			out.(*array.Decimal128Builder).Append(d)
			return nil
		}, nil
	}
	return nil, cannotCast(from, to)
}
