package exec

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

// Builder turns an optimized logical plan into a physical plan.
type Builder struct {
	Workers int
	// ColumnCache, when set, keeps the column chunks scans decode for the
	// next queries.
	ColumnCache *ColumnCache

	workTables map[int]*workTable // recursive CTEs being built, by ID
}

// SchemaOf is the Arrow schema of a logical plan's output.
func SchemaOf(cols []planner.OutCol) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		t := c.T
		if t.Kind == types.Unknown {
			t = types.TText
		}
		fields[i] = types.Field(c.Name, t, true)
	}
	return arrow.NewSchema(fields, nil)
}

func colRef(i int, c planner.OutCol) *planner.ColumnRef {
	return &planner.ColumnRef{Index: i, Name: c.Name, T: c.T}
}

// Build translates p.
func (bd *Builder) Build(p planner.Plan) (PhysicalPlan, error) {
	switch n := p.(type) {
	case *planner.Scan:
		return bd.buildScan(n)
	case *planner.VirtualScan:
		return bd.buildVirtual(n), nil
	case *planner.RecursiveCTE:
		return bd.buildRecursive(n)
	case *planner.Window:
		return bd.buildWindow(n)
	case *planner.WorkTableScan:
		return bd.buildWorkTable(n), nil
	case *planner.Filter:
		child, err := bd.Build(n.Input)
		if err != nil {
			return nil, err
		}
		return NewFilter(child, n.Cond)
	case *planner.Project:
		child, err := bd.Build(n.Input)
		if err != nil {
			return nil, err
		}
		return NewProject(child, n.Exprs, SchemaOf(n.Out))
	case *planner.Aggregate:
		return bd.buildAggregate(n)
	case *planner.Distinct:
		child, err := bd.Build(n.Input)
		if err != nil {
			return nil, err
		}
		cols := n.Columns()
		groups := make([]int, len(cols))
		for i := range groups {
			groups[i] = i
		}
		return NewHashAggregate(child, groups, nil, SchemaOf(cols)), nil
	case *planner.Join:
		return bd.buildJoin(n)
	case *planner.Sort:
		return bd.buildSort(n, -1)
	case *planner.Limit:
		if s, ok := n.Input.(*planner.Sort); ok && n.Count >= 0 {
			top, err := bd.buildSort(s, n.Count+n.Offset)
			if err != nil {
				return nil, err
			}
			if n.Offset == 0 {
				return top, nil
			}
			return &LimitPlan{Child: top, Count: n.Count, Offset: n.Offset}, nil
		}
		child, err := bd.Build(n.Input)
		if err != nil {
			return nil, err
		}
		return &LimitPlan{Child: Gather(child), Count: n.Count, Offset: n.Offset}, nil
	case *planner.UnionAll:
		var branches []PhysicalPlan
		for _, b := range n.Branches {
			c, err := bd.Build(b)
			if err != nil {
				return nil, err
			}
			branches = append(branches, c)
		}
		return NewUnionAll(branches, SchemaOf(n.Out)), nil
	case *planner.Values:
		return NewValues(n.Rows, SchemaOf(n.Out))
	case *planner.GenerateSeries:
		return NewSeries(n.Start, n.Stop, n.Step, n.Out[0].T, SchemaOf(n.Out), bd.Workers), nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "no physical operator for %T", p)
}

// buildAggregate computes group keys and aggregate arguments as columns
// (one projection), then hashes on column indexes.
func (bd *Builder) buildAggregate(n *planner.Aggregate) (PhysicalPlan, error) {
	child, err := bd.Build(n.Input)
	if err != nil {
		return nil, err
	}
	var exprs []planner.Expr
	var cols []planner.OutCol
	groupCols := make([]int, len(n.Groups))
	for i, g := range n.Groups {
		groupCols[i] = len(exprs)
		exprs = append(exprs, g)
		cols = append(cols, planner.OutCol{Name: "g" + itoa(i), T: g.Type()})
	}
	specs := make([]AggSpec, len(n.Aggs))
	for i, a := range n.Aggs {
		s := AggSpec{Func: a.Name, Arg: -1, Distinct: a.Distinct, Out: a.T, Param: a.Param}
		if a.Star {
			s.Func = "count_star"
		} else {
			s.Arg = len(exprs)
			s.In = a.Args[0].Type()
			exprs = append(exprs, a.Args[0])
			cols = append(cols, planner.OutCol{Name: "a" + itoa(i), T: s.In})
		}
		specs[i] = s
	}
	if !allColumnRefsInOrder(exprs, len(child.Schema().Fields())) {
		if child, err = NewProject(child, exprs, SchemaOf(cols)); err != nil {
			return nil, err
		}
	} else {
		// The inputs are already columns: refer to them directly.
		for i, g := range n.Groups {
			groupCols[i] = g.(*planner.ColumnRef).Index
		}
		for i, a := range n.Aggs {
			if !a.Star {
				specs[i].Arg = a.Args[0].(*planner.ColumnRef).Index
			}
		}
	}
	return NewHashAggregate(child, groupCols, specs, SchemaOf(n.Out)), nil
}

func allColumnRefsInOrder(es []planner.Expr, width int) bool {
	for _, e := range es {
		if c, ok := e.(*planner.ColumnRef); !ok || c.Index >= width {
			return false
		}
	}
	return true
}

func (bd *Builder) buildSort(s *planner.Sort, topN int64) (PhysicalPlan, error) {
	child, err := bd.Build(s.Input)
	if err != nil {
		return nil, err
	}
	cols := s.Input.Columns()
	width := len(cols)
	keys := make([]SortKey, len(s.Keys))
	var extra []planner.Expr
	for i, k := range s.Keys {
		keys[i] = SortKey{Desc: k.Desc, NullsFirst: k.NullsFirst}
		if c, ok := k.Expr.(*planner.ColumnRef); ok {
			keys[i].Col = c.Index
			continue
		}
		keys[i].Col = width + len(extra)
		extra = append(extra, k.Expr)
	}
	schema := SchemaOf(cols)
	if len(extra) > 0 {
		// Compute non-column keys as extra columns, sort, then drop them.
		var exprs []planner.Expr
		ext := append([]planner.OutCol{}, cols...)
		for i, c := range cols {
			exprs = append(exprs, colRef(i, c))
		}
		for i, e := range extra {
			exprs = append(exprs, e)
			ext = append(ext, planner.OutCol{Name: "k" + itoa(i), T: e.Type()})
		}
		if child, err = NewProject(child, exprs, SchemaOf(ext)); err != nil {
			return nil, err
		}
		sorted := bd.sortNode(child, keys, topN, SchemaOf(ext))
		var back []planner.Expr
		for i, c := range cols {
			back = append(back, colRef(i, c))
		}
		return NewProject(sorted, back, schema)
	}
	return bd.sortNode(child, keys, topN, schema), nil
}

func (bd *Builder) sortNode(child PhysicalPlan, keys []SortKey, topN int64, schema *arrow.Schema) PhysicalPlan {
	if topN >= 0 {
		return NewTopN(child, keys, topN, schema)
	}
	return NewSort(child, keys, schema)
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
