package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileCoalesce, "coalesce")
	register(compileNullif, "nullif")
	register(compileGreatest, "greatest", "least")
}

func srcVector(n int) []int32 {
	src := make([]int32, n)
	for i := range src {
		src[i] = -1
	}
	return src
}

// coalesceEval evaluates each argument only on the rows still NULL.
type coalesceEval struct {
	args []Evaluator
	t    types.T
}

func compileCoalesce(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) == 0 {
		return nil, wrongArgs(f)
	}
	return &coalesceEval{args, f.T}, nil
}

func (e *coalesceEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	n := b.NumRows()
	src := srcVector(n)
	pieces := make([]arrow.Array, 0, len(e.args))
	defer func() { releaseAll(pieces...) }()
	rest := b
	for k, a := range e.args {
		r, err := a.Eval(ctx, rest)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, r)
		rest = narrow(rest, func(i int) bool {
			if isValid(r, i) {
				src[i] = int32(k)
				return false
			}
			return true
		})
		if len(rest.Sel) == 0 {
			break
		}
	}
	return gather(ctx.Alloc, e.t, n, pieces, src), nil
}

// caseEval runs each THEN only on the rows whose WHEN chose it.
type caseEval struct {
	conds, thens []Evaluator
	els          Evaluator
	t            types.T
}

func compileCase(c *planner.Case) (Evaluator, error) {
	e := &caseEval{t: c.T}
	for _, w := range c.Whens {
		cond, err := Compile(w.Cond)
		if err != nil {
			return nil, err
		}
		then, err := Compile(w.Then)
		if err != nil {
			return nil, err
		}
		e.conds = append(e.conds, cond)
		e.thens = append(e.thens, then)
	}
	els := c.Else
	if els == nil {
		els = &planner.Literal{T: c.T}
	}
	var err error
	if e.els, err = Compile(els); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *caseEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	n := b.NumRows()
	src := srcVector(n)
	var pieces []arrow.Array
	defer func() { releaseAll(pieces...) }()
	rest := b
	for k := range e.conds {
		if rest.Sel != nil && len(rest.Sel) == 0 {
			break
		}
		c, err := e.conds[k].Eval(ctx, rest)
		if err != nil {
			return nil, err
		}
		cb, off := bitsOf(c)
		hit := func(i int) bool { return isValid(c, i) && bitutil.BitIsSet(cb, off+i) }
		taken := narrow(rest, hit)
		rest = narrow(rest, func(i int) bool { return !hit(i) })
		c.Release()
		if len(taken.Sel) == 0 {
			pieces = append(pieces, nil)
			continue
		}
		r, err := e.thens[k].Eval(ctx, taken)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, r)
		for _, i := range taken.Sel {
			src[i] = int32(len(pieces) - 1)
		}
	}
	if rest.Sel == nil || len(rest.Sel) > 0 {
		r, err := e.els.Eval(ctx, rest)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, r)
		liveRows(rest, func(i int) { src[i] = int32(len(pieces) - 1) })
	}
	return gather(ctx.Alloc, e.t, n, pieces, src), nil
}

// nullif(a, b) is a unless a = b (then NULL).
func compileNullif(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 2 {
		return nil, wrongArgs(f)
	}
	eq, err := compileCompare(&planner.Func{Name: "=", Args: f.Args, T: types.TBool}, args)
	if err != nil {
		return nil, err
	}
	t := f.T
	return &strictEval{[]Evaluator{args[0], eq}, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		src := srcVector(n)
		eb, off := bitsOf(a[1])
		liveRows(b, func(i int) {
			if !(isValid(a[1], i) && bitutil.BitIsSet(eb, off+i)) {
				src[i] = 0
			}
		})
		return gather(ctx.Alloc, t, n, a[:1], src), nil
	}}, nil
}

// greatest/least ignore NULLs; the result is NULL only when all are.
func compileGreatest(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) == 0 {
		return nil, wrongArgs(f)
	}
	sign := 1
	if f.Name == "least" {
		sign = -1
	}
	t := f.T
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		src := srcVector(n)
		liveRows(b, func(i int) {
			best := -1
			for k, x := range a {
				if !isValid(x, i) {
					continue
				}
				if best < 0 || rowCmp(x, a[best], i)*sign > 0 {
					best = k
				}
			}
			src[i] = int32(best)
		})
		return gather(ctx.Alloc, t, n, a, src), nil
	}}, nil
}
