package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// WindowPlan computes one window function over input sorted by partition
// and order keys (a Sort below it). Output: the input columns plus the
// result column.
type WindowPlan struct {
	Child     PhysicalPlan
	Call      *planner.WindowCall
	PartCols  []int
	OrderCols []int
	OrderDesc bool // of the first ORDER BY key (RANGE offsets)
	ArgCols   []int
	schema    *arrow.Schema
}

func (p *WindowPlan) Schema() *arrow.Schema    { return p.schema }
func (p *WindowPlan) Children() []PhysicalPlan { return []PhysicalPlan{p.Child} }
func (p *WindowPlan) Partitions() int          { return 1 }
func (p *WindowPlan) String() string           { return "Window " + p.Call.String() }

// buildWindow chains one sort + window step per call.
func (bd *Builder) buildWindow(n *planner.Window) (PhysicalPlan, error) {
	cur, err := bd.Build(n.Input)
	if err != nil {
		return nil, err
	}
	cols := append([]planner.OutCol{}, n.Input.Columns()...)
	for ci, call := range n.Calls {
		base := len(cols)
		// Compute keys and arguments as extra columns.
		exprs := make([]planner.Expr, 0, base+8)
		ext := append([]planner.OutCol{}, cols...)
		for i, c := range cols {
			exprs = append(exprs, colRef(i, c))
		}
		add := func(e planner.Expr) int {
			exprs = append(exprs, e)
			ext = append(ext, planner.OutCol{Name: "w" + itoa(len(ext)), T: e.Type()})
			return len(exprs) - 1
		}
		wp := &WindowPlan{Call: call}
		var keys []SortKey
		for _, e := range call.Partition {
			c := add(e)
			wp.PartCols = append(wp.PartCols, c)
			keys = append(keys, SortKey{Col: c})
		}
		for i, k := range call.Order {
			c := add(k.Expr)
			wp.OrderCols = append(wp.OrderCols, c)
			keys = append(keys, SortKey{Col: c, Desc: k.Desc, NullsFirst: k.NullsFirst})
			if i == 0 {
				wp.OrderDesc = k.Desc
			}
		}
		for _, a := range call.Args {
			wp.ArgCols = append(wp.ArgCols, add(a))
		}
		proj, err := NewProject(cur, exprs, SchemaOf(ext))
		if err != nil {
			return nil, err
		}
		var sorted PhysicalPlan = Gather(proj)
		if len(keys) > 0 {
			sorted = NewSort(proj, keys, SchemaOf(ext))
		}
		wp.Child = sorted
		withResult := append(append([]planner.OutCol{}, ext...), planner.OutCol{Name: call.Name, T: call.T})
		wp.schema = SchemaOf(withResult)
		// Keep the original columns and this call's result.
		var back []planner.Expr
		for i, c := range cols {
			back = append(back, colRef(i, c))
		}
		back = append(back, colRef(len(ext), withResult[len(ext)]))
		next := append(append([]planner.OutCol{}, cols...), n.Out[len(n.Input.Columns())+ci])
		if cur, err = NewProject(wp, back, SchemaOf(next)); err != nil {
			return nil, err
		}
		cols = next
		_ = base
	}
	return cur, nil
}

func (p *WindowPlan) Open(tc *TaskContext, part int) (Operator, error) {
	return &windowOp{p: p, tc: tc}, nil
}

type windowOp struct {
	p    *WindowPlan
	tc   *TaskContext
	rec  arrow.Record
	off  int64
	done bool
}

func (o *windowOp) Next(ctx context.Context) (batch.Batch, error) {
	if !o.done {
		o.done = true
		rec, err := o.compute()
		if err != nil {
			return batch.Batch{}, err
		}
		o.rec = rec
	}
	if o.rec == nil || o.off >= o.rec.NumRows() {
		return batch.Batch{}, nil
	}
	n := min(int64(o.tc.BatchSize), o.rec.NumRows()-o.off)
	b := o.rec.NewSlice(o.off, o.off+n)
	o.off += n
	return batch.Batch{Rec: b}, nil
}

func (o *windowOp) Close() error {
	if o.rec != nil {
		o.rec.Release()
	}
	return nil
}

