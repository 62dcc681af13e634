package rules

import (
	"github.com/lodedb/lode/planner"
)

// ReorderJoins picks the order of a tree of three or more inner joins
// instead of taking the FROM list's: written orders such as TPC-H's
// `FROM part, supplier, lineitem, …` would otherwise start with a cross
// product of two dimension tables. The order is greedy and left-deep: the
// largest input first (it streams through every join as the probe side),
// then repeatedly the input, among those a join condition links to what is
// placed, that keeps fewest of its rows (filtered inputs first, since
// joining them early shrinks every later join), the smaller one on ties.
// A cross product is taken only when no linked input remains. Row counts
// come from the Delta log (estimateRows). A projection on top restores
// the column order the parent expects.
func ReorderJoins(p planner.Plan) planner.Plan {
	j, ok := p.(*planner.Join)
	if !ok || !reorderable(j) {
		return rebuild(p, ReorderJoins)
	}
	g := &joinGraph{}
	g.flatten(j, 0)
	if len(g.leaves) < 3 || g.volatile || g.width != len(j.Out) {
		return rebuild(p, ReorderJoins)
	}
	for i, l := range g.leaves {
		g.leaves[i] = ReorderJoins(l)
	}
	return g.build(j.Out)
}

func reorderable(j *planner.Join) bool {
	return j.Type == planner.JoinInner || j.Type == planner.JoinCross
}

// joinGraph is a flattened inner-join tree: its inputs, and its conditions
// over the concatenation of their columns in the written order.
type joinGraph struct {
	leaves   []planner.Plan
	start    []int // first column of each leaf
	width    int
	conds    []planner.Expr
	volatile bool
}

func (g *joinGraph) flatten(p planner.Plan, offset int) {
	if j, ok := p.(*planner.Join); ok && reorderable(j) {
		g.flatten(j.Left, offset)
		g.flatten(j.Right, offset+len(j.Left.Columns()))
		for _, c := range planner.Conjuncts(j.Cond) {
			if volatile(c) {
				g.volatile = true
			}
			g.conds = append(g.conds, planner.ShiftColumns(c, 0, offset))
		}
		return
	}
	g.leaves = append(g.leaves, p)
	g.start = append(g.start, offset)
	g.width = offset + len(p.Columns())
}

// leafOf is the leaf holding global column c.
func (g *joinGraph) leafOf(c int) int {
	for i := len(g.start) - 1; i >= 0; i-- {
		if c >= g.start[i] {
			return i
		}
	}
	return 0
}

func (g *joinGraph) build(out []planner.OutCol) planner.Plan {
	n := len(g.leaves)
	rows := make([]float64, n)
	keep := make([]float64, n) // fraction of its rows a leaf's filters keep
	for i, l := range g.leaves {
		rows[i] = estimateRows(l)
		keep[i] = min(1, rows[i]/max(unfilteredRows(l), 1))
	}
	// Equalities between two inputs' columns are what a hash join can use;
	// other conditions (an OR over two inputs, say) link nothing.
	type link struct{ a, b int }
	var links []link
	for _, c := range g.conds {
		if a, b, ok := g.equiLink(c); ok {
			links = append(links, link{a, b})
		}
	}
	placed := make([]bool, n)
	first := 0 // the largest input before its filters: the fact table
	base := make([]float64, n)
	for i, l := range g.leaves {
		base[i] = unfilteredRows(l)
		if base[i] > base[first] {
			first = i
		}
	}
	order := []int{first}
	placed[first] = true
	linked := func(i int) bool {
		for _, l := range links {
			if (l.a == i && placed[l.b]) || (l.b == i && placed[l.a]) {
				return true
			}
		}
		return false
	}
	for len(order) < n {
		best, bestLinked := -1, false
		for i := 0; i < n; i++ {
			if placed[i] {
				continue
			}
			li := linked(i)
			switch {
			case best < 0, li && !bestLinked:
			case li != bestLinked:
				continue
			case keep[i] < keep[best], keep[i] == keep[best] && rows[i] < rows[best]:
			default:
				continue
			}
			best, bestLinked = i, li
		}
		order = append(order, best)
		placed[best] = true
	}
	return g.assemble(order, out)
}

// assemble builds the left-deep tree for order, each condition on the
// lowest join that has all its columns, and projects the written order.
func (g *joinGraph) assemble(order []int, out []planner.OutCol) planner.Plan {
	pos := make([]int, g.width) // global column → position in cur's output
	used := make([]bool, len(g.conds))
	have := map[int]bool{}
	var cur planner.Plan
	var cols []planner.OutCol
	for _, leaf := range order {
		l := g.leaves[leaf]
		lc := l.Columns()
		for k := range lc {
			pos[g.start[leaf]+k] = len(cols) + k
		}
		have[leaf] = true
		if cur == nil {
			cur, cols = l, append([]planner.OutCol(nil), lc...)
			continue
		}
		var on []planner.Expr
		for k, c := range g.conds {
			if used[k] || !g.condReady(c, have) {
				continue
			}
			used[k] = true
			on = append(on, planner.RemapColumns(c, pos))
		}
		cols = append(cols, lc...)
		jt := planner.JoinCross
		cond := planner.AndAll(on)
		if cond != nil {
			jt = planner.JoinInner
		}
		cur = &planner.Join{Left: cur, Right: l, Type: jt, Cond: cond, Out: append([]planner.OutCol(nil), cols...)}
	}
	exprs := make([]planner.Expr, len(out))
	for i, c := range out {
		exprs[i] = &planner.ColumnRef{Index: pos[i], Name: c.Name, T: c.T}
	}
	return &planner.Project{Input: cur, Exprs: exprs, Out: out}
}

// equiLink reports the two inputs an equality condition joins, when each
// side of the = uses the columns of one input.
func (g *joinGraph) equiLink(c planner.Expr) (a, b int, ok bool) {
	f, isFunc := c.(*planner.Func)
	if !isFunc || f.Name != "=" || len(f.Args) != 2 {
		return 0, 0, false
	}
	side := func(e planner.Expr) int {
		leaf := -1
		for col := range used(e) {
			l := g.leafOf(col)
			if leaf >= 0 && l != leaf {
				return -1
			}
			leaf = l
		}
		return leaf
	}
	a, b = side(f.Args[0]), side(f.Args[1])
	return a, b, a >= 0 && b >= 0 && a != b
}

func (g *joinGraph) condReady(c planner.Expr, have map[int]bool) bool {
	for col := range used(c) {
		if !have[g.leafOf(col)] {
			return false
		}
	}
	return true
}

// unfilteredRows is estimateRows without the filters directly on an input,
// so that their ratio says how selective those filters are.
func unfilteredRows(p planner.Plan) float64 {
	switch n := p.(type) {
	case *planner.Scan:
		c := *n
		c.Filters = nil
		return estimateRows(&c)
	case *planner.Filter:
		return unfilteredRows(n.Input)
	}
	return estimateRows(p)
}
