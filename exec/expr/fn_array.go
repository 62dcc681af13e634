package expr

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// Array functions (planner/funcs_array.go binds them): constructors,
// subscripts, ANY/ALL, dimensions, concatenation, search and text
// conversion, row by row over Arrow lists.

func init() {
	register(compileArrayFn, "array", "array_subscript", "array_slice", "array_len", "array_upper_bound", "array_lower_bound",
		"array_cardinality", "array_append", "array_prepend", "array_cat", "array_position",
		"array_to_string_arr", "string_to_array", "array_remove", "array_replace", "array_ndims", "array_dims")
	for _, op := range []string{"=", "<>", "<", "<=", ">", ">="} {
		register(compileArrayFn, "any "+op, "all "+op, "array "+op)
	}
}

// arrRowFn computes row i from the argument arrays, appending to out
// (including NULL: the function decides its own NULL handling).
type arrRowFn func(ctx *Context, a []arrow.Array, i int, out array.Builder) error

type rowEval struct {
	args []Evaluator
	t    types.T
	f    arrRowFn
}

func (e *rowEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	arrs, err := evalAll(ctx, b, e.args)
	if err != nil {
		return nil, err
	}
	defer releaseAll(arrs...)
	n := b.NumRows()
	bld := array.NewBuilder(ctx.Alloc, e.t.ArrowType())
	defer bld.Release()
	bld.Reserve(n)
	next := 0
	var ferr error
	liveRows(b, func(i int) {
		if ferr != nil {
			return
		}
		for ; next < i; next++ {
			bld.AppendNull()
		}
		next = i + 1
		ferr = e.f(ctx, arrs, i, bld)
	})
	if ferr != nil {
		return nil, ferr
	}
	for ; next < n; next++ {
		bld.AppendNull()
	}
	return bld.NewArray(), nil
}

// listRange returns the child values and bounds of list row i.
func listRange(a arrow.Array, i int) (arrow.Array, int, int) {
	l := a.(*array.List)
	s, e := l.ValueOffsets(i)
	return l.ListValues(), int(s), int(e)
}

