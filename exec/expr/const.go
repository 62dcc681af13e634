package expr

import (
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// constEval broadcasts a constant (planner.Literal value convention).
type constEval struct {
	v any
	t types.T
	// wide is the constant broadcast to the most rows asked for so far;
	// narrower requests get a zero-copy slice of it instead of a fresh
	// array per batch (arrays are immutable, so sharing is safe).
	wide atomic.Pointer[wideConst]
}

type wideConst struct{ arr arrow.Array }

func newConstEval(v any, t types.T) (Evaluator, error) {
	if err := checkConst(v, t); err != nil {
		return nil, err
	}
	return &constEval{v: v, t: t}, nil
}

func (c *constEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	n := b.NumRows()
	if c.t.Kind == types.Array || n < 64 {
		return broadcast(ctx.Alloc, c.t, c.v, n), nil
	}
	w := c.wide.Load()
	if w == nil || w.arr.Len() < n {
		// The shared copy outlives any query: it lives on the Go heap,
		// outside the query's allocator.
		w = &wideConst{arr: broadcast(memory.DefaultAllocator, c.t, c.v, n)}
		c.wide.Store(w)
	}
	return array.NewSlice(w.arr, 0, int64(n)), nil
}

// checkConst verifies v has the Go type the value convention promises, so
// broadcast can never fail at run time.
func checkConst(v any, t types.T) error {
	if v == nil {
		return nil
	}
	ok := false
	switch t.Kind {
	case types.Bool:
		_, ok = v.(bool)
	case types.Int16, types.Int32, types.Int64:
		_, ok = v.(int64)
	case types.Float32, types.Float64:
		_, ok = v.(float64)
	case types.Numeric:
		_, ok = v.(decimal128.Num)
	case types.Text, types.Varchar, types.Unknown, types.Bytea, types.UUID:
		_, ok = v.(string)
	case types.Date:
		_, ok = v.(int32)
	case types.Timestamp, types.TimestampTZ:
		_, ok = v.(int64)
	case types.Interval:
		_, ok = v.(types.IntervalValue)
	case types.Array:
		ok = checkArrayConst(v, t)
	}
	if !ok {
		return sqlerr.New(sqlerr.Internal, "constant %v (%T) does not match type %s", v, v, t)
	}
	return nil
}

func fill[T fixed](mem memory.Allocator, n int, v T) (*memory.Buffer, []T) {
	buf, out := newVals[T](mem, n)
	for i := range out {
		out[i] = v
	}
	return buf, out
}

// broadcast builds an n-row array repeating v (NULL when v is nil).
func broadcast(mem memory.Allocator, t types.T, v any, n int) arrow.Array {
	if t.Kind == types.Array {
		return broadcastList(mem, t, v, n)
	}
	dt := t.ArrowType()
	var valid *memory.Buffer
	if v == nil {
		valid, _ = newBits(mem, n)
	}
	switch t.Kind {
	case types.Bool:
		buf, bits := newBits(mem, n)
		if v != nil && v.(bool) {
			bitutil.SetBitsTo(bits, 0, int64(n), true)
		}
		return makeArray(dt, n, valid, buf)
	case types.Int16:
		x, _ := v.(int64)
		buf, _ := fill(mem, n, int16(x))
		return makeArray(dt, n, valid, buf)
	case types.Int32:
		x, _ := v.(int64)
		buf, _ := fill(mem, n, int32(x))
		return makeArray(dt, n, valid, buf)
	case types.Int64, types.Timestamp, types.TimestampTZ:
		x, _ := v.(int64)
		buf, _ := fill(mem, n, x)
		return makeArray(dt, n, valid, buf)
	case types.Date:
		x, _ := v.(int32)
		buf, _ := fill(mem, n, x)
		return makeArray(dt, n, valid, buf)
	case types.Float32:
		x, _ := v.(float64)
		buf, _ := fill(mem, n, float32(x))
		return makeArray(dt, n, valid, buf)
	case types.Float64:
		x, _ := v.(float64)
		buf, _ := fill(mem, n, x)
		return makeArray(dt, n, valid, buf)
	case types.Numeric:
		x, _ := v.(decimal128.Num)
		buf, _ := fill(mem, n, x)
		return makeArray(dt, n, valid, buf)
	case types.Interval:
		x, _ := v.(types.IntervalValue)
		buf, _ := fill(mem, n, x.ToArrow())
		return makeArray(dt, n, valid, buf)
	}
	s, _ := v.(string)
	offs, o := newVals[int32](mem, n+1)
	data := memory.NewResizableBuffer(mem)
	data.Resize(len(s) * n)
	d := data.Bytes()
	for i := 0; i < n; i++ {
		o[i] = int32(i * len(s))
		copy(d[i*len(s):], s)
	}
	o[n] = int32(n * len(s))
	return makeArray(dt, n, valid, offs, data)
}

// paramEval reads $n from ctx.Params. A string supplied for a non-text
// parameter is parsed as PostgreSQL text input (the wire's text format).
type paramEval struct {
	idx int
	t   types.T
}

func (p *paramEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	if p.idx < 1 || p.idx > len(ctx.Params) {
		return nil, sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $%d", p.idx)
	}
	v := ctx.Params[p.idx-1]
	if s, ok := v.(string); ok && !p.t.CarriesString() {
		var err error
		if v, err = types.ParseTextIn(s, p.t, ctx.loc()); err != nil {
			return nil, err
		}
	}
	if err := checkConst(v, p.t); err != nil {
		return nil, err
	}
	return broadcast(ctx.Alloc, p.t, v, b.NumRows()), nil
}
