package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// FilterPlan keeps the rows where a predicate is true by narrowing the
// batch's selection vector; no row is copied.
type FilterPlan struct {
	Child PhysicalPlan
	Cond  planner.Expr
	eval  expr.Evaluator
}

// NewFilter compiles the predicate once for every partition.
func NewFilter(child PhysicalPlan, cond planner.Expr) (*FilterPlan, error) {
	ev, err := expr.Compile(cond)
	if err != nil {
		return nil, err
	}
	return &FilterPlan{Child: child, Cond: cond, eval: ev}, nil
}

func (p *FilterPlan) Schema() *arrow.Schema    { return p.Child.Schema() }
func (p *FilterPlan) Children() []PhysicalPlan { return []PhysicalPlan{p.Child} }
func (p *FilterPlan) Partitions() int          { return p.Child.Partitions() }
func (p *FilterPlan) String() string           { return "Filter " + p.Cond.String() }

func (p *FilterPlan) Open(tc *TaskContext, part int) (Operator, error) {
	in, err := p.Child.Open(tc, part)
	if err != nil {
		return nil, err
	}
	return &filterOp{in: in, eval: p.eval, tc: tc}, nil
}

type filterOp struct {
	in   Operator
	eval expr.Evaluator
	tc   *TaskContext
	sel  []int32
}

func (o *filterOp) Next(ctx context.Context) (batch.Batch, error) {
	for {
		b, err := o.in.Next(ctx)
		if err != nil || b.End() {
			return b, err
		}
		sel, err := Select(o.tc.Eval, o.eval, b)
		if err != nil {
			return batch.Batch{}, err
		}
		if len(sel) == 0 {
			continue
		}
		if len(sel) == b.NumRows() {
			sel = nil // every row survived: keep the batch dense
		}
		return batch.Batch{Rec: b.Rec, Sel: sel}, nil
	}
}

func (o *filterOp) Close() error { return o.in.Close() }

// Select evaluates a boolean predicate over b and returns the live rows
// where it is true (NULL counts as false). The result is a new slice.
func Select(ctx *expr.Context, ev expr.Evaluator, b batch.Batch) ([]int32, error) {
	res, err := ev.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer res.Release()
	bools := res.(*array.Boolean)
	n := b.Len()
	sel := make([]int32, 0, n)
	hasNulls := bools.NullN() > 0
	if b.Sel == nil {
		for i := 0; i < n; i++ {
			if bools.Value(i) && (!hasNulls || bools.IsValid(i)) {
				sel = append(sel, int32(i))
			}
		}
		return sel, nil
	}
	for _, i := range b.Sel {
		if bools.Value(int(i)) && (!hasNulls || bools.IsValid(int(i))) {
			sel = append(sel, i)
		}
	}
	return sel, nil
}
