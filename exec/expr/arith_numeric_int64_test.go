package expr

import (
	"math"
	"math/big"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// The int64 path must give exactly what exact arithmetic gives, whichever
// path a batch takes: small values (fast path), values near 2^62 and 2^63
// (where the bound sends the batch down the 128-bit path) and values
// beyond 64 bits.
func TestNumericInt64PathMatchesExact(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	gens := map[string]func() int64{
		"small":   func() int64 { return r.Int63n(2_000_000) - 1_000_000 },
		"near62":  func() int64 { return (1 << 62) - r.Int63n(3) - 1 },
		"near63":  func() int64 { return math.MaxInt64 - r.Int63n(3) },
		"minint":  func() int64 { return math.MinInt64 },
		"mul32ok": func() int64 { return r.Int63n(1<<31) - 1<<30 },
	}
	t38 := func(s int32) types.T { return types.NumericT(types.NumericMaxPrecision, s) }
	for name, gen := range gens {
		for _, op := range []string{"+", "-", "*"} {
			res := t38(2)
			if op == "*" {
				res = t38(4)
			}
			const n = 300
			xs, ys := make([]int64, n), make([]int64, n)
			for i := range xs {
				xs[i], ys[i] = gen(), r.Int63n(10_000)-5_000
			}
			got, err := evalDecBinary(op, res, xs, ys)
			if err != nil {
				// Only a true overflow of 38 digits may fail, and these
				// inputs are far from it.
				t.Fatalf("%s %s: %v", name, op, err)
			}
			for i := range xs {
				want := new(big.Int)
				x, y := big.NewInt(xs[i]), big.NewInt(ys[i])
				switch op {
				case "+":
					want.Add(x, y)
				case "-":
					want.Sub(x, y)
				case "*":
					want.Mul(x, y)
				}
				if g := got[i].BigInt(); g.Cmp(want) != 0 {
					t.Fatalf("%s: %d %s %d = %s, want %s", name, xs[i], op, ys[i], g, want)
				}
			}
		}
	}
}

// evalDecBinary evaluates x op y over numeric(38,2) columns holding the
// given scaled values.
func evalDecBinary(op string, res types.T, xs, ys []int64) ([]decimal128.Num, error) {
	mem := memory.DefaultAllocator
	col := types.NumericT(types.NumericMaxPrecision, 2)
	dt := col.ArrowType().(*arrow.Decimal128Type)
	bx, by := array.NewDecimal128Builder(mem, dt), array.NewDecimal128Builder(mem, dt)
	for i := range xs {
		bx.Append(decimal128.FromI64(xs[i]))
		by.Append(decimal128.FromI64(ys[i]))
	}
	ax, ay := bx.NewArray(), by.NewArray()
	schema := arrow.NewSchema([]arrow.Field{types.Field("x", col, true), types.Field("y", col, true)}, nil)
	rec := array.NewRecord(schema, []arrow.Array{ax, ay}, int64(len(xs)))
	ax.Release()
	ay.Release()
	defer rec.Release()
	ev, err := Compile(fn(op, res, ref(0, col), ref(1, col)))
	if err != nil {
		return nil, err
	}
	out, err := ev.Eval(NewContext(), batch.Batch{Rec: rec})
	if err != nil {
		return nil, err
	}
	defer out.Release()
	return append([]decimal128.Num(nil), out.(*array.Decimal128).Values()...), nil
}

// The fast path must take batches whose results fit in 64 bits and refuse
// those where some row overflows or an operand is wider than 64 bits.
func TestDecArithInt64TakesExactlyTheSafeBatches(t *testing.T) {
	d := func(vs ...int64) []decimal128.Num {
		out := make([]decimal128.Num, len(vs))
		for i, v := range vs {
			out[i] = decimal128.FromI64(v)
		}
		return out
	}
	cases := []struct {
		op   byte
		x, y []decimal128.Num
		want bool
	}{
		{'+', d(1, -5, 1<<40), d(1, 7, -(1 << 40)), true},
		{'-', d(1, -5, 1<<40), d(1, 7, -(1 << 40)), true},
		{'*', d(3, -5, 1<<31), d(4, 7, -(1 << 31)), true},
		{'+', d(1, math.MaxInt64), d(1, 1), false},
		{'-', d(1, math.MinInt64), d(1, 1), false},
		{'*', d(1, 1<<32), d(1, 1<<31), false},
		{'*', d(1, math.MinInt64), d(1, 1), false},
		{'+', []decimal128.Num{decimal128.New(1, 0)}, d(1), false},
	}
	for _, c := range cases {
		out := make([]decimal128.Num, len(c.x))
		if got := decArithInt64(c.op, c.x, c.y, out); got != c.want {
			t.Errorf("%c %v %v: fast path %v, want %v", c.op, c.x, c.y, got, c.want)
		}
	}
}
