package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// aggregate computes count/sum/avg/min/max over each row's frame. Frames
// anchored at the partition start use running (prefix) totals; others sum
// their rows directly, so floating-point results match a sequential sum.
func (w *windowResult) aggregate(fr *framer, ps, pe int) error {
	call := w.call
	if call.Frame.Exclude != "" {
		return sqlerr.New(sqlerr.FeatureNotSupported, "window frame EXCLUDE is not supported yet")
	}
	var arg arrow.Array
	if len(w.args) > 0 {
		arg = w.args[0]
	}
	var cmp func(i, j int) int
	for r := ps; r < pe; r++ {
		s, e := fr.bounds(r, ps, pe)
		switch call.Name {
		case "count_star":
			w.setInt(r, int64(max(e-s, 0)))
		case "count":
			c := 0
			for i := s; i < e; i++ {
				if arg.IsValid(i) {
					c++
				}
			}
			w.setInt(r, int64(c))
		case "min", "max":
			if cmp == nil {
				cmp = valueCmp(arg) // the sort's order: NaN above numbers, text bytewise
			}
			best := -1
			for i := s; i < e; i++ {
				if arg.IsNull(i) {
					continue
				}
				if best < 0 || (call.Name == "min" && cmp(i, best) < 0) || (call.Name == "max" && cmp(best, i) < 0) {
					best = i
				}
			}
			w.idx[r] = int32(best)
		case "sum", "avg":
			if err := w.sumAvg(arg, r, s, e); err != nil {
				return err
			}
		default:
			return sqlerr.New(sqlerr.FeatureNotSupported, "window aggregate %s is not supported yet", call.Name)
		}
	}
	return nil
}

func (w *windowResult) sumAvg(arg arrow.Array, r, s, e int) error {
	t := w.call.T
	count := 0
	switch a := arg.(type) {
	case *array.Float32, *array.Float64:
		sum := 0.0
		for i := s; i < e; i++ {
			if arg.IsValid(i) {
				if f, ok := a.(*array.Float32); ok {
					sum += float64(f.Value(i))
				} else {
					sum += a.(*array.Float64).Value(i)
				}
				count++
			}
		}
		if count == 0 {
			return nil
		}
		if w.call.Name == "avg" {
			sum /= float64(count)
		}
		w.floats[r], w.valid[r] = sum, true
		return nil
	}
	// Exact: integers and decimals summed as 128-bit at the input scale.
	var sum decimal128.Num
	inScale := int32(0)
	if d, ok := arg.DataType().(*arrow.Decimal128Type); ok {
		inScale = d.Scale
	}
	for i := s; i < e; i++ {
		if arg.IsNull(i) {
			continue
		}
		count++
		switch a := arg.(type) {
		case *array.Decimal128:
			sum = sum.Add(a.Value(i))
		default:
			v, _ := intArg(arg, i)
			sum = sum.Add(decimal128.FromI64(v))
		}
	}
	if count == 0 {
		return nil
	}
	if w.call.Name == "sum" && t.Kind != types.Numeric {
		w.setInt(r, int64(sum.LowBits()))
		return nil
	}
	if !sum.FitsInPrecision(38) {
		return sqlerr.New(sqlerr.NumericOutOfRange, "numeric field overflow")
	}
	if w.call.Name == "sum" {
		w.decs[r], w.valid[r] = sum.IncreaseScaleBy(t.Scale-inScale), true
		return nil
	}
	// avg = sum / count at the result scale, rounded half away from zero.
	num := sum.IncreaseScaleBy(t.Scale - inScale)
	den := decimal128.FromI64(int64(count))
	q, rem := num.Div(den)
	if rem.Abs().Add(rem.Abs()).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q = q.Sub(decimal128.FromI64(1))
		} else {
			q = q.Add(decimal128.FromI64(1))
		}
	}
	w.decs[r], w.valid[r] = q, true
	return nil
}
