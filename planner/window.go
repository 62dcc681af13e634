package planner

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// Frame bound kinds.
const (
	BoundUnboundedPreceding = iota
	BoundPreceding
	BoundCurrentRow
	BoundFollowing
	BoundUnboundedFollowing
)

// Frame modes.
const (
	FrameRange = iota
	FrameRows
	FrameGroups
)

// FrameBound is one end of a window frame; Offset is a constant (for
// RANGE, in the ORDER BY key's units).
type FrameBound struct {
	Kind   int
	Offset float64
}

// Frame is a window frame clause.
type Frame struct {
	Mode       int
	Start, End FrameBound
	// ExcludeCurrentRow etc. are PostgreSQL's EXCLUDE options.
	Exclude string // "", "current row", "group", "ties"
}

// WindowCall is a window function call with its window.
type WindowCall struct {
	Name      string
	Args      []Expr
	Partition []Expr
	Order     []SortKey
	Frame     Frame
	T         types.T
}

func (w *WindowCall) String() string {
	var b strings.Builder
	b.WriteString(w.Name + "(" + exprList(w.Args) + ") OVER (")
	if len(w.Partition) > 0 {
		b.WriteString("PARTITION BY " + exprList(w.Partition))
	}
	if len(w.Order) > 0 {
		if len(w.Partition) > 0 {
			b.WriteString(" ")
		}
		keys := make([]string, len(w.Order))
		for i, k := range w.Order {
			keys[i] = k.String()
		}
		b.WriteString("ORDER BY " + strings.Join(keys, ", "))
	}
	b.WriteString(")")
	return b.String()
}

// Window computes window functions over its input; the output is the input
// columns followed by one column per call.
type Window struct {
	Input Plan
	Calls []*WindowCall
	Out   []OutCol
}

func (p *Window) Columns() []OutCol { return p.Out }
func (p *Window) Inputs() []Plan    { return []Plan{p.Input} }
func (p *Window) Explain() string {
	s := make([]string, len(p.Calls))
	for i, c := range p.Calls {
		s[i] = c.String()
	}
	return "Window [" + strings.Join(s, ", ") + "]"
}

// winRef stands for the i-th window call until the Window node exists.
type winRef struct {
	idx int
	T   types.T
}

func (w *winRef) Type() types.T  { return w.T }
func (w *winRef) String() string { return fmt.Sprintf("win#%d", w.idx) }

var rankingFuncs = map[string]types.T{
	"row_number": types.TInt64, "rank": types.TInt64, "dense_rank": types.TInt64,
	"percent_rank": types.TFloat64, "cume_dist": types.TFloat64, "ntile": types.TInt32,
}

var valueFuncs = map[string]bool{"lag": true, "lead": true, "first_value": true, "last_value": true, "nth_value": true}

// PostgreSQL's FRAMEOPTION_* bits.
const (
	frameRange            = 0x00002
	frameRows             = 0x00004
	frameGroups           = 0x00008
	frameStartUnbPre      = 0x00020
	frameEndUnbPre        = 0x00040
	frameStartUnbFol      = 0x00080
	frameEndUnbFol        = 0x00100
	frameStartCurrent     = 0x00200
	frameEndCurrent       = 0x00400
	frameStartOffsetPre   = 0x00800
	frameEndOffsetPre     = 0x01000
	frameStartOffsetFol   = 0x02000
	frameEndOffsetFol     = 0x04000
	frameExcludeCurrent   = 0x08000
	frameExcludeGroup     = 0x10000
	frameExcludeTies      = 0x20000
	frameNonDefault       = 0x00001
	frameDefaultNoOptions = frameRange | frameStartUnbPre | frameEndCurrent
)

