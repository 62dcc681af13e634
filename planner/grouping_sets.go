package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// groupingRef is grouping(args…) until the aggregate's grouping sets are
// known; it becomes a per-set constant bitmask.
type groupingRef struct {
	Args []Expr
}

func (g *groupingRef) Type() types.T  { return types.TInt32 }
func (g *groupingRef) String() string { return "grouping(" + exprList(g.Args) + ")" }

func (b *Binder) bindGroupingFunc(gf *pg.GroupingFunc, ec *exprCtx) (Expr, error) {
	if ec.aggs == nil {
		return nil, b.errAt(sqlerr.New(sqlerr.GroupingError, "grouping operations are not allowed in %s", ec.clause), gf.Location)
	}
	g := &groupingRef{}
	for _, a := range gf.Args {
		e, err := b.bindExpr(a, &exprCtx{scope: ec.scope, clause: "grouping"})
		if err != nil {
			return nil, err
		}
		g.Args = append(g.Args, e)
	}
	return g, nil
}

// groupingSets expands GROUP BY items with GROUPING SETS / ROLLUP / CUBE
// into a flat list of group expressions and the sets (indexes into it);
// sets is nil for a plain GROUP BY.
func (sb *selectBinder) groupingSets(items []*pg.Node) ([]Expr, [][]int, error) {
	var flat []Expr
	index := func(e Expr) int {
		k := Key(e)
		for i, f := range flat {
			if Key(f) == k {
				return i
			}
		}
		flat = append(flat, e)
		return len(flat) - 1
	}
	bindOne := func(n *pg.Node) (int, error) {
		e, err := sb.bindGroupItem(n)
		if err != nil {
			return 0, err
		}
		return index(e), nil
	}
	// bindList binds a set's content: expressions or (a, b) rows.
	bindList := func(nodes []*pg.Node) ([]int, error) {
		var out []int
		for _, n := range nodes {
			if r := n.GetRowExpr(); r != nil {
				for _, a := range r.Args {
					i, err := bindOne(a)
					if err != nil {
						return nil, err
					}
					out = append(out, i)
				}
				continue
			}
			if l := n.GetList(); l != nil {
				for _, a := range l.Items {
					i, err := bindOne(a)
					if err != nil {
						return nil, err
					}
					out = append(out, i)
				}
				continue
			}
			i, err := bindOne(n)
			if err != nil {
				return nil, err
			}
			out = append(out, i)
		}
		return out, nil
	}
	sets := [][]int{{}}
	anySets := false
	for _, item := range items {
		var itemSets [][]int
		gs := item.GetGroupingSet()
		if gs == nil {
			i, err := bindOne(item)
			if err != nil {
				return nil, nil, err
			}
			itemSets = [][]int{{i}}
		} else {
			anySets = true
			switch gs.Kind {
			case pg.GroupingSetKind_GROUPING_SET_EMPTY:
				itemSets = [][]int{{}}
			case pg.GroupingSetKind_GROUPING_SET_ROLLUP:
				elems, err := sb.elements(gs.Content, bindList)
				if err != nil {
					return nil, nil, err
				}
				for k := len(elems); k >= 0; k-- {
					itemSets = append(itemSets, concatSets(elems[:k]))
				}
			case pg.GroupingSetKind_GROUPING_SET_CUBE:
				elems, err := sb.elements(gs.Content, bindList)
				if err != nil {
					return nil, nil, err
				}
				n := len(elems)
				for mask := (1 << n) - 1; mask >= 0; mask-- {
					var parts [][]int
					for k := 0; k < n; k++ {
						if mask&(1<<(n-1-k)) != 0 {
							parts = append(parts, elems[k])
						}
					}
					itemSets = append(itemSets, concatSets(parts))
				}
			case pg.GroupingSetKind_GROUPING_SET_SETS:
				for _, c := range gs.Content {
					if inner := c.GetGroupingSet(); inner != nil {
						sub, _, err := sb.groupingSetsOf(c, bindList)
						if err != nil {
							return nil, nil, err
						}
						itemSets = append(itemSets, sub...)
						continue
					}
					s, err := bindList([]*pg.Node{c})
					if err != nil {
						return nil, nil, err
					}
					itemSets = append(itemSets, s)
				}
			default:
				s, err := bindList(gs.Content)
				if err != nil {
					return nil, nil, err
				}
				itemSets = [][]int{s}
			}
		}
		// GROUP BY a, ROLLUP(b): the cross product of the items' sets.
		var next [][]int
		for _, s := range sets {
			for _, t := range itemSets {
				next = append(next, append(append([]int{}, s...), t...))
			}
		}
		sets = next
	}
	if !anySets {
		return flat, nil, nil
	}
	return flat, sets, nil
}

