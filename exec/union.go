package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// UnionAllPlan concatenates its children; each child partition is one of
// its partitions, so branches run in parallel.
type UnionAllPlan struct {
	Branches []PhysicalPlan
	schema   *arrow.Schema
}

// NewUnionAll builds the plan; branches must produce schema's types.
func NewUnionAll(branches []PhysicalPlan, schema *arrow.Schema) *UnionAllPlan {
	return &UnionAllPlan{Branches: branches, schema: schema}
}

func (p *UnionAllPlan) Schema() *arrow.Schema    { return p.schema }
func (p *UnionAllPlan) Children() []PhysicalPlan { return p.Branches }
func (p *UnionAllPlan) String() string           { return "UnionAll" }
func (p *UnionAllPlan) Partitions() int {
	n := 0
	for _, b := range p.Branches {
		n += b.Partitions()
	}
	return n
}

func (p *UnionAllPlan) Open(tc *TaskContext, part int) (Operator, error) {
	for _, b := range p.Branches {
		if part < b.Partitions() {
			op, err := b.Open(tc, part)
			if err != nil {
				return nil, err
			}
			return &renameOp{Operator: op, schema: p.schema}, nil
		}
		part -= b.Partitions()
	}
	panic("exec: union partition out of range")
}
