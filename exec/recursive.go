package exec

import (
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// workTable holds the rows a recursive CTE's previous iteration produced.
type workTable struct {
	mu   sync.Mutex
	recs []arrow.Record
}

func (w *workTable) set(recs []arrow.Record) {
	w.mu.Lock()
	w.recs = recs
	w.mu.Unlock()
}

func (w *workTable) get() []arrow.Record {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.recs
}

// WorkTableScanPlan reads the current work table of a recursive CTE.
type WorkTableScanPlan struct {
	ID     int
	wt     *workTable
	schema *arrow.Schema
}

func (p *WorkTableScanPlan) Schema() *arrow.Schema    { return p.schema }
func (p *WorkTableScanPlan) Children() []PhysicalPlan { return nil }
func (p *WorkTableScanPlan) Partitions() int          { return 1 }
func (p *WorkTableScanPlan) String() string           { return "WorkTableScan #" + itoa(p.ID) }
func (p *WorkTableScanPlan) Open(tc *TaskContext, part int) (Operator, error) {
	recs := p.wt.get()
	for _, r := range recs {
		r.Retain()
	}
	return &virtualOp{recs: recs, schema: p.schema}, nil
}

// RecursiveCTEPlan evaluates WITH RECURSIVE by iterating its recursive
// term over the previous iteration's new rows until none appear.
type RecursiveCTEPlan struct {
	ID                int
	Anchor, Recursive PhysicalPlan
	Distinct          bool
	wt                *workTable
	schema            *arrow.Schema
	types             []types.T
}

func (bd *Builder) buildRecursive(n *planner.RecursiveCTE) (PhysicalPlan, error) {
	anchor, err := bd.Build(n.Anchor)
	if err != nil {
		return nil, err
	}
	if bd.workTables == nil {
		bd.workTables = map[int]*workTable{}
	}
	wt := &workTable{}
	bd.workTables[n.ID] = wt
	rec, err := bd.Build(n.Recursive)
	if err != nil {
		return nil, err
	}
	p := &RecursiveCTEPlan{ID: n.ID, Anchor: anchor, Recursive: rec, Distinct: n.Distinct, wt: wt, schema: SchemaOf(n.Out)}
	for _, c := range n.Out {
		p.types = append(p.types, c.T)
	}
	return p, nil
}

func (bd *Builder) buildWorkTable(n *planner.WorkTableScan) PhysicalPlan {
	wt := bd.workTables[n.ID]
	if wt == nil {
		wt = &workTable{}
	}
	return &WorkTableScanPlan{ID: n.ID, wt: wt, schema: SchemaOf(n.Out)}
}

func (p *RecursiveCTEPlan) Schema() *arrow.Schema    { return p.schema }
func (p *RecursiveCTEPlan) Children() []PhysicalPlan { return []PhysicalPlan{p.Anchor, p.Recursive} }
func (p *RecursiveCTEPlan) Partitions() int          { return 1 }
func (p *RecursiveCTEPlan) String() string {
	if p.Distinct {
		return "RecursiveUnion #" + itoa(p.ID)
	}
	return "RecursiveUnionAll #" + itoa(p.ID)
}

// collectAll runs plan to completion in its own task context (so shared
// per-node state such as hash tables starts fresh each iteration).
func collectAll(tc *TaskContext, plan PhysicalPlan, schema *arrow.Schema) ([]arrow.Record, error) {
	sub := NewTaskContext(tc.Ctx, tc.Eval, tc.Workers, tc.BatchSize)
	sub.Env = tc.Env
	var mu sync.Mutex
	var out []arrow.Record
	err := DrainPartitions(sub, plan, func(_ int, b batch.Batch) error {
		if b.Len() == 0 {
			return nil
		}
		rec, err := batch.Compact(sub.Eval.Alloc, b)
		if err != nil {
			return err
		}
		rec2 := array.NewRecord(schema, rec.Columns(), rec.NumRows())
		rec.Release()
		mu.Lock()
		out = append(out, rec2)
		mu.Unlock()
		return nil
	})
	return out, err
}

func (p *RecursiveCTEPlan) Open(tc *TaskContext, part int) (Operator, error) {
	seen := map[string]bool{}
	var all []arrow.Record
	keep := func(recs []arrow.Record) []arrow.Record {
		if !p.Distinct {
			return recs
		}
		var out []arrow.Record
		for _, r := range recs {
			var sel []int32
			for i := 0; i < int(r.NumRows()); i++ {
				k := rowKey(r, i, p.types)
				if !seen[k] {
					seen[k] = true
					sel = append(sel, int32(i))
				}
			}
			if len(sel) == 0 {
				continue
			}
			c, _ := batch.Compact(tc.Eval.Alloc, batch.Batch{Rec: r, Sel: sel})
			out = append(out, c)
		}
		return out
	}
	work, err := collectAll(tc, p.Anchor, p.schema)
	if err != nil {
		return nil, err
	}
	work = keep(work)
	for len(work) > 0 {
		if err := tc.Ctx.Err(); err != nil {
			return nil, cancelErr(err)
		}
		all = append(all, work...)
		p.wt.set(work)
		next, err := collectAll(tc, p.Recursive, p.schema)
		if err != nil {
			return nil, err
		}
		work = keep(next)
	}
	p.wt.set(nil)
	return &virtualOp{recs: all, schema: p.schema}, nil
}

// rowKey renders a row as text for duplicate detection.
func rowKey(r arrow.Record, i int, ts []types.T) string {
	var b strings.Builder
	var buf []byte
	for c := 0; c < int(r.NumCols()); c++ {
		col := r.Column(c)
		if col.IsNull(i) {
			b.WriteString("\x00N")
			continue
		}
		buf = types.AppendText(buf[:0], col, i, ts[c], time.UTC)
		b.WriteString("\x00V")
		b.Write(buf)
	}
	return b.String()
}
