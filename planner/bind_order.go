package planner

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// sortKeyBinding is one ORDER BY item: an output column (target) or an
// expression over the input that becomes a hidden output column.
type sortKeyBinding struct {
	target     int
	hidden     Expr
	desc       bool
	nullsFirst bool
}

func sortDirection(sb *pg.SortBy) (desc, nullsFirst bool, err error) {
	switch sb.SortbyDir {
	case pg.SortByDir_SORTBY_DESC:
		desc = true
	case pg.SortByDir_SORTBY_USING:
		return false, false, sqlerr.New(sqlerr.FeatureNotSupported, "ORDER BY … USING is not supported")
	}
	// PostgreSQL: NULLs sort as larger than every value by default.
	nullsFirst = desc
	switch sb.SortbyNulls {
	case pg.SortByNulls_SORTBY_NULLS_FIRST:
		nullsFirst = true
	case pg.SortByNulls_SORTBY_NULLS_LAST:
		nullsFirst = false
	}
	return desc, nullsFirst, nil
}

func (sb *selectBinder) bindSortKeys(ec *exprCtx) ([]sortKeyBinding, error) {
	return sb.bindKeyList(sb.stmt.SortClause, ec)
}

// bindDistinctOn binds DISTINCT ON (…) items like sort keys: output
// columns by position or name, else expressions over the input.
func (sb *selectBinder) bindDistinctOn(ec *exprCtx) ([]sortKeyBinding, error) {
	d := sb.stmt.DistinctClause
	if len(d) == 0 || (len(d) == 1 && (d[0] == nil || d[0].Node == nil)) {
		return nil, nil
	}
	var nodes []*pg.Node
	for _, item := range d {
		nodes = append(nodes, &pg.Node{Node: &pg.Node_SortBy{SortBy: &pg.SortBy{Node: item}}})
	}
	return sb.bindKeyList(nodes, ec)
}

func (sb *selectBinder) bindKeyList(items []*pg.Node, ec *exprCtx) ([]sortKeyBinding, error) {
	b := sb.b
	var keys []sortKeyBinding
	for _, n := range items {
		s := n.GetSortBy()
		desc, nf, err := sortDirection(s)
		if err != nil {
			return nil, err
		}
		k := sortKeyBinding{desc: desc, nullsFirst: nf, target: -1}
		if c := s.Node.GetAConst(); c != nil && c.GetIval() != nil {
			pos := int(c.GetIval().Ival)
			if pos < 1 || pos > len(sb.targets) {
				return nil, b.errAt(sqlerr.New(sqlerr.InvalidColumnRef, "ORDER BY position %d is not in select list", pos), c.Location)
			}
			k.target = pos - 1
			keys = append(keys, k)
			continue
		}
		if cr := s.Node.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && cr.Fields[0].GetString_() != nil {
			if i := sb.outputIndex(cr.Fields[0].GetString_().Sval); i >= 0 {
				k.target = i
				keys = append(keys, k)
				continue
			}
		}
		e, err := b.bindExpr(s.Node, ec)
		if err != nil {
			return nil, err
		}
		// An expression equal to a select-list item sorts by that column.
		key := Key(e)
		for i, t := range sb.targets {
			if Key(t) == key {
				k.target = i
				break
			}
		}
		if k.target < 0 {
			k.hidden = e
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// bindOrderBy sorts the result of a set operation or VALUES: keys name
// output columns by name or position.
func (b *Binder) bindOrderBy(plan Plan, items []*pg.Node, sc *scope, _ []Expr) (Plan, error) {
	cols := plan.Columns()
	var keys []SortKey
	for _, n := range items {
		s := n.GetSortBy()
		desc, nf, err := sortDirection(s)
		if err != nil {
			return nil, err
		}
		var e Expr
		if c := s.Node.GetAConst(); c != nil && c.GetIval() != nil {
			pos := int(c.GetIval().Ival)
			if pos < 1 || pos > len(cols) {
				return nil, b.errAt(sqlerr.New(sqlerr.InvalidColumnRef, "ORDER BY position %d is not in select list", pos), c.Location)
			}
			e = &ColumnRef{Index: pos - 1, Name: cols[pos-1].Name, T: cols[pos-1].T}
		} else if e, err = b.bindExpr(s.Node, &exprCtx{scope: sc, clause: "ORDER BY"}); err != nil {
			return nil, err
		}
		keys = append(keys, SortKey{Expr: e, Desc: desc, NullsFirst: nf})
	}
	return &Sort{Input: plan, Keys: keys}, nil
}

func (b *Binder) bindLimit(plan Plan, s *pg.SelectStmt) (Plan, error) {
	if s.LimitCount == nil && s.LimitOffset == nil {
		return plan, nil
	}
	if s.LimitOption == pg.LimitOption_LIMIT_OPTION_WITH_TIES {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "FETCH … WITH TIES is not supported yet")
	}
	l := &Limit{Input: plan, Count: -1}
	var err error
	if s.LimitCount != nil {
		if l.Count, err = b.constInt(s.LimitCount, "LIMIT", -1); err != nil {
			return nil, err
		}
	}
	if s.LimitOffset != nil {
		if l.Offset, err = b.constInt(s.LimitOffset, "OFFSET", 0); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// constInt evaluates a LIMIT/OFFSET argument, which must be a constant
// integer (NULL means no limit).
func (b *Binder) constInt(n *pg.Node, what string, ifNull int64) (int64, error) {
	e, err := b.bindExpr(n, &exprCtx{clause: what})
	if err != nil {
		return 0, err
	}
	lit, ok := e.(*Literal)
	if !ok {
		if c, ok := e.(*Cast); ok {
			lit, _ = c.Arg.(*Literal)
		}
	}
	if lit == nil {
		return 0, sqlerr.New(sqlerr.FeatureNotSupported, "%s must be a constant", what)
	}
	if lit.Value == nil {
		return ifNull, nil
	}
	if lit.T.Kind == types.Unknown {
		v, err := types.ParseText(lit.Value.(string), types.TInt64)
		if err != nil {
			return 0, err
		}
		lit = &Literal{Value: v, T: types.TInt64}
	}
	v, ok := lit.Value.(int64)
	if !ok {
		return 0, sqlerr.New(sqlerr.DatatypeMismatch, "argument of %s must be type bigint, not type %s", what, lit.T)
	}
	if v < 0 {
		code := sqlerr.Code(sqlerr.New("2201W", ""))
		if what == "OFFSET" {
			code = "2201X"
		}
		return 0, sqlerr.New(code, "%s must not be negative", what)
	}
	return v, nil
}
