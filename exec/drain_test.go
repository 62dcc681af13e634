package exec

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
)

// ---- test helpers shared by the operator tests of this package ----

// opsSource is an in-test source: partition p yields batches[p].
type opsSource struct {
	schema  *arrow.Schema
	batches [][]batch.Batch
	failAt  int // if > 0, Next fails on this call (1-based) of partition 0
	opened  atomic.Int32
	closed  atomic.Int32
}

func (s *opsSource) Schema() *arrow.Schema    { return s.schema }
func (s *opsSource) Children() []PhysicalPlan { return nil }
func (s *opsSource) Partitions() int          { return len(s.batches) }
func (s *opsSource) String() string           { return "opsSource" }
func (s *opsSource) Open(tc *TaskContext, p int) (Operator, error) {
	s.opened.Add(1)
	return &opsSourceOp{s: s, p: p}, nil
}

type opsSourceOp struct {
	s     *opsSource
	p, i  int
	calls int
}

func (o *opsSourceOp) Next(ctx context.Context) (batch.Batch, error) {
	o.calls++
	if o.s.failAt > 0 && o.p == 0 && o.calls == o.s.failAt {
		return batch.Batch{}, sqlerr.New(sqlerr.DivisionByZero, "division by zero")
	}
	if o.i >= len(o.s.batches[o.p]) {
		return batch.Batch{}, nil
	}
	b := o.s.batches[o.p][o.i]
	o.i++
	return b, nil
}

func (o *opsSourceOp) Close() error { o.s.closed.Add(1); return nil }

// opsCol builds an array of dt from Go values (nil = NULL): ints as int
// (or int64), floats as float64, numerics as strings, text as string.
func opsCol(mem memory.Allocator, dt arrow.DataType, vals []any) arrow.Array {
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Int16Builder:
			bb.Append(int16(toI64(v)))
		case *array.Int32Builder:
			bb.Append(int32(toI64(v)))
		case *array.Int64Builder:
			bb.Append(toI64(v))
		case *array.Float32Builder:
			bb.Append(float32(v.(float64)))
		case *array.Float64Builder:
			bb.Append(v.(float64))
		case *array.BooleanBuilder:
			bb.Append(v.(bool))
		case *array.StringBuilder:
			bb.Append(v.(string))
		case *array.Date32Builder:
			bb.Append(arrow.Date32(toI64(v)))
		case *array.TimestampBuilder:
			bb.Append(arrow.Timestamp(toI64(v)))
		case *array.Decimal128Builder:
			dt := dt.(*arrow.Decimal128Type)
			n, err := decimal128.FromString(v.(string), dt.Precision, dt.Scale)
			if err != nil {
				panic(err)
			}
			bb.Append(n)
		default:
			panic(fmt.Sprintf("opsCol: %T", b))
		}
	}
	return b.NewArray()
}

func toI64(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	panic(fmt.Sprintf("toI64 %T", v))
}

// opsSchema builds a schema from SQL types.
func opsSchema(ts ...types.T) *arrow.Schema {
	fs := make([]arrow.Field, len(ts))
	for i, t := range ts {
		fs[i] = types.Field(fmt.Sprintf("c%d", i), t, true)
	}
	return arrow.NewSchema(fs, nil)
}

// opsInput is input data in rows, split into a source.
type opsInput struct {
	schema *arrow.Schema
	rows   [][]any
}

// source splits the rows round-robin by chunks of bs rows across parts
// partitions; with sel, every batch also carries dead rows (copies of live
// ones) that its selection vector excludes. Records are released by the
// returned cleanup.
func (in opsInput) source(mem memory.Allocator, parts, bs int, sel bool) (*opsSource, func()) {
	src := &opsSource{schema: in.schema, batches: make([][]batch.Batch, parts)}
	var recs []arrow.Record
	chunk := 0
	for start := 0; start < len(in.rows); start += bs {
		end := min(len(in.rows), start+bs)
		rows := in.rows[start:end]
		var s []int32
		if sel {
			var phys [][]any
			for i, r := range rows {
				phys = append(phys, r) // dead copy
				s = append(s, int32(len(phys)))
				phys = append(phys, r)
				if i%2 == 0 {
					phys = append(phys, r)
				}
			}
			rows = phys
		}
		cols := make([]arrow.Array, in.schema.NumFields())
		for c := range cols {
			vals := make([]any, len(rows))
			for i, r := range rows {
				vals[i] = r[c]
			}
			cols[c] = opsCol(mem, in.schema.Field(c).Type, vals)
		}
		rec := array.NewRecord(in.schema, cols, int64(len(rows)))
		for _, c := range cols {
			c.Release()
		}
		recs = append(recs, rec)
		p := chunk % parts
		src.batches[p] = append(src.batches[p], batch.Batch{Rec: rec, Sel: s})
		chunk++
	}
	return src, func() {
		for _, r := range recs {
			r.Release()
		}
	}
}

