package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// InList: x IN (a, b, …) is true on a match, else NULL if x or any element
// is NULL, else false. A list of constants becomes a hash set once, at
// compile time; other lists compare element by element.
type inListEval struct {
	arg     Evaluator
	elems   []Evaluator // non-constant lists
	set     map[any]struct{}
	strSet  map[string]struct{} // set, for a text argument (inlist_typed.go)
	argType types.T             // how set keys were normalised
	hasNull bool
	negated bool
}

func compileInList(l *planner.InList) (Evaluator, error) {
	arg, err := Compile(l.Arg)
	if err != nil {
		return nil, err
	}
	e := &inListEval{arg: arg, argType: l.Arg.Type(), negated: l.Negated}
	allConst := true
	for _, x := range l.List {
		if _, ok := x.(*planner.Literal); !ok {
			allConst = false
		}
	}
	if allConst {
		e.set = map[any]struct{}{}
		for _, x := range l.List {
			v := x.(*planner.Literal).Value
			if v == nil {
				e.hasNull = true
				continue
			}
			if k, ok := setKey(v, l.Arg.Type()); ok {
				e.set[k] = struct{}{}
			}
		}
		e.strSet = stringSet(e.set, l.Arg.Type())
		return e, nil
	}
	if e.elems, err = compileAll(l.List); err != nil {
		return nil, err
	}
	return e, nil
}

// nanKey is the set key of every float NaN: PostgreSQL's NaN equals NaN.
type nanKey struct{}

// setKey normalises a value of a column of type t (a literal, or a row
// read with litAt) to its hash-set key: integers and dates widen to int64,
// float32 literals round as the column stores them, -0 is 0, NaN is one key.
func setKey(v any, t types.T) (any, bool) {
	switch x := v.(type) {
	case int64, string, bool, decimal128.Num:
		return x, true
	case int32:
		return int64(x), true
	case float64:
		if x != x {
			return nanKey{}, true // a NaN map key never finds itself
		}
		if t.Kind == types.Float32 {
			x = float64(float32(x))
		}
		if x == 0 {
			return 0.0, true // -0 = 0
		}
		return x, true
	}
	return nil, false
}

func (e *inListEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	a, err := e.arg.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	if e.strSet != nil {
		return e.evalStrings(ctx, b, a), nil
	}
	var elems []arrow.Array
	defer func() { releaseAll(elems...) }()
	for _, x := range e.elems {
		r, err := x.Eval(ctx, b)
		if err != nil {
			return nil, err
		}
		elems = append(elems, r)
	}
	n := b.NumRows()
	valBuf, vals := newBits(ctx.Alloc, n)
	validBuf, valid := newBits(ctx.Alloc, n)
	liveRows(b, func(i int) {
		if !isValid(a, i) {
			return
		}
		found, sawNull := false, e.hasNull
		if e.set != nil {
			k, _ := setKey(litAt(a, i), e.argType)
			_, found = e.set[k]
		}
		for _, x := range elems {
			if !isValid(x, i) {
				sawNull = true
			} else if rowCmp(a, x, i) == 0 {
				found = true
				break
			}
		}
		if found || !sawNull {
			bitutil.SetBit(valid, i)
			if found != e.negated {
				bitutil.SetBit(vals, i)
			}
		}
	})
	return boolResult(n, validBuf, valBuf), nil
}
