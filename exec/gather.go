package exec

import (
	"context"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/exec/batch"
)

// GatherPlan merges the partitions of its child into one stream, running
// the child partitions concurrently.
type GatherPlan struct {
	Child PhysicalPlan
}

func (p *GatherPlan) Schema() *arrow.Schema    { return p.Child.Schema() }
func (p *GatherPlan) Children() []PhysicalPlan { return []PhysicalPlan{p.Child} }
func (p *GatherPlan) Partitions() int          { return 1 }
func (p *GatherPlan) String() string           { return "Gather" }

// Gather wraps child in a GatherPlan unless it already has one partition.
func Gather(child PhysicalPlan) PhysicalPlan {
	if child.Partitions() <= 1 {
		return child
	}
	return &GatherPlan{Child: child}
}

type gathered struct {
	b    batch.Batch
	err  error
	done chan struct{} // closed by the consumer when it is finished with b
}

func (p *GatherPlan) Open(tc *TaskContext, part int) (Operator, error) {
	ctx, cancel := context.WithCancel(tc.Ctx)
	o := &gatherOp{ch: make(chan gathered), cancel: cancel}
	n := p.Child.Partitions()
	o.wg.Add(n)
	for i := 0; i < n; i++ {
		go o.produce(ctx, tc, p.Child, i)
	}
	go func() {
		o.wg.Wait()
		close(o.ch)
	}()
	return o, nil
}

type gatherOp struct {
	ch     chan gathered
	cancel context.CancelFunc
	wg     sync.WaitGroup
	prev   chan struct{}
}

// produce runs one child partition. It waits for the consumer to finish
// with each batch before asking for the next, because a batch is only valid
// until its operator's next call.
func (o *gatherOp) produce(ctx context.Context, tc *TaskContext, child PhysicalPlan, part int) {
	defer o.wg.Done()
	op, err := child.Open(tc, part)
	if err != nil {
		o.send(ctx, gathered{err: err})
		return
	}
	defer op.Close()
	for {
		b, err := op.Next(ctx)
		if err != nil {
			o.send(ctx, gathered{err: err})
			return
		}
		if b.End() {
			return
		}
		done := make(chan struct{})
		if !o.send(ctx, gathered{b: b, done: done}) {
			return
		}
		select {
		case <-done:
		case <-ctx.Done():
			return
		}
	}
}

func (o *gatherOp) send(ctx context.Context, g gathered) bool {
	select {
	case o.ch <- g:
		return true
	case <-ctx.Done():
		return false
	}
}

func (o *gatherOp) Next(ctx context.Context) (batch.Batch, error) {
	if o.prev != nil {
		close(o.prev)
		o.prev = nil
	}
	select {
	case g, ok := <-o.ch:
		if !ok {
			if err := ctx.Err(); err != nil {
				return batch.Batch{}, cancelErr(err)
			}
			return batch.Batch{}, nil
		}
		if g.err != nil {
			o.cancel()
			return batch.Batch{}, g.err
		}
		o.prev = g.done
		return g.b, nil
	case <-ctx.Done():
		return batch.Batch{}, cancelErr(ctx.Err())
	}
}

func (o *gatherOp) Close() error {
	if o.prev != nil {
		close(o.prev)
		o.prev = nil
	}
	o.cancel()
	for range o.ch { // let producers exit
	}
	return nil
}
