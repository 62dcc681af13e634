package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/exec/batch"
)

// LimitPlan skips Offset rows then passes at most Count rows (Count < 0:
// all). Its child must have a single partition (the builder gathers first).
type LimitPlan struct {
	Child         PhysicalPlan
	Count, Offset int64
}

func (p *LimitPlan) Schema() *arrow.Schema    { return p.Child.Schema() }
func (p *LimitPlan) Children() []PhysicalPlan { return []PhysicalPlan{p.Child} }
func (p *LimitPlan) Partitions() int          { return 1 }
func (p *LimitPlan) String() string {
	return fmt.Sprintf("Limit %d offset %d", p.Count, p.Offset)
}

func (p *LimitPlan) Open(tc *TaskContext, part int) (Operator, error) {
	in, err := p.Child.Open(tc, 0)
	if err != nil {
		return nil, err
	}
	return &limitOp{in: in, skip: p.Offset, left: p.Count}, nil
}

type limitOp struct {
	in         Operator
	skip, left int64
}

func (o *limitOp) Next(ctx context.Context) (batch.Batch, error) {
	for {
		if o.left == 0 {
			return batch.Batch{}, nil
		}
		b, err := o.in.Next(ctx)
		if err != nil || b.End() {
			return b, err
		}
		n := int64(b.Len())
		if o.skip >= n {
			o.skip -= n
			continue
		}
		lo := o.skip
		o.skip = 0
		hi := n
		if o.left >= 0 && hi-lo > o.left {
			hi = lo + o.left
		}
		if o.left > 0 {
			o.left -= hi - lo
		}
		if lo == 0 && hi == n {
			return b, nil
		}
		sel := make([]int32, 0, hi-lo)
		for i := lo; i < hi; i++ {
			sel = append(sel, int32(b.Row(int(i))))
		}
		return batch.Batch{Rec: b.Rec, Sel: sel}, nil
	}
}

func (o *limitOp) Close() error { return o.in.Close() }
