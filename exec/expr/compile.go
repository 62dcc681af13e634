package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// Evaluator computes one expression over a batch. The result has
// b.NumRows() entries; only the positions in b.Sel (all, when Sel is nil)
// are meaningful, and only those rows are evaluated — so an error such as
// division by zero is raised only for live rows. The caller releases it.
// An Evaluator is safe for concurrent use by several workers.
type Evaluator interface {
	Eval(ctx *Context, b batch.Batch) (arrow.Array, error)
}

// Compile turns a bound expression into an evaluator.
func Compile(e planner.Expr) (Evaluator, error) {
	switch x := e.(type) {
	case *planner.ColumnRef:
		return &columnEval{idx: x.Index}, nil
	case *planner.Literal:
		return newConstEval(x.Value, x.T)
	case *planner.Param:
		return &paramEval{idx: x.Index, t: x.T}, nil
	case *planner.Func:
		return compileFunc(x)
	case *planner.Cast:
		return compileCast(x)
	case *planner.Case:
		return compileCase(x)
	case *planner.InList:
		return compileInList(x)
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cannot evaluate expression %s", e)
}

func compileAll(es []planner.Expr) ([]Evaluator, error) {
	out := make([]Evaluator, len(es))
	for i, e := range es {
		ev, err := Compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

// evalAll evaluates each of args on b; on an error the arrays already made
// are released. The caller releases the result.
func evalAll(ctx *Context, b batch.Batch, args []Evaluator) ([]arrow.Array, error) {
	arrs := make([]arrow.Array, len(args))
	for i, a := range args {
		r, err := a.Eval(ctx, b)
		if err != nil {
			releaseAll(arrs[:i]...)
			return nil, err
		}
		arrs[i] = r
	}
	return arrs, nil
}

// compileFunc dispatches on the canonical function name.
func compileFunc(f *planner.Func) (Evaluator, error) {
	args, err := compileAll(f.Args)
	if err != nil {
		return nil, err
	}
	if c, ok := compilers[f.Name]; ok {
		return c(f, args)
	}
	return nil, sqlerr.New(sqlerr.UndefinedFunction, "function %s is not supported by the evaluator", f.Name)
}

type compiler func(f *planner.Func, args []Evaluator) (Evaluator, error)

// compilers is the function registry, filled by each family's init.
var compilers = map[string]compiler{}

func register(c compiler, names ...string) {
	for _, n := range names {
		compilers[n] = c
	}
}

func wrongArgs(f *planner.Func) error {
	return sqlerr.New(sqlerr.UndefinedFunction, "function %s(%d arguments) is not supported", f.Name, len(f.Args))
}

// columnEval returns the input column itself, retained (zero-copy).
type columnEval struct{ idx int }

func (c *columnEval) Eval(_ *Context, b batch.Batch) (arrow.Array, error) {
	col := b.Rec.Column(c.idx)
	col.Retain()
	return col, nil
}
