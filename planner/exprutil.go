package planner

import (
	"fmt"
	"strings"

	"github.com/lodedb/lode/catalog/types"
)

// Rewrite rebuilds e top-down: fn is offered each node first;
// when it returns (x, true) x replaces the node and its children are not
// visited. Nodes are copied, never mutated, so shared subtrees stay intact.
func Rewrite(e Expr, fn func(Expr) (Expr, bool, error)) (Expr, error) {
	if e == nil {
		return nil, nil
	}
	if r, ok, err := fn(e); err != nil || ok {
		return r, err
	}
	var err error
	switch x := e.(type) {
	case *Func:
		c := *x
		c.Args = make([]Expr, len(x.Args))
		for i, a := range x.Args {
			if c.Args[i], err = Rewrite(a, fn); err != nil {
				return nil, err
			}
		}
		return &c, nil
	case *Cast:
		c := *x
		if c.Arg, err = Rewrite(x.Arg, fn); err != nil {
			return nil, err
		}
		return &c, nil
	case *Case:
		c := *x
		c.Whens = make([]When, len(x.Whens))
		for i, w := range x.Whens {
			if c.Whens[i].Cond, err = Rewrite(w.Cond, fn); err != nil {
				return nil, err
			}
			if c.Whens[i].Then, err = Rewrite(w.Then, fn); err != nil {
				return nil, err
			}
		}
		if c.Else, err = Rewrite(x.Else, fn); err != nil {
			return nil, err
		}
		return &c, nil
	case *SubqueryExpr:
		if x.Arg == nil {
			return e, nil
		}
		c := *x
		if c.Arg, err = Rewrite(x.Arg, fn); err != nil {
			return nil, err
		}
		return &c, nil
	case *InList:
		c := *x
		if c.Arg, err = Rewrite(x.Arg, fn); err != nil {
			return nil, err
		}
		c.List = make([]Expr, len(x.List))
		for i, a := range x.List {
			if c.List[i], err = Rewrite(a, fn); err != nil {
				return nil, err
			}
		}
		return &c, nil
	}
	return e, nil
}

// Walk calls fn on every node of e, parents first.
func Walk(e Expr, fn func(Expr)) {
	Rewrite(e, func(x Expr) (Expr, bool, error) {
		fn(x)
		return nil, false, nil
	})
}

// Key is a canonical text of e for structural equality: column references
// by position (two columns named alike from different tables differ).
func Key(e Expr) string {
	var b strings.Builder
	writeKey(&b, e)
	return b.String()
}

func writeKey(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *ColumnRef:
		fmt.Fprintf(b, "$%d", x.Index)
	case *Literal:
		fmt.Fprintf(b, "%s:%v", x.T, x.Value)
	case *Func:
		b.WriteString(x.Name + "(")
		for i, a := range x.Args {
			if i > 0 {
				b.WriteByte(',')
			}
			writeKey(b, a)
		}
		b.WriteByte(')')
	case *Cast:
		b.WriteString("cast(")
		writeKey(b, x.Arg)
		fmt.Fprintf(b, " as %s %v)", x.T, x.Explicit)
	case *Case:
		b.WriteString("case(")
		for _, w := range x.Whens {
			writeKey(b, w.Cond)
			b.WriteByte('?')
			writeKey(b, w.Then)
			b.WriteByte(';')
		}
		writeKey(b, x.Else)
		b.WriteByte(')')
	case *InList:
		b.WriteString("in(")
		writeKey(b, x.Arg)
		for _, a := range x.List {
			b.WriteByte(',')
			writeKey(b, a)
		}
		fmt.Fprintf(b, ")%v", x.Negated)
	case *aggRef:
		fmt.Fprintf(b, "agg%d", x.idx)
	default:
		b.WriteString(e.String())
	}
}

// ColumnsUsed returns the input column indexes e reads.
func ColumnsUsed(e Expr, into map[int]bool) {
	Walk(e, func(x Expr) {
		if c, ok := x.(*ColumnRef); ok {
			into[c.Index] = true
		}
	})
}

// ShiftColumns moves every column reference at index from or above by n:
// the rewrite a predicate needs when the columns before it change (a join
// side seen on its own, a side put after another).
func ShiftColumns(e Expr, from, n int) Expr {
	return mapColumnRefs(e, func(i int) (int, bool) { return i + n, i >= from })
}

// RemapColumns rewrites column references through a mapping old → new index.
func RemapColumns(e Expr, m []int) Expr {
	return mapColumnRefs(e, func(i int) (int, bool) { return m[i], true })
}

// mapColumnRefs copies e with the column references that f accepts moved
// to the index f gives.
func mapColumnRefs(e Expr, f func(int) (int, bool)) Expr {
	r, _ := Rewrite(e, func(x Expr) (Expr, bool, error) {
		if c, ok := x.(*ColumnRef); ok {
			if to, ok := f(c.Index); ok {
				cc := *c
				cc.Index = to
				return &cc, true, nil
			}
		}
		return nil, false, nil
	})
	return r
}

// Conjuncts splits an AND tree into its predicates (none for nil).
func Conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	if f, ok := e.(*Func); ok && f.Name == "and" {
		return append(Conjuncts(f.Args[0]), Conjuncts(f.Args[1])...)
	}
	return []Expr{e}
}

// AndAll joins predicates with AND (nil for none).
func AndAll(preds []Expr) Expr {
	var out Expr
	for _, p := range preds {
		if out == nil {
			out = p
		} else {
			out = &Func{Name: "and", Args: []Expr{out, p}, T: types.TBool}
		}
	}
	return out
}
