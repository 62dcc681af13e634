package planner

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/pgcatalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// PostgreSQL syntax that clients' catalog queries use and Lode accepts
// without a type of its own:
//
//   - COLLATE "C" / pg_catalog.default: accepted and ignored (Lode compares
//     strings bytewise, which is the C collation).
//   - reg* casts: 't'::regclass is the relation's OID (type oid), resolved
//     along the search path; an OID cast to regclass, regtype, regproc,
//     regnamespace or regrole is its name as text (what PostgreSQL prints).
//   - ::oid is the oid alias of bigint (types.TOID), ::name is ::text.
//   - x[i] on an array in its text form ({a,b,c}): current_schemas(),
//     indkey, conkey and friends are text-typed; real arrays (types.Array)
//     go to funcs_array.go.

// bindPgNode binds the expression nodes above; ok is false for others.
func (b *Binder) bindPgNode(n *pg.Node, ec *exprCtx) (Expr, bool, error) {
	switch {
	case n.GetCollateClause() != nil:
		e, err := b.bindExpr(n.GetCollateClause().Arg, ec)
		return e, true, err
	case n.GetAIndirection() != nil:
		ind := n.GetAIndirection()
		arg, err := b.bindExpr(ind.Arg, ec)
		if err != nil {
			return nil, true, err
		}
		if arg.Type().Kind == types.Array { // a real array: funcs_array.go
			e, err := b.bindSubscript(arg, ind.Indirection, ec)
			return e, true, err
		}
		if len(ind.Indirection) == 1 && ind.Indirection[0].GetString_() != nil {
			// (rec).x / (rec).n of _pg_expandarray's record (bind_srf.go).
			field := ind.Indirection[0].GetString_().Sval
			if field != "x" && field != "n" || !(arg.Type().IsString()) {
				return nil, true, b.unsupported(0, "field selection from a record is not supported yet")
			}
			pos := int64(1)
			if field == "n" {
				pos = 2
			}
			f := &Func{Name: "pg_record_field", Args: []Expr{arg, &Literal{Value: pos, T: types.TInt32}}, T: types.TText}
			return &Cast{Arg: f, T: types.TInt32, Explicit: true}, true, nil
		}
		for _, x := range ind.Indirection {
			ai := x.GetAIndices()
			if ai == nil || ai.IsSlice || ai.Uidx == nil {
				return nil, true, b.unsupported(0, "this kind of indirection is not supported yet")
			}
			idx, err := b.bindExpr(ai.Uidx, ec)
			if err != nil {
				return nil, true, err
			}
			if arg, err = b.Coerce(arg, types.TText, 0); err != nil {
				return nil, true, err
			}
			if idx, err = b.Coerce(idx, types.TInt32, 0); err != nil {
				return nil, true, err
			}
			arg = &Func{Name: "pg_textarray_elem", Args: []Expr{arg, idx}, T: types.TText}
		}
		// The catalogs' integer vectors keep their element type.
		if cr := ind.Arg.GetColumnRef(); cr != nil && len(ind.Indirection) == 1 {
			if s := cr.Fields[len(cr.Fields)-1].GetString_(); s != nil {
				if t, ok := intVectorColumns[s.Sval]; ok {
					arg = &Cast{Arg: arg, T: t, Explicit: true}
				}
			}
		}
		return arg, true, nil
	}
	return nil, false, nil
}

