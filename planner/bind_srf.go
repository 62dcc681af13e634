package planner

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
)

// Set-returning functions in the select list, the forms clients' catalog
// queries use:
//
//	SELECT generate_series(1, 25)
//	SELECT unnest(ix.indkey) attnum, generate_subscripts(ix.indkey, 1) ord FROM pg_index ix …
//	SELECT (information_schema._pg_expandarray(i.indkey)).n, information_schema._pg_expandarray(i.indkey) AS keys …
//
// are rewritten before binding into a join with generate_series over the
// element index i, as PostgreSQL runs them: in lockstep, as many rows as
// the longest. generate_series(a, b) with constant bounds becomes the
// series itself; unnest(arr) is arr[i], generate_subscripts(arr, 1) is i
// and _pg_expandarray(arr) is the record (arr[i], i). Arrays are in their
// text form, so their length is only known per row: i runs to
// srfMaxElements and rows past the longest array are filtered out.

const srfMaxElements = 1000

const srfAlias = "lode_srf"

// rewriteSRFs returns sel itself when its select list calls no
// set-returning function, else a rewritten copy.
func rewriteSRFs(sel *pg.SelectStmt) *pg.SelectStmt {
	if sel == nil || sel.Op != pg.SetOperation_SETOP_NONE || len(sel.TargetList) == 0 {
		return sel
	}
	sel = rewriteFromFuncs(sel)
	found := false
	for _, t := range sel.TargetList {
		if rt := t.GetResTarget(); rt != nil && rt.Val != nil && srfKind(rt.Val) != "" {
			found = true
		}
	}
	if !found {
		return sel
	}
	out := proto.Clone(sel).(*pg.SelectStmt)
	var arrays []*pg.Node
	var series *pg.FuncCall
	ok := true
	idx := colRef(srfAlias, "i")
	for _, t := range out.TargetList {
		rt := t.GetResTarget()
		if rt == nil || rt.Val == nil {
			continue
		}
		kind := srfKind(rt.Val)
		if kind == "" {
			continue
		}
		if rt.Name == "" {
			rt.Name = srfColumnName(rt.Val)
		}
		fc, field := srfCall(rt.Val)
		switch kind {
		case "generate_series":
			if series != nil || len(out.FromClause) > 0 || len(arrays) > 0 {
				ok = false
				continue
			}
			series = fc
			rt.Val = idx
		case "unnest":
			arrays = append(arrays, fc.Args[0])
			rt.Val = elemCall(fc.Args[0], idx)
		case "generate_subscripts":
			arrays = append(arrays, fc.Args[0])
			rt.Val = idx
		case "_pg_expandarray":
			arrays = append(arrays, fc.Args[0])
			switch field {
			case "x":
				rt.Val = elemCall(fc.Args[0], idx)
			case "n":
				rt.Val = idx
			default:
				// The record as text: (x,n).
				rt.Val = funcNode("pg_expandarray_record", elemCall(fc.Args[0], idx), idx)
			}
		}
	}
	if !ok || (series != nil && len(arrays) > 0) {
		return sel
	}
	var gs *pg.Node
	if series != nil {
		gs = rangeFunc(series.Args)
	} else {
		gs = rangeFunc([]*pg.Node{pg.MakeAConstIntNode(1, -1), pg.MakeAConstIntNode(srfMaxElements, -1)})
		var lens []*pg.Node
		for _, a := range arrays {
			lens = append(lens, funcNode("cardinality", a))
		}
		var bound *pg.Node
		if len(lens) == 1 {
			bound = lens[0]
		} else {
			bound = &pg.Node{Node: &pg.Node_MinMaxExpr{MinMaxExpr: &pg.MinMaxExpr{Op: pg.MinMaxOp_IS_GREATEST, Args: lens}}}
		}
		cond := pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_OP, []*pg.Node{pg.MakeStrNode("<=")}, idx, bound, -1)
		if out.WhereClause == nil {
			out.WhereClause = cond
		} else {
			out.WhereClause = pg.MakeBoolExprNode(pg.BoolExprType_AND_EXPR, []*pg.Node{out.WhereClause, cond}, -1)
		}
	}
	out.FromClause = append(out.FromClause, gs)
	return out
}

// srfKind names the set-returning function a select-list entry calls.
func srfKind(n *pg.Node) string {
	fc, _ := srfCall(n)
	if fc == nil {
		return ""
	}
	name := srfFuncName(fc)
	switch {
	case name == "generate_series" && len(fc.Args) >= 2 && len(fc.Args) <= 3:
		for _, a := range fc.Args {
			if a.GetAConst() == nil {
				return ""
			}
		}
		return name
	case name == "unnest" && len(fc.Args) == 1, name == "_pg_expandarray" && len(fc.Args) == 1:
		return name
	case name == "generate_subscripts" && len(fc.Args) == 2:
		return name
	}
	return ""
}