// cmpLit orders two non-NULL values of one type in the Literal
// convention (NaN sorts above every float and equals itself).
func cmpLit(x, y any) int {
	switch a := x.(type) {
	case int64:
		return cmpOrd(a, y.(int64))
	case int32:
		return cmpOrd(a, y.(int32))
	case string:
		return strings.Compare(a, y.(string))
	case float64:
		b := y.(float64)
		switch an, bn := math.IsNaN(a), math.IsNaN(b); {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return cmpOrd(a, b)
	case bool:
		b := y.(bool)
		switch {
		case a == b:
			return 0
		case !a:
			return -1
		}
		return 1
	case decimal128.Num:
		return a.Cmp(y.(decimal128.Num))
	case types.IntervalValue:
		return a.Compare(y.(types.IntervalValue))
	case []any:
		// Arrays: element by element, NULL elements equal to each other
		// and above the others, then the shorter first (btarraycmp).
		b := y.([]any)
		for k := 0; k < len(a) && k < len(b); k++ {
			switch {
			case a[k] == nil && b[k] == nil:
				continue
			case a[k] == nil:
				return 1
			case b[k] == nil:
				return -1
			}
			if c := cmpLit(a[k], b[k]); c != 0 {
				return c
			}
		}
		return cmpOrd(int64(len(a)), int64(len(b)))
	}
	return 0
}

func cmpOrd[T int64 | int32 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func appendInt32(out array.Builder, v int, ok bool) {
	if !ok {
		out.AppendNull()
		return
	}
	out.(*array.Int32Builder).Append(int32(v))
}

func compileArrayFn(f *planner.Func, args []Evaluator) (Evaluator, error) {
	var fn arrRowFn
	name := f.Name
	switch {
	case strings.HasPrefix(name, "any ") || strings.HasPrefix(name, "all "):
		fn = anyAll(name[:3] == "all", name[4:])
	case strings.HasPrefix(name, "array ") && len(f.Args) == 2:
		op := name[6:]
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) || a[1].IsNull(i) {
				out.AppendNull()
				return nil
			}
			out.(*array.BooleanBuilder).Append(cmpResult(op, cmpLit(litAt(a[0], i), litAt(a[1], i))))
			return nil
		}
	case name == "array":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			lb := out.(*array.ListBuilder)
			lb.Append(true)
			for _, x := range a {
				batch.AppendValue(lb.ValueBuilder(), x, i)
			}
			return nil
		}
	case name == "array_subscript":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) || a[1].IsNull(i) {
				out.AppendNull()
				return nil
			}
			vals, s, e := listRange(a[0], i)
			k := intAt(a[1], i)
			if k < 1 || k > int64(e-s) {
				out.AppendNull()
				return nil
			}
			batch.AppendValue(out, vals, s+int(k)-1)
			return nil
		}
	case name == "array_ndims" || name == "array_dims":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) {
				out.AppendNull()
				return nil
			}
			_, s, e := listRange(a[0], i)
			switch {
			case s == e:
				out.AppendNull()
			case name == "array_ndims":
				appendInt32(out, 1, true)
			default:
				out.(*array.StringBuilder).Append("[1:" + strconv.Itoa(e-s) + "]")
			}
			return nil
		}
	case name == "array_remove" || name == "array_replace":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) {
				out.AppendNull()
				return nil
			}
			vals, s, e := listRange(a[0], i)
			x := litAt(a[1], i)
			lb := out.(*array.ListBuilder)
			lb.Append(true)
			vb := lb.ValueBuilder()
			for j := s; j < e; j++ {
				v := litAt(vals, j)
				// Matches are IS NOT DISTINCT FROM: NULL finds NULLs.
				if (v == nil && x == nil) || (v != nil && x != nil && cmpLit(v, x) == 0) {
					if name == "array_replace" {
						batch.AppendValue(vb, a[2], i)
					}
					continue
				}
				batch.AppendValue(vb, vals, j)
			}
			return nil
		}
	case name == "array_slice":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) || a[1].IsNull(i) || a[2].IsNull(i) {
				out.AppendNull()
				return nil
			}
			vals, s, e := listRange(a[0], i)
			lo, hi := max(intAt(a[1], i), 1), min(intAt(a[2], i), int64(e-s))
			lb := out.(*array.ListBuilder)
			lb.Append(true)
			for k := lo; k <= hi; k++ {
				batch.AppendValue(lb.ValueBuilder(), vals, s+int(k)-1)
			}
			return nil
		}
	case name == "array_cardinality":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) {
				out.AppendNull()
				return nil
			}
			_, s, e := listRange(a[0], i)
			appendInt32(out, e-s, true)
			return nil
		}
	case name == "array_len" || name == "array_upper_bound" || name == "array_lower_bound":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) || a[1].IsNull(i) {
				out.AppendNull()
				return nil
			}
			_, s, e := listRange(a[0], i)
			n := e - s
			if intAt(a[1], i) != 1 || n == 0 {
				out.AppendNull()
				return nil
			}
			switch name {
			case "array_lower_bound":
				n = 1
			}
			appendInt32(out, n, true)
			return nil
		}
	case name == "array_append" || name == "array_prepend" || name == "array_cat":
		arr, elem := 0, 1
		if name == "array_prepend" {
			arr, elem = 1, 0
		}
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			lb := out.(*array.ListBuilder)
			if name == "array_cat" {
				if a[0].IsNull(i) && a[1].IsNull(i) {
					lb.AppendNull()
					return nil
				}
				lb.Append(true)
				for _, x := range a {
					if !x.IsNull(i) {
						batch.AppendRange(lb.ValueBuilder(), x.(*array.List), i)
					}
				}
				return nil
			}
			lb.Append(true)
			if name == "array_prepend" {
				batch.AppendValue(lb.ValueBuilder(), a[elem], i)
			}
			if !a[arr].IsNull(i) {
				batch.AppendRange(lb.ValueBuilder(), a[arr].(*array.List), i)
			}
			if name == "array_append" {
				batch.AppendValue(lb.ValueBuilder(), a[elem], i)
			}
			return nil
		}
	case name == "array_position":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) {
				out.AppendNull()
				return nil
			}
			vals, s, e := listRange(a[0], i)
			x := litAt(a[1], i)
			for j := s; j < e; j++ {
				v := litAt(vals, j)
				// IS NOT DISTINCT FROM: array_position(a, NULL) finds a NULL.
				if (v == nil && x == nil) || (v != nil && x != nil && cmpLit(v, x) == 0) {
					appendInt32(out, j-s+1, true)
					return nil
				}
			}
			out.AppendNull()
			return nil
		}
	case name == "array_to_string_arr":
		fn = func(ctx *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) || a[1].IsNull(i) {
				out.AppendNull()
				return nil
			}
			sep := a[1].(*array.String).Value(i)
			var nullStr *string
			if len(a) > 2 && !a[2].IsNull(i) {
				s := a[2].(*array.String).Value(i)
				nullStr = &s
			}
			et := f.Args[0].Type().ElemT()
			vals, s, e := listRange(a[0], i)
			var sb []byte
			first := true
			for j := s; j < e; j++ {
				if vals.IsNull(j) && nullStr == nil {
					continue
				}
				if !first {
					sb = append(sb, sep...)
				}
				first = false
				if vals.IsNull(j) {
					sb = append(sb, *nullStr...)
				} else if et.Kind == types.Bool {
					sb = append(sb, "ft"[b2i(vals.(*array.Boolean).Value(j))])
				} else {
					sb = types.AppendText(sb, vals, j, et, ctx.loc())
				}
			}
			out.(*array.StringBuilder).Append(string(sb))
			return nil
		}
	case name == "string_to_array":
		fn = func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
			if a[0].IsNull(i) {
				out.AppendNull()
				return nil
			}
			s := a[0].(*array.String).Value(i)
			lb := out.(*array.ListBuilder)
			lb.Append(true)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			if s == "" {
				return nil
			}
			var parts []string
			switch {
			case a[1].IsNull(i):
				for _, r := range s {
					parts = append(parts, string(r))
				}
			case a[1].(*array.String).Value(i) == "":
				parts = []string{s}
			default:
				parts = strings.Split(s, a[1].(*array.String).Value(i))
			}
			for _, p := range parts {
				if len(a) > 2 && !a[2].IsNull(i) && p == a[2].(*array.String).Value(i) {
					vb.AppendNull()
				} else {
					vb.Append(p)
				}
			}
			return nil
		}
	default:
		return nil, wrongArgs(f)
	}
	return &rowEval{args: args, t: f.T, f: fn}, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// anyAll is x op ANY/ALL (array) with SQL's three-valued logic: ANY is
// true when some comparison is true, else NULL when some was NULL, else
// false (ALL mirrors it); an empty array gives false (ANY) or true (ALL).
func anyAll(all bool, op string) arrRowFn {
	return func(_ *Context, a []arrow.Array, i int, out array.Builder) error {
		bb := out.(*array.BooleanBuilder)
		if a[1].IsNull(i) {
			bb.AppendNull()
			return nil
		}
		vals, s, e := listRange(a[1], i)
		if s == e {
			bb.Append(all)
			return nil
		}
		x := litAt(a[0], i)
		sawNull := false
		for j := s; j < e; j++ {
			v := litAt(vals, j)
			if x == nil || v == nil {
				sawNull = true
				continue
			}
			r := cmpResult(op, cmpLit(x, v))
			if r != all { // ANY found a true, ALL found a false
				bb.Append(r)
				return nil
			}
		}
		if sawNull {
			bb.AppendNull()
			return nil
		}
		bb.Append(all)
		return nil
	}
}
