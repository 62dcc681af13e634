package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// Sequences hands out sequence values for nextval (the engine implements
// it over the catalog).
type Sequences interface {
	Next(name string, count int) ([]int64, error)
	Current(name string) (int64, bool)
	Set(name string, v int64) error
}

func init() {
	register(compileSequence, "nextval", "currval", "setval")
}

func compileSequence(f *planner.Func, args []Evaluator) (Evaluator, error) {
	return &sequenceEval{fn: f.Name, args: args}, nil
}

type sequenceEval struct {
	fn   string
	args []Evaluator
}

func (e *sequenceEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	if ctx.Sequences == nil {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "%s is not available here", e.fn)
	}
	arrs, err := evalAll(ctx, b, e.args)
	if err != nil {
		return nil, err
	}
	defer releaseAll(arrs...)
	bld := array.NewInt64Builder(ctx.Alloc)
	defer bld.Release()
	live := make([]bool, b.NumRows())
	n := 0
	liveRows(b, func(i int) { live[i] = true; n++ })
	names := arrs[0].(*array.String)
	for i := 0; i < b.NumRows(); i++ {
		if !live[i] || names.IsNull(i) {
			bld.AppendNull()
			continue
		}
		name := names.Value(i)
		switch e.fn {
		case "nextval":
			v, err := ctx.Sequences.Next(name, 1)
			if err != nil {
				return nil, err
			}
			bld.Append(v[0])
		case "currval":
			v, ok := ctx.Sequences.Current(name)
			if !ok {
				return nil, sqlerr.New("55000", "currval of sequence \"%s\" is not yet defined in this session", name)
			}
			bld.Append(v)
		case "setval":
			v := arrs[1].(*array.Int64).Value(i)
			if err := ctx.Sequences.Set(name, v); err != nil {
				return nil, err
			}
			bld.Append(v)
		}
	}
	return bld.NewArray(), nil
}
