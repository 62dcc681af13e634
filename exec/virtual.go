package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// VirtualScanPlan computes a catalog relation's rows when opened.
type VirtualScanPlan struct {
	Name   string
	Rel    catalog.VirtualRelation
	schema *arrow.Schema
}

func (bd *Builder) buildVirtual(n *planner.VirtualScan) PhysicalPlan {
	return &VirtualScanPlan{Name: n.Schema + "." + n.Table, Rel: n.Rel, schema: SchemaOf(n.Out)}
}

func (p *VirtualScanPlan) Schema() *arrow.Schema    { return p.schema }
func (p *VirtualScanPlan) Children() []PhysicalPlan { return nil }
func (p *VirtualScanPlan) Partitions() int          { return 1 }
func (p *VirtualScanPlan) String() string           { return "VirtualScan " + p.Name }

func (p *VirtualScanPlan) Open(tc *TaskContext, part int) (Operator, error) {
	env := tc.Env
	if env == nil {
		env = &catalog.VirtualEnv{}
	}
	recs, err := p.Rel.Rows(tc.Ctx, env)
	if err != nil {
		return nil, err
	}
	return &virtualOp{recs: recs, schema: p.schema}, nil
}

type virtualOp struct {
	recs   []arrow.Record
	schema *arrow.Schema
	next   int
}

func (o *virtualOp) Next(ctx context.Context) (batch.Batch, error) {
	if o.next >= len(o.recs) {
		return batch.Batch{}, nil
	}
	r := o.recs[o.next]
	o.next++
	// Relabel with the query's column names (aliases).
	return batch.Batch{Rec: array.NewRecord(o.schema, r.Columns(), r.NumRows())}, nil
}

func (o *virtualOp) Close() error {
	for _, r := range o.recs[o.next:] {
		r.Release()
	}
	return nil
}