// bindWindow binds f(...) OVER (...).
func (b *Binder) bindWindow(name string, fc *pg.FuncCall, ec *exprCtx) (Expr, error) {
	if ec.wins == nil {
		clause := ec.clause
		if clause == "" {
			clause = "this context"
		}
		return nil, b.errAt(sqlerr.New(sqlerr.WindowingError, "window functions are not allowed in %s", clause), fc.Location)
	}
	def := fc.Over
	if def.Refname != "" || (def.Name != "" && len(def.PartitionClause) == 0 && len(def.OrderClause) == 0 && def.FrameOptions&frameNonDefault == 0) {
		ref := def.Refname
		if ref == "" {
			ref = def.Name
		}
		named, ok := b.windows[ref]
		if !ok {
			return nil, b.errAt(sqlerr.New(sqlerr.UndefinedObject, "window \"%s\" does not exist", ref), fc.Location)
		}
		merged := &pg.WindowDef{PartitionClause: named.PartitionClause, OrderClause: named.OrderClause,
			FrameOptions: named.FrameOptions, StartOffset: named.StartOffset, EndOffset: named.EndOffset}
		if len(def.OrderClause) > 0 {
			merged.OrderClause = def.OrderClause
		}
		if def.FrameOptions&frameNonDefault != 0 {
			merged.FrameOptions, merged.StartOffset, merged.EndOffset = def.FrameOptions, def.StartOffset, def.EndOffset
		}
		def = merged
	}
	inner := &exprCtx{scope: ec.scope, aggs: ec.aggs, clause: "window function calls"}
	call := &WindowCall{Name: name}
	for _, a := range fc.Args {
		e, err := b.bindExpr(a, inner)
		if err != nil {
			return nil, err
		}
		call.Args = append(call.Args, e)
	}
	for _, p := range def.PartitionClause {
		e, err := b.bindExpr(p, inner)
		if err != nil {
			return nil, err
		}
		call.Partition = append(call.Partition, e)
	}
	for _, o := range def.OrderClause {
		s := o.GetSortBy()
		desc, nf, err := sortDirection(s)
		if err != nil {
			return nil, err
		}
		e, err := b.bindExpr(s.Node, inner)
		if err != nil {
			return nil, err
		}
		call.Order = append(call.Order, SortKey{Expr: e, Desc: desc, NullsFirst: nf})
	}
	var err error
	if call.Frame, err = b.bindFrame(def, call); err != nil {
		return nil, err
	}
	switch {
	case rankingFuncs[name].Kind != types.Unknown:
		call.T = rankingFuncs[name]
		if name == "ntile" {
			if len(call.Args) != 1 {
				return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function ntile requires one argument"), fc.Location)
			}
			if call.Args[0], err = b.coerce(call.Args[0], types.TInt32, fc.Location); err != nil {
				return nil, err
			}
		} else if len(call.Args) != 0 {
			return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s takes no arguments", name), fc.Location)
		}
	case valueFuncs[name]:
		if len(call.Args) == 0 {
			return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s() does not exist", name), fc.Location)
		}
		if call.Args[0].Type().Kind == types.Unknown {
			if call.Args[0], err = b.coerce(call.Args[0], types.TText, fc.Location); err != nil {
				return nil, err
			}
		}
		call.T = call.Args[0].Type()
		for i := 1; i < len(call.Args); i++ {
			want := types.TInt32
			if i == 2 {
				want = call.T
			}
			if call.Args[i], err = b.coerce(call.Args[i], want, fc.Location); err != nil {
				return nil, err
			}
		}
	case aggregateNames[name]:
		if fc.AggDistinct {
			return nil, b.unsupported(fc.Location, "DISTINCT is not implemented for window functions")
		}
		if fc.AggStar {
			call.Name, call.T, call.Args = "count_star", types.TInt64, nil
		} else {
			if len(call.Args) != 1 {
				return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s with %d arguments does not exist", name, len(call.Args)), fc.Location)
			}
			if call.Args[0].Type().Kind == types.Unknown {
				if call.Args[0], err = b.coerce(call.Args[0], types.TText, fc.Location); err != nil {
					return nil, err
				}
			}
			if call.T, err = aggregateType(name, call.Args[0].Type()); err != nil {
				return nil, b.errAt(sqlerr.As(err), fc.Location)
			}
		}
	default:
		return nil, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function %s is not a window function", name), fc.Location)
	}
	*ec.wins = append(*ec.wins, call)
	return &winRef{idx: len(*ec.wins) - 1, T: call.T}, nil
}

