package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// cteDef is a bound common table expression, visible by name in the rest
// of its query (and in subqueries, which copy the binder).
type cteDef struct {
	plan Plan
}

// WorkTableScan reads the rows of the previous iteration of the recursive
// CTE identified by ID (inside that CTE's recursive term).
type WorkTableScan struct {
	ID  int
	Out []OutCol
}

func (p *WorkTableScan) Columns() []OutCol { return p.Out }
func (p *WorkTableScan) Inputs() []Plan    { return nil }
func (p *WorkTableScan) Explain() string   { return "WorkTableScan #" + itoa(p.ID) }

// RecursiveCTE evaluates WITH RECURSIVE: Anchor once, then Recursive
// repeatedly over the previous iteration's new rows (its WorkTableScan),
// until an iteration adds nothing. Distinct is UNION (rows already seen
// are dropped) as opposed to UNION ALL.
type RecursiveCTE struct {
	ID                int
	Anchor, Recursive Plan
	Distinct          bool
	Out               []OutCol
}

func (p *RecursiveCTE) Columns() []OutCol { return p.Out }
func (p *RecursiveCTE) Inputs() []Plan    { return []Plan{p.Anchor, p.Recursive} }
func (p *RecursiveCTE) Explain() string {
	if p.Distinct {
		return "RecursiveUnion #" + itoa(p.ID)
	}
	return "RecursiveUnionAll #" + itoa(p.ID)
}

var nextCTEID int

// bindWith binds a WITH clause's CTEs in order, each visible to the later
// ones and to the main query.
func (b *Binder) bindWith(w *pg.WithClause) error {
	for _, n := range w.Ctes {
		cte := n.GetCommonTableExpr()
		sel := cte.Ctequery.GetSelectStmt()
		if sel == nil {
			return b.unsupported(cte.Location, "WITH with data-modifying statements is not supported")
		}
		var plan Plan
		var err error
		if w.Recursive && refersTo(sel, cte.Ctename) {
			plan, err = b.bindRecursive(cte, sel)
		} else {
			plan, err = b.BindSelect(sel)
		}
		if err != nil {
			return err
		}
		if plan, err = b.requalify(plan, cte.Ctename, cte.Aliascolnames); err != nil {
			return err
		}
		if b.ctes == nil {
			b.ctes = map[string]*cteDef{}
		} else {
			// Copy on write: an outer query's map must not see inner CTEs.
			m := make(map[string]*cteDef, len(b.ctes)+1)
			for k, v := range b.ctes {
				m[k] = v
			}
			b.ctes = m
		}
		b.ctes[cte.Ctename] = &cteDef{plan: plan}
	}
	return nil
}

// refersTo reports whether a SELECT mentions a relation name anywhere
// (a cheap test for recursion; the binder checks properly).
func refersTo(sel *pg.SelectStmt, name string) bool {
	found := false
	var walk func(n any)
	walk = func(n any) {
		switch x := n.(type) {
		case *pg.SelectStmt:
			if x == nil {
				return
			}
			for _, f := range x.FromClause {
				walk(f)
			}
			walk(x.Larg)
			walk(x.Rarg)
			walk(x.WhereClause)
		case *pg.Node:
			if x == nil {
				return
			}
			switch {
			case x.GetRangeVar() != nil:
				if x.GetRangeVar().Schemaname == "" && x.GetRangeVar().Relname == name {
					found = true
				}
			case x.GetJoinExpr() != nil:
				walk(x.GetJoinExpr().Larg)
				walk(x.GetJoinExpr().Rarg)
			case x.GetRangeSubselect() != nil:
				walk(x.GetRangeSubselect().Subquery.GetSelectStmt())
			case x.GetSelectStmt() != nil:
				walk(x.GetSelectStmt())
			case x.GetSubLink() != nil:
				walk(x.GetSubLink().Subselect.GetSelectStmt())
			case x.GetBoolExpr() != nil:
				for _, a := range x.GetBoolExpr().Args {
					walk(a)
				}
			case x.GetAExpr() != nil:
				walk(x.GetAExpr().Lexpr)
				walk(x.GetAExpr().Rexpr)
			}
		}
	}
	walk(sel)
	return found
}

// bindRecursive binds `anchor UNION [ALL] recursive-term`.
func (b *Binder) bindRecursive(cte *pg.CommonTableExpr, sel *pg.SelectStmt) (Plan, error) {
	if sel.Op != pg.SetOperation_SETOP_UNION {
		return nil, b.errAt(sqlerr.New(sqlerr.InvalidColumnRef,
			"recursive query \"%s\" does not have the form non-recursive-term UNION [ALL] recursive-term", cte.Ctename), cte.Location)
	}
	anchor, err := b.BindSelect(sel.Larg)
	if err != nil {
		return nil, err
	}
	cols := visible(anchor.Columns())
	for i, a := range cte.Aliascolnames {
		if i < len(cols) {
			cols[i].Name = a.GetString_().Sval
		}
	}
	nextCTEID++
	id := nextCTEID
	work := &WorkTableScan{ID: id}
	ts := make([]types.T, len(cols))
	for i, c := range cols {
		t := c.T
		if t.Kind == types.Unknown {
			t = types.TText
		}
		ts[i] = t
		work.Out = append(work.Out, OutCol{Name: c.Name, T: t, Qual: cte.Ctename})
	}
	if anchor, err = b.castColumns(anchor, ts); err != nil {
		return nil, err
	}
	child := *b
	m := map[string]*cteDef{}
	for k, v := range b.ctes {
		m[k] = v
	}
	m[cte.Ctename] = &cteDef{plan: work}
	child.ctes = m
	rec, err := child.BindSelect(sel.Rarg)
	if err != nil {
		return nil, err
	}
	b.ParamTypes = child.ParamTypes
	if len(visible(rec.Columns())) != len(ts) {
		return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "each UNION query must have the same number of columns"), cte.Location)
	}
	if rec, err = b.castColumns(rec, ts); err != nil {
		return nil, err
	}
	out := make([]OutCol, len(ts))
	for i := range ts {
		out[i] = OutCol{Name: work.Out[i].Name, T: ts[i]}
	}
	return &RecursiveCTE{ID: id, Anchor: anchor, Recursive: rec, Distinct: !sel.All, Out: out}, nil
}