// opsValue renders one value for comparisons.
func opsValue(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return "NULL"
	}
	switch a := arr.(type) {
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Float32:
		return fmt.Sprint(a.Value(i))
	case *array.Float64:
		return fmt.Sprint(a.Value(i))
	case *array.String:
		return a.Value(i)
	}
	return arr.ValueStr(i)
}

// opsRun executes plan (all partitions) and returns its rows rendered as
// "a|b|c" strings, in output order per partition, partitions concatenated.
func opsRun(t testing.TB, tc *TaskContext, plan PhysicalPlan) ([]string, error) {
	t.Helper()
	out := make([][]string, plan.Partitions())
	err := DrainPartitions(tc, plan, func(p int, b batch.Batch) error {
		if !arrow.TypeEqual(b.Rec.Schema().Field(0).Type, plan.Schema().Field(0).Type) {
			return fmt.Errorf("output type %s, schema says %s", b.Rec.Schema().Field(0).Type, plan.Schema().Field(0).Type)
		}
		for i := 0; i < b.Len(); i++ {
			r := b.Row(i)
			vals := make([]string, b.Rec.NumCols())
			for c := range vals {
				vals[c] = opsValue(b.Column(c), r)
			}
			out[p] = append(out[p], strings.Join(vals, "|"))
		}
		return nil
	})
	var all []string
	for _, o := range out {
		all = append(all, o...)
	}
	return all, err
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// opsConfigs are the batch sizes × partitions × selection settings every
// operator test runs under.
type opsConfig struct {
	bs, parts int
	sel       bool
}

func (c opsConfig) String() string { return fmt.Sprintf("bs=%d/parts=%d/sel=%v", c.bs, c.parts, c.sel) }

var opsConfigs = []opsConfig{
	{3, 1, false}, {3, 3, true}, {4, 2, false}, {7, 2, true}, {1024, 1, false}, {1024, 3, true},
}

func opsTC(mem memory.Allocator, bs int) *TaskContext {
	ev := expr.NewContext()
	ev.Alloc = mem
	return NewTaskContext(context.Background(), ev, 2, bs)
}

// ---- DrainPartitions ----

func TestDrainPartitions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := opsInput{schema: opsSchema(types.TInt64)}
	for i := 0; i < 100; i++ {
		in.rows = append(in.rows, []any{i})
	}
	for _, c := range opsConfigs {
		t.Run(c.String(), func(t *testing.T) {
			src, done := in.source(mem, c.parts, c.bs, c.sel)
			defer done()
			var sum atomic.Int64
			tc := opsTC(mem, c.bs)
			err := DrainPartitions(tc, src, func(p int, b batch.Batch) error {
				v := b.Column(0).(*array.Int64)
				for i := 0; i < b.Len(); i++ {
					sum.Add(v.Value(b.Row(i)))
				}
				return nil
			})
			if err != nil || sum.Load() != 4950 {
				t.Fatalf("sum %d err %v", sum.Load(), err)
			}
			if src.opened.Load() != src.closed.Load() {
				t.Fatalf("opened %d closed %d", src.opened.Load(), src.closed.Load())
			}
		})
	}
	t.Run("error", func(t *testing.T) {
		src, done := in.source(mem, 3, 3, false)
		defer done()
		src.failAt = 2
		err := DrainPartitions(opsTC(mem, 3), src, func(int, batch.Batch) error { return nil })
		if sqlerr.Code(err) != sqlerr.DivisionByZero {
			t.Fatalf("got %v", err)
		}
		if src.opened.Load() != src.closed.Load() {
			t.Fatalf("opened %d closed %d", src.opened.Load(), src.closed.Load())
		}
	})
	t.Run("fn error", func(t *testing.T) {
		src, done := in.source(mem, 2, 3, false)
		defer done()
		boom := errors.New("boom")
		err := DrainPartitions(opsTC(mem, 3), src, func(int, batch.Batch) error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		src, done := in.source(mem, 2, 3, false)
		defer done()
		ctx, cancel := context.WithCancel(context.Background())
		tc := opsTC(mem, 3)
		tc.Ctx = ctx
		err := DrainPartitions(tc, src, func(int, batch.Batch) error { cancel(); return nil })
		if sqlerr.Code(err) != sqlerr.QueryCanceled {
			t.Fatalf("got %v", err)
		}
	})
}