func (b *Binder) bindFrame(def *pg.WindowDef, call *WindowCall) (Frame, error) {
	opts := def.FrameOptions
	if opts&frameNonDefault == 0 {
		opts = frameDefaultNoOptions
	}
	f := Frame{Mode: FrameRange}
	switch {
	case opts&frameRows != 0:
		f.Mode = FrameRows
	case opts&frameGroups != 0:
		f.Mode = FrameGroups
	}
	offset := func(n *pg.Node) (float64, error) {
		e, err := b.bindExpr(n, &exprCtx{clause: "window frame"})
		if err != nil {
			return 0, err
		}
		if c, ok := e.(*Cast); ok {
			e = c.Arg
		}
		lit, ok := e.(*Literal)
		if !ok || lit.Value == nil {
			return 0, sqlerr.New(sqlerr.FeatureNotSupported, "window frame offsets must be constants")
		}
		var v float64
		switch x := lit.Value.(type) {
		case int64:
			v = float64(x)
		case float64:
			v = x
		default:
			if n, ok := lit.Value.(interface{ ToFloat64(int32) float64 }); ok {
				v = n.ToFloat64(lit.T.Scale)
			} else {
				return 0, sqlerr.New(sqlerr.FeatureNotSupported, "window frame offset of type %s is not supported", lit.T)
			}
		}
		if v < 0 {
			return 0, sqlerr.New("22013", "frame starting or ending offset must not be negative")
		}
		return v, nil
	}
	var err error
	switch {
	case opts&frameStartUnbPre != 0:
		f.Start.Kind = BoundUnboundedPreceding
	case opts&frameStartCurrent != 0:
		f.Start.Kind = BoundCurrentRow
	case opts&frameStartOffsetPre != 0:
		f.Start.Kind = BoundPreceding
		f.Start.Offset, err = offset(def.StartOffset)
	case opts&frameStartOffsetFol != 0:
		f.Start.Kind = BoundFollowing
		f.Start.Offset, err = offset(def.StartOffset)
	case opts&frameStartUnbFol != 0:
		return f, sqlerr.New(sqlerr.SyntaxError, "frame start cannot be UNBOUNDED FOLLOWING")
	}
	if err != nil {
		return f, err
	}
	switch {
	case opts&frameEndUnbFol != 0:
		f.End.Kind = BoundUnboundedFollowing
	case opts&frameEndCurrent != 0:
		f.End.Kind = BoundCurrentRow
	case opts&frameEndOffsetPre != 0:
		f.End.Kind = BoundPreceding
		f.End.Offset, err = offset(def.EndOffset)
	case opts&frameEndOffsetFol != 0:
		f.End.Kind = BoundFollowing
		f.End.Offset, err = offset(def.EndOffset)
	case opts&frameEndUnbPre != 0:
		return f, sqlerr.New(sqlerr.SyntaxError, "frame end cannot be UNBOUNDED PRECEDING")
	default:
		f.End.Kind = BoundCurrentRow
	}
	if err != nil {
		return f, err
	}
	switch {
	case opts&frameExcludeCurrent != 0:
		f.Exclude = "current row"
	case opts&frameExcludeGroup != 0:
		f.Exclude = "group"
	case opts&frameExcludeTies != 0:
		f.Exclude = "ties"
	}
	if f.Mode == FrameRange && (f.Start.Kind == BoundPreceding || f.Start.Kind == BoundFollowing ||
		f.End.Kind == BoundPreceding || f.End.Kind == BoundFollowing) && len(call.Order) != 1 {
		return f, sqlerr.New("42P20", "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
	}
	return f, nil
}

func containsWin(e Expr) bool {
	found := false
	Walk(e, func(x Expr) {
		if _, ok := x.(*winRef); ok {
			found = true
		}
	})
	return found
}