// groupingSetsOf expands a nested grouping set inside GROUPING SETS (…).
func (sb *selectBinder) groupingSetsOf(n *pg.Node, bindList func([]*pg.Node) ([]int, error)) ([][]int, bool, error) {
	gs := n.GetGroupingSet()
	switch gs.Kind {
	case pg.GroupingSetKind_GROUPING_SET_EMPTY:
		return [][]int{{}}, true, nil
	case pg.GroupingSetKind_GROUPING_SET_ROLLUP, pg.GroupingSetKind_GROUPING_SET_CUBE:
		elems, err := sb.elements(gs.Content, bindList)
		if err != nil {
			return nil, false, err
		}
		var out [][]int
		if gs.Kind == pg.GroupingSetKind_GROUPING_SET_ROLLUP {
			for k := len(elems); k >= 0; k-- {
				out = append(out, concatSets(elems[:k]))
			}
		} else {
			m := len(elems)
			for mask := (1 << m) - 1; mask >= 0; mask-- {
				var parts [][]int
				for k := 0; k < m; k++ {
					if mask&(1<<(m-1-k)) != 0 {
						parts = append(parts, elems[k])
					}
				}
				out = append(out, concatSets(parts))
			}
		}
		return out, true, nil
	}
	s, err := bindList(gs.Content)
	return [][]int{s}, true, err
}

// elements binds the elements of ROLLUP/CUBE: each an expression or a
// parenthesised list treated as one unit.
func (sb *selectBinder) elements(content []*pg.Node, bindList func([]*pg.Node) ([]int, error)) ([][]int, error) {
	var out [][]int
	for _, c := range content {
		s, err := bindList([]*pg.Node{c})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func concatSets(parts [][]int) []int {
	var out []int
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// groupedBySets builds the aggregate of a query with grouping sets: one
// aggregate per set, each padded with NULLs for the keys it does not
// group by and tagged with its set number, all unioned. The output looks
// like one Aggregate over every key (then aggregates, then the set id).
func (sb *selectBinder) groupedBySets(input Plan, groups []Expr, sets [][]int) Plan {
	ng, na := len(groups), len(sb.aggs)
	var out []OutCol
	for _, g := range groups {
		oc := OutCol{Name: "?column?", T: g.Type()}
		if c, ok := g.(*ColumnRef); ok {
			oc = sb.in.cols[c.Index]
		}
		out = append(out, oc)
	}
	for _, a := range sb.aggs {
		out = append(out, OutCol{Name: a.Name, T: a.T})
	}
	out = append(out, OutCol{Name: "?grouping set?", T: types.TInt32, Hidden: true})
	var branches []Plan
	for si, set := range sets {
		in := map[int]int{}
		var keys []Expr
		var aggOut []OutCol
		for _, i := range set {
			if _, dup := in[i]; dup {
				continue
			}
			in[i] = len(keys)
			keys = append(keys, groups[i])
			aggOut = append(aggOut, out[i])
		}
		for k := range sb.aggs {
			aggOut = append(aggOut, out[ng+k])
		}
		agg := &Aggregate{Input: input, Groups: keys, Aggs: sb.aggs, Out: aggOut}
		exprs := make([]Expr, 0, ng+na+1)
		for i, g := range groups {
			if pos, ok := in[i]; ok {
				exprs = append(exprs, &ColumnRef{Index: pos, Name: out[i].Name, T: g.Type()})
			} else {
				exprs = append(exprs, &Literal{T: g.Type()})
			}
		}
		for k, a := range sb.aggs {
			exprs = append(exprs, &ColumnRef{Index: len(keys) + k, Name: a.Name, T: a.T})
		}
		exprs = append(exprs, &Literal{Value: int64(si), T: types.TInt32})
		branches = append(branches, &Project{Input: agg, Exprs: exprs, Out: out})
	}
	return &UnionAll{Branches: branches, Out: out}
}

// groupingValue turns grouping(args) into its per-set bitmask: bit k (from
// the right) is 1 when the k-th argument is not grouped in the row's set.
func groupingValue(g *groupingRef, groups []Expr, sets [][]int, gidCol int) (Expr, error) {
	idx := make([]int, len(g.Args))
	for i, a := range g.Args {
		idx[i] = -1
		for j, gr := range groups {
			if Key(gr) == Key(a) {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, sqlerr.New(sqlerr.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level")
		}
	}
	mask := func(set []int) int64 {
		var m int64
		for _, j := range idx {
			m <<= 1
			found := false
			for _, s := range set {
				if s == j {
					found = true
				}
			}
			if !found {
				m |= 1
			}
		}
		return m
	}
	if sets == nil {
		return &Literal{Value: int64(0), T: types.TInt32}, nil
	}
	c := &Case{Else: &Literal{Value: int64(0), T: types.TInt32}, T: types.TInt32}
	gid := &ColumnRef{Index: gidCol, Name: "?grouping set?", T: types.TInt32}
	for si, set := range sets {
		c.Whens = append(c.Whens, When{
			Cond: &Func{Name: "=", Args: []Expr{gid, &Literal{Value: int64(si), T: types.TInt32}}, T: types.TBool},
			Then: &Literal{Value: mask(set), T: types.TInt32}})
	}
	return c, nil
}