// bindRegCast binds casts to the reg* types, oid and name; ok is false for
// other target types.
func (b *Binder) bindRegCast(tc *pg.TypeCast, ec *exprCtx) (Expr, bool, error) {
	if tc.TypeName == nil || len(tc.TypeName.Names) == 0 {
		return nil, false, nil
	}
	if len(tc.TypeName.ArrayBounds) > 0 {
		// Text-typed values (the catalogs' text-form array columns) stay
		// text; literals and real arrays become arrays (bindTypeCast).
		t, err := b.typeFromName(tc.TypeName)
		if err != nil {
			return nil, true, err
		}
		if ae := tc.Arg.GetAArrayExpr(); ae != nil && len(ae.Elements) == 0 {
			return &Literal{Value: []any{}, T: t}, true, nil // ARRAY[]::int[]
		}
		arg, err := b.bindExpr(tc.Arg, ec)
		if err != nil {
			return nil, true, err
		}
		e, err := b.castToArray(arg, t, tc.Location)
		return e, true, err
	}
	target := strings.ToLower(tc.TypeName.Names[len(tc.TypeName.Names)-1].GetString_().Sval)
	switch target {
	case "oid", "regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole", "name", "xid", "cid", "tid":
	default:
		return nil, false, nil
	}
	arg, err := b.bindExpr(tc.Arg, ec)
	if err != nil {
		return nil, true, err
	}
	loc := tc.Location
	at := arg.Type()
	switch target {
	case "name":
		if at.IsString() || at.Kind == types.Unknown {
			e, err := b.Coerce(arg, types.TText, loc)
			return e, true, err
		}
		return &Cast{Arg: arg, T: types.TText, Explicit: true}, true, nil
	case "oid":
		if at == types.TOID {
			return arg, true, nil
		}
		if l, ok := arg.(*Literal); ok && l.T.Kind == types.Unknown {
			e, err := b.Coerce(l, types.TOID, loc)
			return e, true, err
		}
		return &Cast{Arg: arg, T: types.TOID, Explicit: true}, true, nil
	case "xid", "cid", "tid":
		if at.Kind == types.Int64 {
			return arg, true, nil
		}
		if l, ok := arg.(*Literal); ok && l.T.Kind == types.Unknown {
			e, err := b.Coerce(l, types.TInt64, loc)
			return e, true, err
		}
		return &Cast{Arg: arg, T: types.TInt64, Explicit: true}, true, nil
	}
	if at.IsInteger() {
		a, err := b.Coerce(arg, types.TInt64, loc)
		if err != nil {
			return nil, true, err
		}
		switch target {
		case "regclass":
			path := &Literal{Value: strings.Join(b.SearchPath, ","), T: types.TText}
			return &Func{Name: "pg_regclass_out", Args: []Expr{a, path}, T: types.TText}, true, nil
		case "regtype":
			return &Func{Name: "pg_regtype_out", Args: []Expr{a}, T: types.TText}, true, nil
		case "regproc", "regprocedure":
			return &Func{Name: "pg_regproc_out", Args: []Expr{a}, T: types.TText}, true, nil
		case "regnamespace":
			return &Func{Name: "pg_regnamespace_out", Args: []Expr{a}, T: types.TText}, true, nil
		case "regrole":
			return &Func{Name: "pg_regrole_out", Args: []Expr{a}, T: types.TText}, true, nil
		}
	}
	if !at.IsString() && at.Kind != types.Unknown {
		return nil, true, b.errAt(sqlerr.New("42846", "cannot cast type %s to %s", at, target), loc)
	}
	lit, isLit := arg.(*Literal)
	if !isLit {
		if target != "regclass" {
			return nil, true, b.unsupported(loc, "casting a non-constant to %s is not supported yet", target)
		}
		a, err := b.Coerce(arg, types.TText, loc)
		if err != nil {
			return nil, true, err
		}
		path := &Literal{Value: strings.Join(b.SearchPath, ","), T: types.TText}
		return &Func{Name: "pg_regclass_in", Args: []Expr{a, path}, T: types.TOID}, true, nil
	}
	if lit.Value == nil {
		return &Literal{T: types.TOID}, true, nil
	}
	s, _ := lit.Value.(string)
	oid, err := b.regIn(target, s, loc)
	if err != nil {
		return nil, true, err
	}
	return &Literal{Value: oid, T: types.TOID}, true, nil
}

// regIn resolves a name constant to an OID at bind time.
func (b *Binder) regIn(target, s string, loc int32) (int64, error) {
	if n, ok := allDigits(s); ok {
		return n, nil
	}
	switch target {
	case "regclass":
		schema, name := splitQualified(s)
		env := &catalog.VirtualEnv{Cat: b.Cat, Database: b.Database}
		if oid, ok := pgcatalog.RelOID(env, schema, name, b.SearchPath); ok {
			return oid, nil
		}
		return 0, b.errAt(sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", s), loc)
	case "regtype":
		if oid := pgcatalog.TypeOID(s); oid != 0 {
			return oid, nil
		}
		return 0, b.errAt(sqlerr.New(sqlerr.UndefinedObject, "type \"%s\" does not exist", s), loc)
	case "regproc", "regprocedure":
		name := s
		if i := strings.IndexByte(name, '('); i >= 0 {
			name = name[:i]
		}
		if oid := pgcatalog.ProcOID(name); oid != 0 {
			return oid, nil
		}
		return 0, b.errAt(sqlerr.New(sqlerr.UndefinedFunction, "function \"%s\" does not exist", s), loc)
	case "regnamespace":
		_, name := splitQualified(s)
		return pgcatalog.NamespaceOID(name), nil
	case "regrole":
		return 10, nil // roles other than the bootstrap one resolve at run time only
	}
	return 0, nil
}

func allDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// splitQualified splits schema.name, unquoting and folding as PostgreSQL's
// identifier rules do.
func splitQualified(s string) (schema, name string) {
	var parts []string
	cur, inQ := strings.Builder{}, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && inQ && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			inQ = !inQ
		case c == '.' && !inQ:
			parts = append(parts, cur.String())
			cur.Reset()
		case !inQ:
			cur.WriteString(strings.ToLower(string(c)))
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, cur.String())
	if len(parts) >= 2 {
		return parts[len(parts)-2], parts[len(parts)-1]
	}
	return "", parts[0]
}