// compute reads the whole sorted input and appends the result column.
func (o *windowOp) compute() (arrow.Record, error) {
	in, err := collectAll(o.tc, o.p.Child, o.p.Child.Schema())
	if err != nil {
		return nil, err
	}
	schema := o.p.Child.Schema()
	ncols := schema.NumFields()
	cols := make([]arrow.Array, ncols)
	var n int64
	for c := 0; c < ncols; c++ {
		parts := make([]arrow.Array, len(in))
		for i, r := range in {
			parts[i] = r.Column(c)
		}
		if len(parts) == 0 {
			cols[c] = array.MakeArrayOfNull(o.tc.Eval.Alloc, schema.Field(c).Type, 0)
			continue
		}
		if cols[c], err = array.Concatenate(parts, o.tc.Eval.Alloc); err != nil {
			return nil, err
		}
	}
	for _, r := range in {
		n += r.NumRows()
		r.Release()
	}
	res, err := o.evaluate(cols, int(n))
	if err != nil {
		return nil, err
	}
	cols = append(cols, res)
	rec := array.NewRecord(o.p.schema, cols, n)
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}

func pick(cols []arrow.Array, idx []int) []arrow.Array {
	out := make([]arrow.Array, len(idx))
	for i, c := range idx {
		out[i] = cols[c]
	}
	return out
}

// evaluate computes the call for every row, partition by partition.
func (o *windowOp) evaluate(cols []arrow.Array, n int) (arrow.Array, error) {
	p := o.p
	call := p.Call
	parts := pick(cols, p.PartCols)
	order := pick(cols, p.OrderCols)
	args := pick(cols, p.ArgCols)
	out := newWindowResult(call, args, n)
	partEq, orderEq := newRowEq(parts), newRowEq(order)
	fr := &framer{f: call.Frame, desc: p.OrderDesc}
	if len(order) > 0 {
		fr.orderKey = order[0]
	}
	fr.peerStart = make([]int, n)
	fr.peerEnd = make([]int, n)
	fr.group = make([]int, n)
	for ps := 0; ps < n; {
		if err := o.tc.Ctx.Err(); err != nil {
			return nil, cancelErr(err)
		}
		pe := ps + 1
		for pe < n && partEq.equal(pe, ps) {
			pe++
		}
		// Peer groups within the partition.
		fr.groupStart = fr.groupStart[:0]
		g := -1
		for r := ps; r < pe; r++ {
			if r == ps || !orderEq.equal(r, r-1) {
				g++
				fr.groupStart = append(fr.groupStart, r)
			}
			fr.group[r] = g
		}
		fr.groupStart = append(fr.groupStart, pe)
		for r := ps; r < pe; r++ {
			gi := fr.group[r]
			fr.peerStart[r], fr.peerEnd[r] = fr.groupStart[gi], fr.groupStart[gi+1]
		}
		if err := out.partition(fr, ps, pe); err != nil {
			return nil, err
		}
		ps = pe
	}
	return out.finish(o.tc)
}

// windowResult computes one function's values partition by partition.
type windowResult struct {
	call *planner.WindowCall
	args []arrow.Array
	n    int
	// Outputs, by result kind.
	ints   []int64
	floats []float64
	decs   []decimal128.Num
	valid  []bool
	idx    []int32 // for value functions and min/max: the row to take (-1: NULL)
	useIdx bool
	defIdx []int32 // lag/lead default: row of the default column (-1: none)
}

func newWindowResult(call *planner.WindowCall, args []arrow.Array, n int) *windowResult {
	w := &windowResult{call: call, args: args, n: n, valid: make([]bool, n)}
	switch call.Name {
	case "lag", "lead", "first_value", "last_value", "nth_value", "min", "max":
		w.useIdx = true
		w.idx = make([]int32, n)
		if (call.Name == "lag" || call.Name == "lead") && len(args) == 3 {
			w.defIdx = make([]int32, n)
			for i := range w.defIdx {
				w.defIdx[i] = -1
			}
		}
		return w
	}
	switch call.T.Kind {
	case types.Float32, types.Float64:
		w.floats = make([]float64, n)
	case types.Numeric:
		w.decs = make([]decimal128.Num, n)
	default:
		w.ints = make([]int64, n)
	}
	return w
}

func (w *windowResult) setInt(r int, v int64) { w.ints[r], w.valid[r] = v, true }

func intArg(a arrow.Array, i int) (int64, bool) {
	if a.IsNull(i) {
		return 0, false
	}
	switch x := a.(type) {
	case *array.Int16:
		return int64(x.Value(i)), true
	case *array.Int32:
		return int64(x.Value(i)), true
	case *array.Int64:
		return x.Value(i), true
	}
	return 0, false
}

