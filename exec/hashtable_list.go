package exec

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/expr"
)

// Array keys (GROUP BY, DISTINCT, joins, decorrelated subqueries over
// array values) hash and compare by their text form in UTC, which is
// canonical: equal arrays print the same, different ones differently.

// listKeysAsText returns arrs with every list column replaced by its text
// form (nil when there is none); the caller releases the result.
func listKeysAsText(kinds []keyKind, arrs []arrow.Array) []arrow.Array {
	has := false
	for _, k := range kinds {
		has = has || k == keyArr
	}
	if !has {
		return nil
	}
	out := make([]arrow.Array, len(arrs))
	mem := memory.NewGoAllocator()
	for c, a := range arrs {
		if kinds[c] != keyArr {
			a.Retain()
			out[c] = a
			continue
		}
		b := array.NewStringBuilder(mem)
		t, _ := types.FromArrow(a.DataType())
		var buf []byte
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			buf = types.AppendText(buf[:0], a, i, t, time.UTC)
			b.BinaryBuilder.Append(buf)
		}
		out[c] = b.NewArray()
		b.Release()
	}
	return out
}

func releaseArrays(arrs []arrow.Array) {
	for _, a := range arrs {
		a.Release()
	}
}

// decodeListKey appends the array whose text form is key to b.
func decodeListKey(b array.Builder, valid bool, key []byte) {
	if !valid {
		b.AppendNull()
		return
	}
	t, _ := types.FromArrow(b.Type())
	v, err := types.ParseTextIn(string(key), t, time.UTC)
	if err != nil {
		panic("exec: undecodable array key " + string(key))
	}
	expr.AppendLit(b, v)
}
