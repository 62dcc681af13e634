package exec

import (
	"context"
	"encoding/binary"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// FilterPlan keeps the rows where a predicate is true by narrowing the
// batch's selection vector; no row is copied. A conjunction is applied one
// conjunct at a time, each on the rows the ones before it kept: a row
// fails the filter when any conjunct is false or NULL, so this is the same
// as evaluating the AND, but later conjuncts see ever fewer rows and no
// three-valued AND result is built.
type FilterPlan struct {
	Child PhysicalPlan
	Cond  planner.Expr
	evals []expr.Evaluator // the conjuncts of Cond, in order
}

// NewFilter compiles the predicate once for every partition.
func NewFilter(child PhysicalPlan, cond planner.Expr) (*FilterPlan, error) {
	p := &FilterPlan{Child: child, Cond: cond}
	for _, c := range conjuncts(cond, nil) {
		ev, err := expr.Compile(c)
		if err != nil {
			return nil, err
		}
		p.evals = append(p.evals, ev)
	}
	return p, nil
}

// conjuncts appends the operands of a (nested) AND, left to right.
func conjuncts(e planner.Expr, out []planner.Expr) []planner.Expr {
	if f, ok := e.(*planner.Func); ok && f.Name == "and" {
		for _, a := range f.Args {
			out = conjuncts(a, out)
		}
		return out
	}
	return append(out, e)
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
	return &filterOp{in: in, evals: p.evals, tc: tc}, nil
}

type filterOp struct {
	in    Operator
	evals []expr.Evaluator
	tc    *TaskContext
}

func (o *filterOp) Next(ctx context.Context) (batch.Batch, error) {
	for {
		b, err := o.in.Next(ctx)
		if err != nil || b.End() {
			return b, err
		}
		live := b
		for _, ev := range o.evals {
			sel, err := Select(o.tc.Eval, ev, live)
			if err != nil {
				return batch.Batch{}, err
			}
			live = batch.Batch{Rec: b.Rec, Sel: sel}
			if len(sel) == 0 {
				break
			}
		}
		sel := live.Sel
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
	d := res.Data()
	off := d.Offset()
	vals := d.Buffers()[1].Bytes()
	var valid []byte // nil: no NULLs
	if res.NullN() > 0 {
		valid = d.Buffers()[0].Bytes()
	}
	sel := make([]int32, 0, b.Len())
	if b.Sel == nil && off == 0 {
		return selectDense(sel, vals, valid, b.NumRows()), nil
	}
	if b.Sel == nil {
		n := b.NumRows()
		for i := 0; i < n; i++ {
			j := off + i
			if vals[j>>3]&(1<<(j&7)) != 0 && (valid == nil || valid[j>>3]&(1<<(j&7)) != 0) {
				sel = append(sel, int32(i))
			}
		}
		return sel, nil
	}
	for _, i := range b.Sel {
		j := off + int(i)
		if vals[j>>3]&(1<<(j&7)) != 0 && (valid == nil || valid[j>>3]&(1<<(j&7)) != 0) {
			sel = append(sel, i)
		}
	}
	return sel, nil
}

// selectDense appends the rows 0..n-1 whose bit is set in vals (and in
// valid, when not nil), a 64-bit word at a time: words of rows that all
// fail cost one test, and set bits are found by counting trailing zeros.
func selectDense(sel []int32, vals, valid []byte, n int) []int32 {
	full := n / 64
	for w := 0; w < full; w++ {
		x := binary.LittleEndian.Uint64(vals[w*8:])
		if valid != nil {
			x &= binary.LittleEndian.Uint64(valid[w*8:])
		}
		for x != 0 {
			sel = append(sel, int32(w*64+bits.TrailingZeros64(x)))
			x &= x - 1
		}
	}
	for i := full * 64; i < n; i++ {
		if vals[i>>3]&(1<<(i&7)) != 0 && (valid == nil || valid[i>>3]&(1<<(i&7)) != 0) {
			sel = append(sel, int32(i))
		}
	}
	return sel
}
