package exec

import (
	"context"
	"errors"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
)

// DrainPartitions opens every partition of child in its own goroutine and
// calls fn for each batch it yields (fn runs concurrently for different
// partitions, sequentially within one). A batch is only valid during its fn
// call. The first error — from an operator, from fn or the cancellation of
// tc.Ctx — stops every partition; every opened operator is closed before
// DrainPartitions returns.
func DrainPartitions(tc *TaskContext, child PhysicalPlan, fn func(partition int, b batch.Batch) error) error {
	n := child.Partitions()
	if n < 1 {
		n = 1
	}
	ctx, cancel := context.WithCancel(tc.Ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	for p := 0; p < n; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			if err := drainOne(ctx, tc, child, p, fn); err != nil {
				fail(err)
			}
		}(p)
	}
	wg.Wait()
	if firstErr != nil {
		// A partition stopped by our own cancel reports context.Canceled;
		// prefer the error that caused it.
		return firstErr
	}
	if err := tc.Ctx.Err(); err != nil {
		return cancelErr(err)
	}
	return nil
}

func drainOne(ctx context.Context, tc *TaskContext, child PhysicalPlan, p int, fn func(int, batch.Batch) error) (err error) {
	op, err := child.Open(tc, p)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := op.Close(); err == nil {
			err = cerr
		}
	}()
	for {
		if cerr := ctx.Err(); cerr != nil {
			return cancelErr(cerr)
		}
		b, err := op.Next(ctx)
		if err != nil {
			return err
		}
		if b.End() {
			return nil
		}
		if b.Len() == 0 {
			continue
		}
		if err := fn(p, b); err != nil {
			return err
		}
	}
}

// cancelErr maps a context error to SQLSTATE 57014.
func cancelErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
	}
	return err
}

// allocOf is the allocator for output batches of a query.
func allocOf(tc *TaskContext) memory.Allocator {
	if tc.Eval != nil && tc.Eval.Alloc != nil {
		return tc.Eval.Alloc
	}
	return memory.DefaultAllocator
}
