package exec

import (
	"context"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// SeriesPlan is generate_series(start, stop, step) over integers. Large
// series are split into batch-sized chunks dealt round-robin to partitions
// so they generate in parallel; small ones stay in one partition and in
// order.
type SeriesPlan struct {
	Start, Stop, Step planner.Expr
	T                 types.T
	schema            *arrow.Schema
	parts             int
}

// parallelSeriesMin is the series length from which generation is split.
const parallelSeriesMin = 1 << 16

// NewSeries builds the plan; workers bounds its partition count.
func NewSeries(start, stop, step planner.Expr, t types.T, schema *arrow.Schema, workers int) *SeriesPlan {
	p := &SeriesPlan{Start: start, Stop: stop, Step: step, T: t, schema: schema, parts: 1}
	if lo, ok1 := constInt(start); ok1 {
		if hi, ok2 := constInt(stop); ok2 && hi-lo >= parallelSeriesMin {
			p.parts = max(workers, 1)
		}
	}
	return p
}

func constInt(e planner.Expr) (int64, bool) {
	if l, ok := e.(*planner.Literal); ok {
		v, ok := l.Value.(int64)
		return v, ok
	}
	return 0, false
}

func (p *SeriesPlan) Schema() *arrow.Schema    { return p.schema }
func (p *SeriesPlan) Children() []PhysicalPlan { return nil }
func (p *SeriesPlan) Partitions() int          { return p.parts }
func (p *SeriesPlan) String() string {
	return "GenerateSeries(" + p.Start.String() + ", " + p.Stop.String() + ", " + p.Step.String() + ")"
}

func evalScalar(tc *TaskContext, e planner.Expr) (any, error) {
	ev, err := expr.Compile(e)
	if err != nil {
		return nil, err
	}
	one := array.NewRecord(emptySchema, nil, 1)
	defer one.Release()
	a, err := ev.Eval(tc.Eval, batch.Batch{Rec: one})
	if err != nil {
		return nil, err
	}
	defer a.Release()
	if a.IsNull(0) {
		return nil, nil
	}
	switch x := a.(type) {
	case *array.Int16:
		return int64(x.Value(0)), nil
	case *array.Int32:
		return int64(x.Value(0)), nil
	case *array.Int64:
		return x.Value(0), nil
	}
	return nil, sqlerr.New(sqlerr.DatatypeMismatch, "generate_series argument must be an integer")
}

func (p *SeriesPlan) Open(tc *TaskContext, part int) (Operator, error) {
	var vals [3]int64
	for i, e := range []planner.Expr{p.Start, p.Stop, p.Step} {
		v, err := evalScalar(tc, e)
		if err != nil {
			return nil, err
		}
		if v == nil { // any NULL argument: empty series
			return &seriesOp{done: true}, nil
		}
		vals[i] = v.(int64)
	}
	if vals[2] == 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")
	}
	return &seriesOp{p: p, tc: tc, cur: vals[0], stop: vals[1], step: vals[2], part: part,
		chunk: int64(tc.BatchSize)}, nil
}

type seriesOp struct {
	p               *SeriesPlan
	tc              *TaskContext
	cur, stop, step int64
	part            int
	chunkIdx        int
	chunk           int64
	done            bool
}

func (o *seriesOp) Next(ctx context.Context) (batch.Batch, error) {
	for !o.done {
		if err := ctx.Err(); err != nil {
			return batch.Batch{}, cancelErr(err)
		}
		// Values left in the series from cur.
		if (o.step > 0 && o.cur > o.stop) || (o.step < 0 && o.cur < o.stop) {
			o.done = true
			break
		}
		remaining := (o.stop-o.cur)/o.step + 1
		n := min(remaining, o.chunk)
		mine := o.chunkIdx%o.p.parts == o.part
		o.chunkIdx++
		start := o.cur
		// Advance past this chunk, guarding against overflow at the ends
		// of the integer range.
		if adv := n * o.step; (o.step > 0 && o.cur > math.MaxInt64-adv) || (o.step < 0 && o.cur < math.MinInt64-adv) {
			o.done = true
		} else {
			o.cur += adv
		}
		if !mine {
			continue
		}
		return batch.Batch{Rec: o.makeRecord(start, n)}, nil
	}
	return batch.Batch{}, nil
}

func (o *seriesOp) makeRecord(start, n int64) arrow.Record {
	mem := o.tc.Eval.Alloc
	var col arrow.Array
	switch o.p.T.Kind {
	case types.Int64:
		col = seriesArray[int64](mem, arrow.PrimitiveTypes.Int64, start, n, o.step)
	case types.Int16:
		col = seriesArray[int16](mem, arrow.PrimitiveTypes.Int16, start, n, o.step)
	default:
		col = seriesArray[int32](mem, arrow.PrimitiveTypes.Int32, start, n, o.step)
	}
	rec := array.NewRecord(o.p.schema, []arrow.Array{col}, n)
	col.Release()
	return rec
}

func seriesArray[T int16 | int32 | int64](mem memory.Allocator, dt arrow.DataType, start, n, step int64) arrow.Array {
	var zero T
	width := int(sizeOfInt(zero))
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(n) * width)
	vals := arrow.GetData[T](buf.Bytes())
	v := start
	for i := range vals {
		vals[i] = T(v)
		v += step
	}
	data := array.NewData(dt, int(n), []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	defer data.Release()
	return array.MakeFromData(data)
}

func sizeOfInt(v any) uintptr {
	switch v.(type) {
	case int16:
		return 2
	case int32:
		return 4
	}
	return 8
}

func (o *seriesOp) Close() error { return nil }
