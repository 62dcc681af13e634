package rules

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// FoldConstants evaluates, once at plan time, every expression whose
// inputs are all literals (e.g. '2024-01-01'::date + 30), so kernels and
// statistics-based file skipping see plain literals. An expression whose
// evaluation fails is left alone: the error, if the row that needs it
// exists, is raised at run time as PostgreSQL would.
func FoldConstants(p planner.Plan) planner.Plan {
	ctx := expr.NewContext()
	return mapExprs(p, func(e planner.Expr) planner.Expr { return fold(ctx, e) })
}

func fold(ctx *expr.Context, e planner.Expr) planner.Expr {
	r, _ := planner.Rewrite(e, func(x planner.Expr) (planner.Expr, bool, error) {
		switch n := x.(type) {
		case *planner.Literal, *planner.ColumnRef, *planner.Param:
			return x, true, nil
		case *planner.Func:
			c := *n
			c.Args = make([]planner.Expr, len(n.Args))
			for i, a := range n.Args {
				c.Args[i] = fold(ctx, a)
			}
			if n.Name == "now" || n.Name == "current_date" || n.Name == "random" {
				return &c, true, nil
			}
			return tryEval(ctx, &c, c.Args...), true, nil
		case *planner.Cast:
			c := *n
			c.Arg = fold(ctx, n.Arg)
			return tryEval(ctx, &c, c.Arg), true, nil
		}
		return nil, false, nil
	})
	return r
}

func tryEval(ctx *expr.Context, e planner.Expr, args ...planner.Expr) planner.Expr {
	for _, a := range args {
		if _, ok := a.(*planner.Literal); !ok {
			return e
		}
	}
	ev, err := expr.Compile(e)
	if err != nil {
		return e
	}
	one := array.NewRecord(arrow.NewSchema(nil, nil), nil, 1)
	defer one.Release()
	out, err := ev.Eval(ctx, batch.Batch{Rec: one})
	if err != nil {
		return e
	}
	defer out.Release()
	v, ok := scalarOf(out)
	if !ok {
		return e
	}
	return &planner.Literal{Value: v, T: e.Type()}
}

// scalarOf reads element 0 in the Literal value convention.
func scalarOf(a arrow.Array) (any, bool) {
	if a.IsNull(0) {
		return nil, true
	}
	switch x := a.(type) {
	case *array.Boolean:
		return x.Value(0), true
	case *array.Int16:
		return int64(x.Value(0)), true
	case *array.Int32:
		return int64(x.Value(0)), true
	case *array.Int64:
		return x.Value(0), true
	case *array.Float32:
		return float64(x.Value(0)), true
	case *array.Float64:
		return x.Value(0), true
	case *array.Decimal128:
		return x.Value(0), true
	case *array.String:
		return x.Value(0), true
	case *array.Date32:
		return int32(x.Value(0)), true
	case *array.Timestamp:
		return int64(x.Value(0)), true
	}
	return nil, false
}

// mapExprs applies f to every expression of every node.
func mapExprs(p planner.Plan, f func(planner.Expr) planner.Expr) planner.Plan {
	switch n := p.(type) {
	case *planner.Scan:
		c := *n
		c.Filters = mapList(n.Filters, f)
		return &c
	case *planner.Filter:
		return &planner.Filter{Input: mapExprs(n.Input, f), Cond: f(n.Cond)}
	case *planner.Project:
		c := *n
		c.Input = mapExprs(n.Input, f)
		c.Exprs = mapList(n.Exprs, f)
		return &c
	case *planner.Aggregate:
		c := *n
		c.Input = mapExprs(n.Input, f)
		c.Groups = mapList(n.Groups, f)
		c.Aggs = make([]*planner.AggCall, len(n.Aggs))
		for i, a := range n.Aggs {
			ac := *a
			ac.Args = mapList(a.Args, f)
			c.Aggs[i] = &ac
		}
		return &c
	case *planner.Join:
		c := *n
		c.Left, c.Right = mapExprs(n.Left, f), mapExprs(n.Right, f)
		if n.Cond != nil {
			c.Cond = f(n.Cond)
		}
		return &c
	case *planner.Sort:
		c := *n
		c.Input = mapExprs(n.Input, f)
		c.Keys = make([]planner.SortKey, len(n.Keys))
		for i, k := range n.Keys {
			k.Expr = f(k.Expr)
			c.Keys[i] = k
		}
		return &c
	case *planner.Limit:
		c := *n
		c.Input = mapExprs(n.Input, f)
		return &c
	case *planner.Distinct:
		return &planner.Distinct{Input: mapExprs(n.Input, f)}
	case *planner.UnionAll:
		c := *n
		c.Branches = make([]planner.Plan, len(n.Branches))
		for i, b := range n.Branches {
			c.Branches[i] = mapExprs(b, f)
		}
		return &c
	case *planner.Values:
		c := *n
		c.Rows = make([][]planner.Expr, len(n.Rows))
		for i, r := range n.Rows {
			c.Rows[i] = mapList(r, f)
		}
		return &c
	case *planner.GenerateSeries:
		c := *n
		c.Start, c.Stop, c.Step = f(n.Start), f(n.Stop), f(n.Step)
		return &c
	}
	return p
}

func mapList(es []planner.Expr, f func(planner.Expr) planner.Expr) []planner.Expr {
	out := make([]planner.Expr, len(es))
	for i, e := range es {
		out[i] = f(e)
	}
	return out
}
