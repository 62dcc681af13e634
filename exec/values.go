package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// ValuesPlan produces literal rows (VALUES lists, SELECT without FROM).
// Each row's expressions are evaluated once per execution, vectorized over
// a one-row batch, then the rows are concatenated column by column.
type ValuesPlan struct {
	Rows   [][]planner.Expr
	schema *arrow.Schema
	evals  [][]expr.Evaluator
}

// NewValues compiles the row expressions.
func NewValues(rows [][]planner.Expr, schema *arrow.Schema) (*ValuesPlan, error) {
	p := &ValuesPlan{Rows: rows, schema: schema}
	for _, r := range rows {
		evs := make([]expr.Evaluator, len(r))
		for i, e := range r {
			ev, err := expr.Compile(e)
			if err != nil {
				return nil, err
			}
			evs[i] = ev
		}
		p.evals = append(p.evals, evs)
	}
	return p, nil
}

func (p *ValuesPlan) Schema() *arrow.Schema    { return p.schema }
func (p *ValuesPlan) Children() []PhysicalPlan { return nil }
func (p *ValuesPlan) Partitions() int          { return 1 }
func (p *ValuesPlan) String() string           { return fmt.Sprintf("Values %d rows", len(p.Rows)) }

var emptySchema = arrow.NewSchema(nil, nil)

func (p *ValuesPlan) Open(tc *TaskContext, part int) (Operator, error) {
	return &valuesOp{p: p, tc: tc}, nil
}

type valuesOp struct {
	p    *ValuesPlan
	tc   *TaskContext
	next int
}

func (o *valuesOp) Next(ctx context.Context) (batch.Batch, error) {
	if o.next >= len(o.p.Rows) {
		return batch.Batch{}, nil
	}
	lo := o.next
	hi := min(lo+o.tc.BatchSize, len(o.p.Rows))
	o.next = hi
	ncols := o.p.schema.NumFields()
	one := array.NewRecord(emptySchema, nil, 1)
	defer one.Release()
	in := batch.Batch{Rec: one}
	parts := make([][]arrow.Array, ncols)
	defer func() {
		for _, ps := range parts {
			for _, a := range ps {
				a.Release()
			}
		}
	}()
	for r := lo; r < hi; r++ {
		for c, ev := range o.p.evals[r] {
			a, err := ev.Eval(o.tc.Eval, in)
			if err != nil {
				return batch.Batch{}, err
			}
			parts[c] = append(parts[c], a)
		}
	}
	cols := make([]arrow.Array, ncols)
	for c := range cols {
		a, err := array.Concatenate(parts[c], o.tc.Eval.Alloc)
		if err != nil {
			return batch.Batch{}, err
		}
		cols[c] = a
	}
	rec := array.NewRecord(o.p.schema, cols, int64(hi-lo))
	for _, c := range cols {
		c.Release()
	}
	return batch.Batch{Rec: rec}, nil
}

func (o *valuesOp) Close() error { return nil }