func (w *windowResult) partition(fr *framer, ps, pe int) error {
	call := w.call
	size := pe - ps
	switch call.Name {
	case "row_number":
		for r := ps; r < pe; r++ {
			w.setInt(r, int64(r-ps+1))
		}
	case "rank":
		for r := ps; r < pe; r++ {
			w.setInt(r, int64(fr.peerStart[r]-ps+1))
		}
	case "dense_rank":
		for r := ps; r < pe; r++ {
			w.setInt(r, int64(fr.group[r]+1))
		}
	case "percent_rank":
		for r := ps; r < pe; r++ {
			v := 0.0
			if size > 1 {
				v = float64(fr.peerStart[r]-ps) / float64(size-1)
			}
			w.floats[r], w.valid[r] = v, true
		}
	case "cume_dist":
		for r := ps; r < pe; r++ {
			w.floats[r], w.valid[r] = float64(fr.peerEnd[r]-ps)/float64(size), true
		}
	case "ntile":
		for r := ps; r < pe; r++ {
			buckets, ok := intArg(w.args[0], r)
			if !ok {
				continue
			}
			if buckets <= 0 {
				return sqlerr.New("22014", "argument of ntile must be greater than zero")
			}
			// PostgreSQL: the first size%buckets buckets get one extra row.
			per, extra := int64(size)/buckets, int64(size)%buckets
			pos := int64(r - ps)
			var b int64
			if pos < extra*(per+1) {
				b = pos/(per+1) + 1
			} else if per > 0 {
				b = extra + (pos-extra*(per+1))/per + 1
			} else {
				b = pos + 1
			}
			w.setInt(r, b)
		}
	case "lag", "lead":
		for r := ps; r < pe; r++ {
			off := int64(1)
			if len(w.args) > 1 {
				v, ok := intArg(w.args[1], r)
				if !ok {
					w.idx[r] = -1
					continue
				}
				off = v
			}
			t := int64(r) - off
			if call.Name == "lead" {
				t = int64(r) + off
			}
			if t >= int64(ps) && t < int64(pe) {
				w.idx[r] = int32(t)
			} else {
				w.idx[r] = -1
				if w.defIdx != nil {
					w.defIdx[r] = int32(r)
				}
			}
		}
	case "first_value", "last_value", "nth_value":
		for r := ps; r < pe; r++ {
			s, e := fr.bounds(r, ps, pe)
			w.idx[r] = -1
			if s >= e {
				continue
			}
			switch call.Name {
			case "first_value":
				w.idx[r] = int32(s)
			case "last_value":
				w.idx[r] = int32(e - 1)
			default:
				k, ok := intArg(w.args[1], r)
				if !ok {
					continue
				}
				if k <= 0 {
					return sqlerr.New("22016", "argument of nth_value must be greater than zero")
				}
				if int64(s)+k-1 < int64(e) {
					w.idx[r] = int32(int64(s) + k - 1)
				}
			}
		}
	default:
		return w.aggregate(fr, ps, pe)
	}
	return nil
}

func (w *windowResult) finish(tc *TaskContext) (arrow.Array, error) {
	mem := tc.Eval.Alloc
	if w.useIdx {
		res := batch.Take(mem, w.args[0], w.idx)
		if w.defIdx == nil {
			return res, nil
		}
		defer res.Release()
		// lag/lead with a default: rows out of range read the default.
		both, err := array.Concatenate([]arrow.Array{res, w.args[2]}, mem)
		if err != nil {
			return nil, err
		}
		defer both.Release()
		idx := make([]int32, w.n)
		for i := range idx {
			idx[i] = int32(i)
			if w.defIdx[i] >= 0 {
				idx[i] = int32(w.n) + w.defIdx[i]
			}
		}
		return batch.Take(mem, both, idx), nil
	}
	t := w.call.T
	bld := array.NewBuilder(mem, t.ArrowType())
	defer bld.Release()
	for i := 0; i < w.n; i++ {
		if !w.valid[i] {
			bld.AppendNull()
			continue
		}
		switch b := bld.(type) {
		case *array.Int64Builder:
			b.Append(w.ints[i])
		case *array.Int32Builder:
			b.Append(int32(w.ints[i]))
		case *array.Float64Builder:
			b.Append(w.floats[i])
		case *array.Float32Builder:
			b.Append(float32(w.floats[i]))
		case *array.Decimal128Builder:
			b.Append(w.decs[i])
		}
	}
	return bld.NewArray(), nil
}