// srfCall finds the call in f(…) or (f(…)).field.
func srfCall(n *pg.Node) (*pg.FuncCall, string) {
	if fc := n.GetFuncCall(); fc != nil {
		return fc, ""
	}
	if ind := n.GetAIndirection(); ind != nil && len(ind.Indirection) == 1 && ind.Indirection[0].GetString_() != nil {
		if fc := ind.Arg.GetFuncCall(); fc != nil && srfFuncName(fc) == "_pg_expandarray" {
			return fc, ind.Indirection[0].GetString_().Sval
		}
	}
	return nil, ""
}

func srfFuncName(fc *pg.FuncCall) string {
	if len(fc.Funcname) == 0 || fc.Funcname[len(fc.Funcname)-1].GetString_() == nil {
		return ""
	}
	return strings.ToLower(fc.Funcname[len(fc.Funcname)-1].GetString_().Sval)
}

// srfColumnName is the column name PostgreSQL gives the entry.
func srfColumnName(n *pg.Node) string {
	fc, field := srfCall(n)
	if field != "" {
		return field
	}
	return srfFuncName(fc)
}

func colRef(rel, col string) *pg.Node {
	return pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(rel), pg.MakeStrNode(col)}, -1)
}

func funcNode(name string, args ...*pg.Node) *pg.Node {
	return pg.MakeFuncCallNode([]*pg.Node{pg.MakeStrNode(name)}, args, -1)
}

func elemCall(arr, idx *pg.Node) *pg.Node {
	return &pg.Node{Node: &pg.Node_AIndirection{AIndirection: &pg.A_Indirection{Arg: arr,
		Indirection: []*pg.Node{{Node: &pg.Node_AIndices{AIndices: &pg.A_Indices{Uidx: idx}}}}}}}
}

func rangeFunc(args []*pg.Node) *pg.Node {
	call := funcNode("generate_series", args...)
	return &pg.Node{Node: &pg.Node_RangeFunction{RangeFunction: &pg.RangeFunction{
		Functions: []*pg.Node{pg.MakeListNode([]*pg.Node{call})},
		Alias:     &pg.Alias{Aliasname: srfAlias, Colnames: []*pg.Node{pg.MakeStrNode("i")}},
	}}}
}

// rewriteFromFuncs rewrites the table functions in FROM that psql's \d
// queries call with arguments from the outer query, which Lode cannot
// decorrelate as function calls:
//
//   - generate_series(lo, hi) AS s over an array's subscripts (hi is
//     array_upper/array_length/cardinality of a text-form array) becomes
//     generate_series(0, srfMaxElements) AS s WHERE s BETWEEN lo AND hi,
//     a filter the decorrelator handles;
//   - pg_partition_ancestors(rel) [WITH ORDINALITY] AS a(relid, depth) is
//     the relation itself at depth 1 (Lode has no partitioned tables in
//     PostgreSQL's sense): (SELECT rel AS relid, 1 AS depth) a.
func rewriteFromFuncs(sel *pg.SelectStmt) *pg.SelectStmt {
	var out *pg.SelectStmt
	for i, item := range sel.FromClause {
		rf := item.GetRangeFunction()
		if rf == nil || len(rf.Functions) != 1 || rf.Functions[0].GetList() == nil || len(rf.Functions[0].GetList().Items) == 0 {
			continue
		}
		fc := rf.Functions[0].GetList().Items[0].GetFuncCall()
		if fc == nil {
			continue
		}
		switch name := srfFuncName(fc); {
		case name == "generate_series" && len(fc.Args) == 2 && rf.Alias != nil && len(rf.Alias.Colnames) == 0 && callsArrayBound(fc.Args[1]):
			if out == nil {
				out = proto.Clone(sel).(*pg.SelectStmt)
			}
			nrf := proto.Clone(rf).(*pg.RangeFunction)
			nfc := nrf.Functions[0].GetList().Items[0].GetFuncCall()
			nfc.Args = []*pg.Node{pg.MakeAConstIntNode(0, -1), pg.MakeAConstIntNode(srfMaxElements, -1)}
			out.FromClause[i] = &pg.Node{Node: &pg.Node_RangeFunction{RangeFunction: nrf}}
			col := pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(rf.Alias.Aliasname)}, -1)
			cond := pg.MakeBoolExprNode(pg.BoolExprType_AND_EXPR, []*pg.Node{
				pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_OP, []*pg.Node{pg.MakeStrNode(">=")}, col, fc.Args[0], -1),
				pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_OP, []*pg.Node{pg.MakeStrNode("<=")}, col, fc.Args[1], -1),
			}, -1)
			if out.WhereClause == nil {
				out.WhereClause = cond
			} else {
				out.WhereClause = pg.MakeBoolExprNode(pg.BoolExprType_AND_EXPR, []*pg.Node{out.WhereClause, cond}, -1)
			}
		case name == "unnest" && len(fc.Args) == 1:
			if out == nil {
				out = proto.Clone(sel).(*pg.SelectStmt)
			}
			out.FromClause[i] = unnestSubselect(rf, fc.Args[0])
		case name == "pg_get_keywords" && len(fc.Args) == 0:
			// The keyword list is a catalog relation (pgcatalog/keywords).
			if out == nil {
				out = proto.Clone(sel).(*pg.SelectStmt)
			}
			rv := &pg.RangeVar{Schemaname: "pg_catalog", Relname: "pg_get_keywords", Inh: true, Relpersistence: "p"}
			if rf.Alias != nil {
				rv.Alias = proto.Clone(rf.Alias).(*pg.Alias)
			}
			out.FromClause[i] = &pg.Node{Node: &pg.Node_RangeVar{RangeVar: rv}}
		case name == "pg_partition_ancestors" && len(fc.Args) == 1:
			if out == nil {
				out = proto.Clone(sel).(*pg.SelectStmt)
			}
			names := []string{"pg_partition_ancestors", "ordinality"}
			alias := &pg.Alias{Aliasname: "pg_partition_ancestors"}
			if rf.Alias != nil {
				alias = proto.Clone(rf.Alias).(*pg.Alias)
				for j, c := range rf.Alias.Colnames {
					if j < 2 && c.GetString_() != nil {
						names[j] = c.GetString_().Sval
					}
				}
			}
			targets := []*pg.Node{pg.MakeResTargetNodeWithNameAndVal(names[0], fc.Args[0], -1)}
			if rf.Ordinality {
				targets = append(targets, pg.MakeResTargetNodeWithNameAndVal(names[1], pg.MakeAConstIntNode(1, -1), -1))
			}
			alias.Colnames = nil
			sub := &pg.SelectStmt{TargetList: targets, Op: pg.SetOperation_SETOP_NONE, LimitOption: pg.LimitOption_LIMIT_OPTION_DEFAULT}
			out.FromClause[i] = &pg.Node{Node: &pg.Node_RangeSubselect{RangeSubselect: &pg.RangeSubselect{
				Subquery: &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: sub}}, Alias: alias}}}
		}
	}
	if out == nil {
		return sel
	}
	return out
}