// bindPgAExpr binds x = ANY (arr) and x <> ALL (arr) where arr is an array
// in its text form (the catalogs' int2vector, oid[] and char[] columns):
// elements compare as text. ok is false for other operator forms.
func (b *Binder) bindPgAExpr(a *pg.A_Expr, ec *exprCtx) (Expr, bool, error) {
	if a.Kind != pg.A_Expr_Kind_AEXPR_OP_ANY && a.Kind != pg.A_Expr_Kind_AEXPR_OP_ALL {
		return nil, false, nil
	}
	op := opName(a.Name)
	l, err := b.bindExpr(a.Lexpr, ec)
	if err != nil {
		return nil, true, err
	}
	r, err := b.bindExpr(a.Rexpr, ec)
	if err != nil {
		return nil, true, err
	}
	if p, ok := r.(*Param); ok && p.T.Kind == types.Unknown && l.Type().Kind != types.Unknown {
		// x = ANY($1): $1 is an array of x's type, as PostgreSQL infers.
		if r, err = b.Coerce(r, types.ArrayOf(l.Type()), a.Location); err != nil {
			return nil, true, err
		}
	}
	if r.Type().Kind == types.Array { // a real array: funcs_array.go
		e, err := b.bindArrayAnyAll(a, l, r)
		return e, true, err
	}
	if op != "=" && op != "<>" && op != "!=" {
		return nil, false, nil
	}
	if !r.Type().IsString() && r.Type().Kind != types.Unknown {
		return nil, false, nil
	}
	if l.Type().IsString() || l.Type().Kind == types.Unknown {
		l, err = b.Coerce(l, types.TText, a.Location)
	} else {
		l = &Cast{Arg: l, T: types.TText, Explicit: true}
	}
	if err != nil {
		return nil, true, err
	}
	if r, err = b.Coerce(r, types.TText, a.Location); err != nil {
		return nil, true, err
	}
	name := "pg_textarray_any_eq"
	if a.Kind == pg.A_Expr_Kind_AEXPR_OP_ALL {
		name = "pg_textarray_all_ne"
		if op == "=" {
			return nil, false, nil
		}
	} else if op != "=" {
		return nil, false, nil
	}
	return &Func{Name: name, Args: []Expr{l, r}, T: types.TBool}, true, nil
}

// bindArraySubLink binds ARRAY(SELECT x …) as the array's text form
// ({a,b}) until Lode has array types: a scalar subquery aggregating the
// quoted elements, in the subquery's order.
func (b *Binder) bindArraySubLink(sl *pg.SubLink, ec *exprCtx) (Expr, error) {
	inner, err := pg.Deparse(&pg.ParseResult{Version: 170007, Stmts: []*pg.RawStmt{{Stmt: sl.Subselect}}})
	if err != nil {
		return nil, b.unsupported(sl.Location, "ARRAY subquery: %v", err)
	}
	// A real array of the subquery's values, in its order.
	if res, err := pg.Parse("SELECT coalesce(pg_catalog.array_agg(s.e), '{}') FROM (" + inner + ") s(e)"); err == nil && len(res.Stmts) == 1 {
		expr := &pg.SubLink{SubLinkType: pg.SubLinkType_EXPR_SUBLINK, Subselect: res.Stmts[0].Stmt, Location: sl.Location}
		if e, err := b.bindSubLink(expr, ec); err == nil {
			return e, nil
		}
	}
	// Elements that are themselves text-form arrays: the text form.
	sql := "SELECT '{' || coalesce(pg_catalog.string_agg(pg_catalog.pg_array_quote_elem(s.e::text), ','), '') || '}' FROM (" +
		inner + ") s(e)"
	res, err := pg.Parse(sql)
	if err != nil || len(res.Stmts) != 1 {
		return nil, b.unsupported(sl.Location, "ARRAY subquery: %v", err)
	}
	expr := &pg.SubLink{SubLinkType: pg.SubLinkType_EXPR_SUBLINK, Subselect: res.Stmts[0].Stmt, Location: sl.Location}
	return b.bindSubLink(expr, ec)
}

// intVectorColumns are the catalog columns of types int2vector, int2[],
// oidvector and oid[], kept as text; their elements are integers.
var intVectorColumns = map[string]types.T{
	"indkey": types.TInt16, "indoption": types.TInt16, "conkey": types.TInt16, "confkey": types.TInt16,
	"prattrs": types.TInt16, "stxkeys": types.TInt16, "partattrs": types.TInt16, "tgattr": types.TInt16,
	"indclass": types.TInt64, "indcollation": types.TInt64, "proargtypes": types.TInt64, "polroles": types.TInt64,
	"proallargtypes": types.TInt64,
}
