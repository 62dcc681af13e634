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
	return planner.MapPlanExprs(p, func(e planner.Expr) planner.Expr { return fold(ctx, e) })
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
			if n.Name == "now" || n.Name == "current_date" || volatileFuncs[n.Name] {
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
