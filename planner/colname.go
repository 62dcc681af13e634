package planner

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// colName is the output column name PostgreSQL gives an unnamed select-list
// expression (its FigureColname rules).
func colName(n *pg.Node) string {
	if s := figureColName(n); s != "" {
		return s
	}
	return "?column?"
}

func figureColName(n *pg.Node) string {
	switch {
	case n.GetColumnRef() != nil:
		f := n.GetColumnRef().Fields
		if s := f[len(f)-1].GetString_(); s != nil {
			return s.Sval
		}
	case n.GetFuncCall() != nil:
		names := n.GetFuncCall().Funcname
		return names[len(names)-1].GetString_().Sval
	case n.GetTypeCast() != nil:
		tc := n.GetTypeCast()
		if s := figureColName(tc.Arg); s != "" {
			return s
		}
		names := tc.TypeName.Names
		return names[len(names)-1].GetString_().Sval
	case n.GetCaseExpr() != nil:
		if d := n.GetCaseExpr().Defresult; d != nil {
			if s := figureColName(d); s != "" {
				return s
			}
		}
		return "case"
	case n.GetAArrayExpr() != nil:
		return "array"
	case n.GetAIndirection() != nil:
		ind := n.GetAIndirection()
		if last := ind.Indirection[len(ind.Indirection)-1]; last.GetString_() != nil {
			return last.GetString_().Sval
		}
		return figureColName(ind.Arg)
	case n.GetCoalesceExpr() != nil:
		return "coalesce"
	case n.GetMinMaxExpr() != nil:
		if n.GetMinMaxExpr().Op == pg.MinMaxOp_IS_GREATEST {
			return "greatest"
		}
		return "least"
	case n.GetAExpr() != nil:
		if n.GetAExpr().Kind == pg.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif"
		}
	case n.GetSqlvalueFunction() != nil:
		op := n.GetSqlvalueFunction().Op.String()
		op = strings.TrimPrefix(op, "SVFOP_")
		op = strings.TrimSuffix(op, "_N")
		return strings.ToLower(op)
	case n.GetSubLink() != nil:
		switch n.GetSubLink().SubLinkType {
		case pg.SubLinkType_EXISTS_SUBLINK:
			return "exists"
		case pg.SubLinkType_ARRAY_SUBLINK:
			return "array"
		case pg.SubLinkType_EXPR_SUBLINK:
			if sel := n.GetSubLink().Subselect.GetSelectStmt(); sel != nil && len(sel.TargetList) == 1 {
				rt := sel.TargetList[0].GetResTarget()
				if rt.Name != "" {
					return rt.Name
				}
				return figureColName(rt.Val)
			}
		}
	}
	return ""
}
