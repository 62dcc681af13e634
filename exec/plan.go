// Package exec runs physical plans: vectorized operators over Arrow batches,
// parallel across partitions (one per worker), morsel-driven at the scans.
package exec

import (
	"context"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
)

// PhysicalPlan is an immutable operator tree; one plan serves many workers.
// A plan with Partitions() == n is opened n times (partition 0..n-1) and the
// union of the n streams is its output.
type PhysicalPlan interface {
	Schema() *arrow.Schema
	Children() []PhysicalPlan
	Partitions() int
	Open(tc *TaskContext, partition int) (Operator, error)
	String() string // one EXPLAIN line
}

// Operator is the runtime state of one partition of a plan node.
type Operator interface {
	// Next returns the next batch; a Batch with Rec == nil marks the end.
	// The batch is valid until the next call to Next.
	Next(ctx context.Context) (batch.Batch, error)
	Close() error
}

// TaskContext is shared by every operator of one query execution.
type TaskContext struct {
	Ctx       context.Context
	Eval      *expr.Context
	Env       *catalog.VirtualEnv // for virtual relations (pg_catalog, …)
	Workers   int                 // parallelism for pipeline breakers and scans
	BatchSize int                 // rows per batch produced by sources
	// MemoryLimit bounds what one blocking operator (a sort) holds in
	// memory before it spills to SpillDir; 0 means no limit.
	MemoryLimit int64
	SpillDir    string // "" is the system's temporary directory

	mu     sync.Mutex
	shared map[PhysicalPlan]any
}

// NewTaskContext builds a context for one query.
func NewTaskContext(ctx context.Context, ev *expr.Context, workers, batchSize int) *TaskContext {
	if workers < 1 {
		workers = 1
	}
	if batchSize < 1 {
		batchSize = DefaultBatchSize
	}
	return &TaskContext{Ctx: ctx, Eval: ev, Workers: workers, BatchSize: batchSize, shared: map[PhysicalPlan]any{}}
}

// DefaultBatchSize is the rows per batch of sources: big enough to amortise
// per-batch overhead, small enough to stay in cache.
const DefaultBatchSize = 4096

// Shared returns the state shared by all partitions of node, creating it
// with init on first use (e.g. a scan's morsel queue, a join's hash table).
func (tc *TaskContext) Shared(node PhysicalPlan, init func() any) any {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if v, ok := tc.shared[node]; ok {
		return v
	}
	v := init()
	tc.shared[node] = v
	return v
}
