package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

func init() {
	register(compileStrFn, "||", "lower", "upper", "substring", "substr")
	register(compileLength, "length", "char_length", "character_length")
}

// strOut accumulates a string array row by row; rows not appended
// (outside Sel or NULL) stay empty.
type strOut struct {
	offs []int32
	data []byte
}

func (o *strOut) finish(mem memory.Allocator, n int, valid *memory.Buffer) arrow.Array {
	offBuf, offs := newVals[int32](mem, n+1)
	copy(offs, o.offs)
	for i := len(o.offs); i <= n; i++ {
		offs[i] = int32(len(o.data))
	}
	dataBuf := memory.NewResizableBuffer(mem)
	dataBuf.Resize(len(o.data))
	copy(dataBuf.Bytes(), o.data)
	return makeArray(arrow.BinaryTypes.String, n, valid, offBuf, dataBuf)
}

// set writes row i (rows must come in increasing order).
func (o *strOut) set(i int, s string) {
	for len(o.offs) <= i {
		o.offs = append(o.offs, int32(len(o.data)))
	}
	o.data = append(o.data, s...)
}

// strMap builds a text result from f over the live non-NULL rows.
func strMap(f func(a []arrow.Array, i int) (string, error)) kernel {
	return func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		var o strOut
		var err error
		liveRows(b, func(i int) {
			if err != nil || !bothValid(i, a...) {
				return
			}
			var s string
			if s, err = f(a, i); err == nil {
				o.set(i, s)
			}
		})
		if err != nil {
			return nil, err
		}
		return o.finish(ctx.Alloc, n, validity(ctx.Alloc, n, a...)), nil
	}
}

func strAt(a arrow.Array, i int) string { return a.(*array.String).Value(i) }

func compileStrFn(f *planner.Func, args []Evaluator) (Evaluator, error) {
	switch f.Name {
	case "||":
		if len(args) != 2 {
			return nil, wrongArgs(f)
		}
		return &strictEval{args, strMap(func(a []arrow.Array, i int) (string, error) {
			return strAt(a[0], i) + strAt(a[1], i), nil
		})}, nil
	case "lower", "upper":
		if len(args) != 1 {
			return nil, wrongArgs(f)
		}
		conv := strings.ToLower
		if f.Name == "upper" {
			conv = strings.ToUpper
		}
		return &strictEval{args, strMap(func(a []arrow.Array, i int) (string, error) {
			return conv(strAt(a[0], i)), nil
		})}, nil
	}
	if len(args) < 2 || len(args) > 3 {
		return nil, wrongArgs(f)
	}
	return &strictEval{args, strMap(func(a []arrow.Array, i int) (string, error) {
		start := intAt(a[1], i)
		length := int64(-1)
		if len(a) == 3 {
			if length = intAt(a[2], i); length < 0 {
				return "", sqlerr.New("22011", "negative substring length not allowed")
			}
		}
		return substring(strAt(a[0], i), start, length), nil
	})}, nil
}

// substring follows PostgreSQL: characters are 1-based, a start before 1
// eats into the length, length -1 means to the end.
func substring(s string, start, length int64) string {
	end := int64(-1)
	if length >= 0 {
		end = start + length // exclusive, in characters
		if end <= 1 {
			return ""
		}
	}
	if start < 1 {
		start = 1
	}
	pos := int64(1)
	from, to := len(s), len(s)
	for bi := range s {
		if pos == start {
			from = bi
		}
		if end >= 0 && pos == end {
			to = bi
			break
		}
		pos++
	}
	if from > to {
		return ""
	}
	return s[from:to]
}

// length counts characters, not bytes.
func compileLength(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if len(args) != 1 {
		return nil, wrongArgs(f)
	}
	return &strictEval{args, func(ctx *Context, b batch.Batch, a []arrow.Array) (arrow.Array, error) {
		n := b.NumRows()
		buf, out := newVals[int32](ctx.Alloc, n)
		s := a[0].(*array.String)
		liveRows(b, func(i int) { out[i] = int32(utf8.RuneCountInString(s.Value(i))) })
		return makeArray(arrow.PrimitiveTypes.Int32, n, validity(ctx.Alloc, n, a[0]), buf), nil
	}}, nil
}