// callsArrayBound reports whether n calls array_upper, array_length or
// cardinality (a bound on an array's subscripts).
func callsArrayBound(n *pg.Node) bool {
	if fc := n.GetFuncCall(); fc != nil {
		switch srfFuncName(fc) {
		case "array_upper", "array_length", "cardinality":
			return true
		}
	}
	return false
}

// unnestSubselect rewrites unnest(arr) [WITH ORDINALITY] [AS a(x, n)] in
// FROM as the lateral subquery
//
//	(SELECT (arr)[g.i] AS x [, g.i AS n]
//	   FROM generate_series(1, cardinality(arr)) g(i)) a
//
// which works for array values and for text-form arrays alike.
func unnestSubselect(rf *pg.RangeFunction, arr *pg.Node) *pg.Node {
	names := []string{"unnest", "ordinality"}
	alias := &pg.Alias{Aliasname: "unnest"}
	if rf.Alias != nil {
		alias = &pg.Alias{Aliasname: rf.Alias.Aliasname}
		names[0] = rf.Alias.Aliasname
		for j, c := range rf.Alias.Colnames {
			if j < 2 && c.GetString_() != nil {
				names[j] = c.GetString_().Sval
			}
		}
	}
	const g = "_unnest_g"
	idx := colRef(g, "i")
	targets := []*pg.Node{pg.MakeResTargetNodeWithNameAndVal(names[0], elemCall(arr, idx), -1)}
	if rf.Ordinality {
		targets = append(targets, pg.MakeResTargetNodeWithNameAndVal(names[1], colRef(g, "i"), -1))
	}
	series := &pg.Node{Node: &pg.Node_RangeFunction{RangeFunction: &pg.RangeFunction{
		Functions: []*pg.Node{pg.MakeListNode([]*pg.Node{funcNode("generate_series", pg.MakeAConstIntNode(1, -1), funcNode("cardinality", arr))})},
		Alias:     &pg.Alias{Aliasname: g, Colnames: []*pg.Node{pg.MakeStrNode("i")}},
	}}}
	sub := &pg.SelectStmt{TargetList: targets, FromClause: []*pg.Node{series},
		Op: pg.SetOperation_SETOP_NONE, LimitOption: pg.LimitOption_LIMIT_OPTION_DEFAULT}
	if hasColumnRef(arr.ProtoReflect()) {
		// Over another FROM item's column: a bounded series and a filter,
		// which the decorrelator handles (arrays of at most srfMaxElements).
		series.GetRangeFunction().Functions[0].GetList().Items[0].GetFuncCall().Args[1] = pg.MakeAConstIntNode(srfMaxElements, -1)
		sub.WhereClause = pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_OP, []*pg.Node{pg.MakeStrNode("<=")},
			colRef(g, "i"), funcNode("cardinality", arr), -1)
	}
	return &pg.Node{Node: &pg.Node_RangeSubselect{RangeSubselect: &pg.RangeSubselect{
		Lateral: true, Subquery: &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: sub}}, Alias: alias}}}
}

// hasColumnRef reports whether a parse tree mentions a column.
func hasColumnRef(m protoreflect.Message) bool {
	if _, ok := m.Interface().(*pg.ColumnRef); ok {
		return true
	}
	found := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len() && !found; i++ {
				found = hasColumnRef(l.Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsMap():
			found = hasColumnRef(v.Message())
		}
		return !found
	})
	return found
}
