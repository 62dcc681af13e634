package exec

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// ProjectPlan computes expressions over its input. The selection vector
// passes through: only live rows are computed, and nothing is compacted.
type ProjectPlan struct {
	Child  PhysicalPlan
	Exprs  []planner.Expr
	schema *arrow.Schema
	evals  []expr.Evaluator
}

// NewProject compiles the expressions; schema is the output schema.
func NewProject(child PhysicalPlan, exprs []planner.Expr, schema *arrow.Schema) (*ProjectPlan, error) {
	p := &ProjectPlan{Child: child, Exprs: exprs, schema: schema}
	for _, e := range exprs {
		ev, err := expr.Compile(e)
		if err != nil {
			return nil, err
		}
		p.evals = append(p.evals, ev)
	}
	return p, nil
}

func (p *ProjectPlan) Schema() *arrow.Schema    { return p.schema }
func (p *ProjectPlan) Children() []PhysicalPlan { return []PhysicalPlan{p.Child} }
func (p *ProjectPlan) Partitions() int          { return p.Child.Partitions() }
func (p *ProjectPlan) String() string {
	s := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		s[i] = e.String()
	}
	return "Project [" + strings.Join(s, ", ") + "]"
}

func (p *ProjectPlan) Open(tc *TaskContext, part int) (Operator, error) {
	in, err := p.Child.Open(tc, part)
	if err != nil {
		return nil, err
	}
	return &projectOp{p: p, in: in, tc: tc}, nil
}

type projectOp struct {
	p  *ProjectPlan
	in Operator
	tc *TaskContext
}

func (o *projectOp) Next(ctx context.Context) (batch.Batch, error) {
	b, err := o.in.Next(ctx)
	if err != nil || b.End() {
		return b, err
	}
	cols := make([]arrow.Array, len(o.p.evals))
	for i, ev := range o.p.evals {
		if cols[i], err = ev.Eval(o.tc.Eval, b); err != nil {
			for _, c := range cols[:i] {
				c.Release()
			}
			return batch.Batch{}, err
		}
	}
	rec := array.NewRecord(o.p.schema, cols, int64(b.NumRows()))
	for _, c := range cols {
		c.Release()
	}
	return batch.Batch{Rec: rec, Sel: b.Sel}, nil
}

func (o *projectOp) Close() error { return o.in.Close() }
