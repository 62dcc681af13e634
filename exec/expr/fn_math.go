package expr

import (
	"math"
	"math/big"
	"math/rand/v2"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// The math function family (binder side: planner/funcs_math.go). Float
// functions follow PostgreSQL's float8 routines, including their errors:
// 2201F for sqrt/power domain errors, 2201E for logarithms, 22003 for
// overflow and out-of-range trigonometric input.

func init() {
	register(compileMathF64, "sqrt", "cbrt", "exp", "ln", "log10", "degrees", "radians",
		"sin", "cos", "tan", "asin", "acos", "atan", "cot", "sinh", "cosh", "tanh",
		"power", "pow", "atan2")
	register(compileRounding, "floor", "ceil", "ceiling", "trunc", "sign")
	register(compilePi, "pi", "random")
	register(compileWidthBucket, "width_bucket")
	register(compileIntMath, "gcd", "lcm", "factorial")
	register(compileNumericMath, "div", "log")
}

func errOverflow() error { return sqlerr.New(sqlerr.NumericOutOfRange, "value out of range: overflow") }
func errUnderflow() error {
	return sqlerr.New(sqlerr.NumericOutOfRange, "value out of range: underflow")
}
func errRange() error { return sqlerr.New(sqlerr.NumericOutOfRange, "input is out of range") }

// checkF is float8's overflow check: infinite results from finite input
// overflow, zero from non-zero underflows (where the function says so).
func checkF(r, x float64) (float64, error) {
	if math.IsInf(r, 0) && !math.IsInf(x, 0) {
		return 0, errOverflow()
	}
	return r, nil
}

var f64Unary = map[string]func(x float64) (float64, error){
	"sqrt": func(x float64) (float64, error) {
		if x < 0 {
			return 0, sqlerr.New("2201F", "cannot take square root of a negative number")
		}
		return math.Sqrt(x), nil
	},
	"cbrt": func(x float64) (float64, error) { return math.Cbrt(x), nil },
	"exp": func(x float64) (float64, error) {
		r := math.Exp(x)
		if r == 0 && !math.IsInf(x, -1) {
			return 0, errUnderflow()
		}
		return checkF(r, x)
	},
	"ln": func(x float64) (float64, error) {
		if err := logDomain(x); err != nil {
			return 0, err
		}
		return math.Log(x), nil
	},
	"log10": func(x float64) (float64, error) {
		if err := logDomain(x); err != nil {
			return 0, err
		}
		return math.Log10(x), nil
	},
	"degrees": func(x float64) (float64, error) { return checkF(x*(180/math.Pi), x) },
	"radians": func(x float64) (float64, error) { return x * (math.Pi / 180), nil },
	"sin":     trig(math.Sin),
	"cos":     trig(math.Cos),
	"tan":     trig(math.Tan),
	"cot": func(x float64) (float64, error) {
		if math.IsInf(x, 0) {
			return 0, errRange()
		}
		return 1 / math.Tan(x), nil
	},
	"asin": inverseTrig(math.Asin),
	"acos": inverseTrig(math.Acos),
	"atan": func(x float64) (float64, error) { return math.Atan(x), nil },
	"sinh": func(x float64) (float64, error) { return math.Sinh(x), nil },
	"cosh": func(x float64) (float64, error) { return math.Cosh(x), nil },
	"tanh": func(x float64) (float64, error) { return math.Tanh(x), nil },
}

func logDomain(x float64) error {
	switch {
	case x == 0:
		return sqlerr.New("2201E", "cannot take logarithm of zero")
	case x < 0:
		return sqlerr.New("2201E", "cannot take logarithm of a negative number")
	}
	return nil
}

func trig(f func(float64) float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) {
		if math.IsInf(x, 0) {
			return 0, errRange()
		}
		return f(x), nil
	}
}

func inverseTrig(f func(float64) float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) {
		if x < -1 || x > 1 {
			return 0, errRange()
		}
		return f(x), nil
	}
}

// power follows float8 pow: 0^negative and negative^fraction are errors.
func power(x, y float64) (float64, error) {
	if x == 0 && y < 0 {
		return 0, sqlerr.New("2201F", "zero raised to a negative power is undefined")
	}
	if x < 0 && y != math.Trunc(y) && !math.IsInf(y, 0) {
		return 0, sqlerr.New("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	if math.IsNaN(x) && y == 0 || x == 1 && math.IsNaN(y) {
		return 1, nil
	}
	r := math.Pow(x, y)
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return 0, errOverflow()
	}
	if r == 0 && x != 0 && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return 0, errUnderflow()
	}
	return r, nil
}

