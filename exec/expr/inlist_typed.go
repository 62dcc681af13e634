package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

// String IN lists of constants (TPC-H's ship modes, containers, phone
// prefixes) look each row's bytes up in a map of strings directly, without
// boxing the value into an interface per row as the general set does.

// stringSet is the constant set of a text IN list, or nil when the list or
// its argument is of another kind.
func stringSet(set map[any]struct{}, t types.T) map[string]struct{} {
	if set == nil || (t.Kind != types.Text && t.Kind != types.Varchar) {
		return nil
	}
	out := make(map[string]struct{}, len(set))
	for k := range set {
		s, ok := k.(string)
		if !ok {
			return nil
		}
		out[s] = struct{}{}
	}
	return out
}

// evalStrings is Eval for a text argument and a string set.
func (e *inListEval) evalStrings(ctx *Context, b batch.Batch, a arrow.Array) arrow.Array {
	n := b.NumRows()
	valBuf, vals := newBits(ctx.Alloc, n)
	validBuf, valid := newBits(ctx.Alloc, n)
	sa := a.(*array.String)
	offs, data := batch.StringBuffers(sa)
	hasNulls := a.NullN() > 0
	liveRows(b, func(i int) {
		if hasNulls && a.IsNull(i) {
			return
		}
		_, found := e.strSet[string(data[offs[i]:offs[i+1]])]
		if found || !e.hasNull {
			bitutil.SetBit(valid, i)
			if found != e.negated {
				bitutil.SetBit(vals, i)
			}
		}
	})
	return boolResult(n, validBuf, valBuf)
}