func compileMathF64(f *planner.Func, args []Evaluator) (Evaluator, error) {
	switch f.Name {
	case "power", "pow":
		return &strictEval{args, binaryF64(power)}, nil
	case "atan2":
		return &strictEval{args, binaryF64(func(y, x float64) (float64, error) { return math.Atan2(y, x), nil })}, nil
	}
	g, ok := f64Unary[f.Name]
	if !ok || len(args) != 1 {
		return nil, wrongArgs(f)
	}
	return &strictEval{args, unaryF64(g)}, nil
}

func compileRounding(f *planner.Func, args []Evaluator) (Evaluator, error) {
	name := f.Name
	if f.T.Kind == types.Float64 {
		var g func(float64) float64
		switch name {
		case "floor":
			g = math.Floor
		case "ceil", "ceiling":
			g = math.Ceil
		case "trunc":
			g = math.Trunc
		case "sign":
			g = func(x float64) float64 {
				switch {
				case x > 0:
					return 1
				case x < 0:
					return -1
				}
				return 0
			}
		}
		return &strictEval{args, unaryF64(func(x float64) (float64, error) { return g(x), nil })}, nil
	}
	t := f.T
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		s := decScale(a[0])
		x := vals[decimal128.Num](a[0])
		return mapFixed(t.ArrowType(), func(a []arrow.Array, i int) (decimal128.Num, bool, error) {
			places := int64(0)
			if len(a) == 2 {
				places = intAt(a[1], i)
			}
			r, ok := decRound(name, x[i], s, places, t.Scale)
			if !ok {
				return r, false, types.NumericOverflow(t)
			}
			return r, true, nil
		})(ctx, b, a)
	}}, nil
}

// decRound applies floor/ceil/trunc/sign to v (scale s) keeping `places`
// fractional digits, and expresses the result at scale ts.
func decRound(name string, v decimal128.Num, s int32, places int64, ts int32) (decimal128.Num, bool) {
	x := v.BigInt()
	if name == "sign" {
		return decimal128.FromI64(int64(x.Sign())), true
	}
	p := int32(max(min(places, int64(s)), int64(s)-76))
	if d := s - p; d > 0 {
		div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)
		q, r := new(big.Int).QuoRem(x, div, new(big.Int))
		switch {
		case name == "floor" && r.Sign() < 0:
			q.Sub(q, big.NewInt(1))
		case (name == "ceil" || name == "ceiling") && r.Sign() > 0:
			q.Add(q, big.NewInt(1))
		}
		x = q
	}
	// x is now at scale p.
	if ts >= p {
		x.Mul(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(ts-p)), nil))
	} else {
		x.Quo(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(p-ts)), nil))
	}
	if x.CmpAbs(maxDec) > 0 {
		return decimal128.Num{}, false
	}
	return decimal128.FromBigInt(x), true
}

var maxDec = new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(38), nil), big.NewInt(1))

// pi() and random(): random is volatile, one value per row.
func compilePi(f *planner.Func, args []Evaluator) (Evaluator, error) {
	rnd := f.Name == "random"
	return &strictEval{nil, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newVals[float64](ctx.Alloc, n)
		for i := range out {
			if rnd {
				out[i] = rand.Float64()
			} else {
				out[i] = math.Pi
			}
		}
		return makeArray(arrow.PrimitiveTypes.Float64, n, nil, buf), nil
	}}, nil
}

// width_bucket(x, low, high, count) as PostgreSQL's float8 version.
func compileWidthBucket(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &strictEval{args, mapFixed(arrow.PrimitiveTypes.Int32, func(a []arrow.Array, i int) (int32, bool, error) {
		x, lo, hi, cnt := floatAt(a[0], i), floatAt(a[1], i), floatAt(a[2], i), intAt(a[3], i)
		if cnt <= 0 {
			return 0, false, sqlerr.New("2201G", "count must be greater than zero")
		}
		if math.IsNaN(x) || math.IsNaN(lo) || math.IsNaN(hi) {
			return 0, false, sqlerr.New("2201G", "operand, lower bound, and upper bound cannot be NaN")
		}
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return 0, false, sqlerr.New("2201G", "lower and upper bounds must be finite")
		}
		var r int64
		switch {
		case lo < hi:
			switch {
			case x < lo:
				r = 0
			case x >= hi:
				r = cnt + 1
			default:
				r = int64(float64(cnt)*((x-lo)/(hi-lo))) + 1
				r = min(r, cnt)
			}
		case lo > hi:
			switch {
			case x > lo:
				r = 0
			case x <= hi:
				r = cnt + 1
			default:
				r = int64(float64(cnt)*((lo-x)/(lo-hi))) + 1
				r = min(r, cnt)
			}
		default:
			return 0, false, sqlerr.New("2201G", "lower bound cannot equal upper bound")
		}
		if r > math.MaxInt32 {
			return 0, false, sqlerr.New(sqlerr.NumericOutOfRange, "integer out of range")
		}
		return int32(r), true, nil
	})}, nil
}

func compileIntMath(f *planner.Func, args []Evaluator) (Evaluator, error) {
	name, t := f.Name, f.T
	if name == "factorial" {
		return &strictEval{args, mapFixed(t.ArrowType(), func(a []arrow.Array, i int) (decimal128.Num, bool, error) {
			n := intAt(a[0], i)
			if n < 0 {
				return decimal128.Num{}, false, sqlerr.New("2201E", "factorial of a negative number is undefined")
			}
			r := big.NewInt(1)
			for k := int64(2); k <= n; k++ {
				r.Mul(r, big.NewInt(k))
				if r.CmpAbs(maxDec) > 0 {
					return decimal128.Num{}, false, types.NumericOverflow(t)
				}
			}
			return decimal128.FromBigInt(r), true, nil
		})}, nil
	}
	gcd := func(x, y int64) (int64, error) {
		for y != 0 {
			x, y = y, x%y
		}
		if x < 0 {
			if x == math.MinInt64 || t.Kind == types.Int32 && x == math.MinInt32 {
				return 0, intOutOfRange(t)
			}
			x = -x
		}
		return x, nil
	}
	op := func(x, y int64) (int64, error) {
		if name == "gcd" {
			return gcd(x, y)
		}
		if x == 0 || y == 0 {
			return 0, nil
		}
		g, err := gcd(x, y)
		if err != nil {
			return 0, err
		}
		hi, lo := bitsMul(x/g, y)
		r := lo
		if hi != 0 && hi != -1 || (hi == 0) != (r >= 0) {
			return 0, intOutOfRange(t)
		}
		if r < 0 {
			if r == math.MinInt64 {
				return 0, intOutOfRange(t)
			}
			r = -r
		}
		if t.Kind == types.Int32 && r > math.MaxInt32 {
			return 0, intOutOfRange(t)
		}
		return r, nil
	}
	if t.Kind == types.Int32 {
		return &strictEval{args, mapFixed(t.ArrowType(), func(a []arrow.Array, i int) (int32, bool, error) {
			r, err := op(intAt(a[0], i), intAt(a[1], i))
			return int32(r), err == nil, err
		})}, nil
	}
	return &strictEval{args, mapFixed(t.ArrowType(), func(a []arrow.Array, i int) (int64, bool, error) {
		r, err := op(intAt(a[0], i), intAt(a[1], i))
		return r, err == nil, err
	})}, nil
}

// bitsMul is the signed 128-bit product of x and y as (hi, lo).
func bitsMul(x, y int64) (int64, int64) {
	p := new(big.Int).Mul(big.NewInt(x), big.NewInt(y))
	if p.IsInt64() {
		v := p.Int64()
		if v < 0 {
			return -1, v
		}
		return 0, v
	}
	return 1, 0
}

// div(numeric, numeric) is the integer quotient truncated toward zero;
// log(b, x) the logarithm of x to base b (computed in float8, shown at
// numeric's default scale).
func compileNumericMath(f *planner.Func, args []Evaluator) (Evaluator, error) {
	name, t := f.Name, f.T
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		sx, sy := decScale(a[0]), decScale(a[1])
		x, y := vals[decimal128.Num](a[0]), vals[decimal128.Num](a[1])
		return mapFixed(t.ArrowType(), func(a []arrow.Array, i int) (decimal128.Num, bool, error) {
			if name == "log" {
				base, v := x[i].ToFloat64(sx), y[i].ToFloat64(sy)
				if err := logDomain(base); err != nil {
					return decimal128.Num{}, false, err
				}
				if err := logDomain(v); err != nil {
					return decimal128.Num{}, false, err
				}
				if base == 1 {
					return decimal128.Num{}, false, sqlerr.New(sqlerr.DivisionByZero, "division by zero")
				}
				q := math.Log(v) / math.Log(base)
				if math.Abs(q-math.Round(q)) < 1e-12 {
					q = math.Round(q)
				}
				r, err := decimal128.FromFloat64(q, 38, t.Scale)
				if err != nil {
					return decimal128.Num{}, false, types.NumericOverflow(t)
				}
				return r, true, nil
			}
			if y[i] == (decimal128.Num{}) {
				return decimal128.Num{}, false, sqlerr.New(sqlerr.DivisionByZero, "division by zero")
			}
			// Bring both to one scale, then truncate the quotient.
			xb, yb := x[i].BigInt(), y[i].BigInt()
			if sx < sy {
				xb.Mul(xb, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(sy-sx)), nil))
			} else if sy < sx {
				yb.Mul(yb, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(sx-sy)), nil))
			}
			q := xb.Quo(xb, yb)
			if q.CmpAbs(maxDec) > 0 {
				return decimal128.Num{}, false, types.NumericOverflow(t)
			}
			return decimal128.FromBigInt(q), true, nil
		})(ctx, b, a)
	}}, nil
}
