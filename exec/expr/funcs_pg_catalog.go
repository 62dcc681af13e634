package expr

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/pgcatalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
)

// The system catalog information functions (planner/funcs_pg_catalog.go).
// They run row by row over Go values: they serve metadata queries over a
// handful of rows, not data.

// CatalogSession is what a session offers the functions that read the
// catalog (pg_get_indexdef, regclass output, pg_get_userbyid, …).
type CatalogSession interface {
	CatalogEnv() *catalog.VirtualEnv
}

var startTime = time.Now()

// rowFn is one function over Go values: nil args are NULLs; a nil result
// is NULL. strict functions are not called on NULL arguments.
type rowFn struct {
	strict bool
	env    bool // needs the session's catalog view
	f      func(env *catalog.VirtualEnv, a []any) (any, error)
}

var pgCatalogFns = map[string]rowFn{
	"format_type": {strict: false, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		mod, has := a[1].(int64)
		return pgcatalog.FormatType(a[0].(int64), mod, has), nil
	}},
	"pg_get_userbyid": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		if n, ok := pgcatalog.RoleName(env, a[0].(int64)); ok {
			return n, nil
		}
		return fmt.Sprintf("unknown (OID=%d)", a[0]), nil
	}},
	"pg_get_expr": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) { return a[0], nil }},
	"pg_get_indexdef": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		if d, ok := pgcatalog.IndexDef(env, a[0].(int64)); ok {
			if len(a) > 1 && a[1].(int64) > 0 {
				return nil, nil // the column form: Lode's indexes are plain columns
			}
			return d, nil
		}
		return nil, nil
	}},
	"pg_get_constraintdef": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		if d, ok := pgcatalog.ConstraintDef(env, a[0].(int64)); ok {
			return d, nil
		}
		return nil, nil
	}},
	"pg_get_viewdef": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		var schema, name string
		switch x := a[0].(type) {
		case int64:
			var ok bool
			if schema, name, ok = pgcatalog.RelName(env, x); !ok {
				return nil, nil
			}
		case string:
			schema, name = "public", x
			if s, n, ok := strings.Cut(x, "."); ok {
				schema, name = s, n
			}
		}
		v, ok := env.Cat.View(catalog.Name{Catalog: env.Database, Schema: schema, Table: name})
		if !ok {
			return nil, nil
		}
		return " " + strings.TrimSuffix(strings.TrimSpace(v.SQL), ";") + ";", nil
	}},
	"pg_get_triggerdef":                  nullFn,
	"pg_get_ruledef":                     nullFn,
	"pg_get_statisticsobjdef_columns":    nullFn,
	"pg_get_partkeydef":                  nullFn,
	"pg_get_serial_sequence":             nullFn,
	"obj_description":                    nullFn,
	"col_description":                    nullFn,
	"shobj_description":                  nullFn,
	"pg_get_function_identity_arguments": constFn(""),
	"pg_get_function_arguments":          constFn(""),
	"pg_get_function_result": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		return "text", nil
	}},
	"pg_tablespace_location": constFn(""),
	"pg_encoding_to_char": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		switch a[0].(int64) {
		case 0:
			return "SQL_ASCII", nil
		case 6:
			return "UTF8", nil
		}
		return "", nil
	}},
	"pg_char_to_encoding": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		switch strings.ToUpper(a[0].(string)) {
		case "SQL_ASCII":
			return int64(0), nil
		case "UTF8", "UTF-8", "UNICODE":
			return int64(6), nil
		}
		return int64(-1), nil
	}},
	"pg_postmaster_start_time": {f: func(*catalog.VirtualEnv, []any) (any, error) { return startTime.UnixMicro(), nil }},
	"pg_conf_load_time":        {f: func(*catalog.VirtualEnv, []any) (any, error) { return startTime.UnixMicro(), nil }},
	"inet_server_addr":         constFn("127.0.0.1"),
	"inet_client_addr":         constFn("127.0.0.1"),
	"inet_server_port":         constFn(int64(5432)),
	"inet_client_port":         constFn(int64(0)),
	"pg_is_in_recovery":        constFn(false),
	"pg_reload_conf":           constFn(true),
	"txid_current": {f: func(*catalog.VirtualEnv, []any) (any, error) {
		return time.Now().UnixMicro() - startTime.UnixMicro() + 1000, nil
	}},
	"pg_relation_size":       constFn(int64(0)),
	"pg_total_relation_size": constFn(int64(0)),
	"pg_table_size":          constFn(int64(0)),
	"pg_indexes_size":        constFn(int64(0)),
	"pg_database_size":       constFn(int64(0)),
	"pg_size_pretty": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		return sizePretty(a[0].(int64)), nil
	}},
	"array_to_string": {strict: false, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		if a[0] == nil || a[1] == nil {
			return nil, nil
		}
		var out []string
		for _, e := range parseTextArray(a[0].(string)) {
			if e == nil {
				if len(a) > 2 && a[2] != nil {
					out = append(out, a[2].(string))
				}
				continue
			}
			out = append(out, *e)
		}
		return strings.Join(out, a[1].(string)), nil
	}},
	"pg_relation_is_publishable": constFn(false),
	"pg_array_quote_elem": {f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		if a[0] == nil {
			return "NULL", nil
		}
		return quoteArrayElem(a[0].(string)), nil
	}},
	"pg_expandarray_record": {f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		x := ""
		if a[0] != nil {
			x = fmt.Sprint(a[0])
		}
		return fmt.Sprintf("(%s,%v)", x, a[1]), nil
	}},
	"pg_record_field": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		s := strings.TrimSuffix(strings.TrimPrefix(a[0].(string), "("), ")")
		parts := strings.Split(s, ",")
		i := int(a[1].(int64))
		if i < 1 || i > len(parts) || parts[i-1] == "" {
			return nil, nil
		}
		return parts[i-1], nil
	}},
	"array_upper":  {strict: true, f: arrayDim(func(n int) any { return int64(n) })},
	"array_length": {strict: true, f: arrayDim(func(n int) any { return int64(n) })},
	"array_lower":  {strict: true, f: arrayDim(func(int) any { return int64(1) })},
	"cardinality": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		return int64(len(parseTextArray(a[0].(string)))), nil
	}},
	"pg_partition_ancestors": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) { return a[0], nil }},
	"pg_partition_root":      {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) { return a[0], nil }},
	"pg_textarray_any_eq": {f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		return textArrayCmp(a, true), nil
	}},
	"pg_textarray_all_ne": {f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		return textArrayCmp(a, false), nil
	}},
	"pg_textarray_elem": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		els := parseTextArray(a[0].(string))
		i := a[1].(int64)
		if i < 1 || int(i) > len(els) || els[i-1] == nil {
			return nil, nil
		}
		return *els[i-1], nil
	}},
	"pg_regclass_in": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		s := a[0].(string)
		schema, name := "", s
		if x, y, ok := strings.Cut(s, "."); ok {
			schema, name = x, y
		}
		if oid, ok := pgcatalog.RelOID(env, schema, name, strings.Split(a[1].(string), ",")); ok {
			return oid, nil
		}
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", s)
	}},
	"pg_regclass_out": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		oid := a[0].(int64)
		schema, name, ok := pgcatalog.RelName(env, oid)
		if !ok {
			return fmt.Sprint(oid), nil
		}
		for _, s := range append([]string{"pg_catalog"}, strings.Split(a[1].(string), ",")...) {
			if s == schema {
				return pgcatalog.QuoteIdent(name), nil
			}
		}
		return pgcatalog.QuoteIdent(schema) + "." + pgcatalog.QuoteIdent(name), nil
	}},
	"pg_regtype_out": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		if pgcatalog.TypeName(a[0].(int64)) == "" {
			return fmt.Sprint(a[0]), nil
		}
		return pgcatalog.FormatType(a[0].(int64), -1, false), nil
	}},
	"pg_regproc_out": {strict: true, f: func(_ *catalog.VirtualEnv, a []any) (any, error) {
		if n := pgcatalog.ProcName(a[0].(int64)); n != "" {
			return n, nil
		}
		if a[0].(int64) == 0 {
			return "-", nil
		}
		return fmt.Sprint(a[0]), nil
	}},
	"pg_regnamespace_out": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		if n, ok := pgcatalog.NamespaceName(env, a[0].(int64)); ok {
			return pgcatalog.QuoteIdent(n), nil
		}
		return fmt.Sprint(a[0]), nil
	}},
	"pg_regrole_out": {strict: true, env: true, f: func(env *catalog.VirtualEnv, a []any) (any, error) {
		if n, ok := pgcatalog.RoleName(env, a[0].(int64)); ok {
			return n, nil
		}
		return fmt.Sprint(a[0]), nil
	}},
}

var nullFn = rowFn{f: func(*catalog.VirtualEnv, []any) (any, error) { return nil, nil }}

func constFn(v any) rowFn {
	return rowFn{f: func(*catalog.VirtualEnv, []any) (any, error) { return v, nil }}
}

func init() {
	for _, n := range []string{"pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible",
		"pg_collation_is_visible", "pg_conversion_is_visible", "pg_opclass_is_visible", "pg_operator_is_visible",
		"pg_statistics_obj_is_visible", "pg_ts_config_is_visible",
		"has_table_privilege", "has_schema_privilege", "has_database_privilege", "has_function_privilege",
		"has_sequence_privilege", "has_any_column_privilege", "has_tablespace_privilege", "has_language_privilege",
		"has_foreign_data_wrapper_privilege", "has_server_privilege", "has_type_privilege", "has_column_privilege", "pg_has_role"} {
		pgCatalogFns[n] = rowFn{strict: true, f: func(*catalog.VirtualEnv, []any) (any, error) { return true, nil }}
	}
	for n := range pgCatalogFns {
		register(compilePgCatalogFn, n)
	}
	register(compilePgCatalogFn, "json_build_object")
}

func compilePgCatalogFn(f *planner.Func, args []Evaluator) (Evaluator, error) {
	if f.Name == "json_build_object" {
		ts := make([]types.T, len(f.Args))
		for i, a := range f.Args {
			ts[i] = a.Type()
		}
		return &rowFnEval{fn: rowFn{f: func(_ *catalog.VirtualEnv, a []any) (any, error) { return jsonObject(ts, a), nil }},
			args: args, t: f.T, name: f.Name}, nil
	}
	fn, ok := pgCatalogFns[f.Name]
	if !ok {
		return nil, wrongArgs(f)
	}
	return &rowFnEval{fn: fn, args: args, t: f.T, name: f.Name}, nil
}

type rowFnEval struct {
	fn   rowFn
	args []Evaluator
	t    types.T
	name string
}

func (e *rowFnEval) Eval(ctx *Context, b batch.Batch) (arrow.Array, error) {
	var env *catalog.VirtualEnv
	if e.fn.env || len(e.args) == 0 {
		// Session-dependent (or argument-less, e.g. now-like) functions are
		// not folded at plan time.
		cs, ok := ctx.Session.(CatalogSession)
		if !ok {
			return nil, errNoSession
		}
		env = cs.CatalogEnv()
	}
	arrs, err := evalAll(ctx, b, e.args)
	if err != nil {
		return nil, err
	}
	defer releaseAll(arrs...)
	n := b.NumRows()
	if n == 0 {
		return broadcast(ctx.Alloc, e.t, nil, 0), nil // builders leave empty arrays without buffers
	}
	bld := array.NewBuilder(ctx.Alloc, e.t.ArrowType())
	defer bld.Release()
	vals := make([]any, len(arrs))
	live := make([]bool, n)
	liveRows(b, func(i int) { live[i] = true })
	for i := 0; i < n; i++ {
		if !live[i] || err != nil {
			bld.AppendNull()
			continue
		}
		null := false
		for j, a := range arrs {
			vals[j] = goValue(a, i)
			null = null || vals[j] == nil
		}
		if null && e.fn.strict {
			bld.AppendNull()
			continue
		}
		var v any
		if v, err = e.fn.f(env, vals); err != nil {
			bld.AppendNull()
			continue
		}
		appendGo(bld, v)
	}
	if err != nil {
		return nil, err
	}
	return bld.NewArray(), nil
}

// goValue reads row i of a as a Go value (int64, float64, bool, string):
// numbers, booleans and text as litAt reads them, anything else as text.
func goValue(a arrow.Array, i int) any {
	if !isValid(a, i) {
		return nil
	}
	switch x := a.(type) {
	case *array.Int16, *array.Int32, *array.Int64, *array.Float32, *array.Float64, *array.Boolean, *array.String:
		return litAt(a, i)
	case *array.LargeString:
		return x.Value(i)
	}
	return a.ValueStr(i)
}

func appendGo(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch x := b.(type) {
	case *array.StringBuilder:
		x.Append(fmt.Sprint(v))
	case *array.BooleanBuilder:
		x.Append(v.(bool))
	case *array.Int16Builder:
		x.Append(int16(v.(int64)))
	case *array.Int32Builder:
		x.Append(int32(v.(int64)))
	case *array.Int64Builder:
		x.Append(v.(int64))
	case *array.TimestampBuilder:
		x.Append(arrow.Timestamp(v.(int64)))
	default:
		b.AppendNull()
	}
}

func sizePretty(n int64) string {
	units := []string{"bytes", "kB", "MB", "GB", "TB", "PB"}
	u := 0
	for (n >= 10240 || n <= -10240) && u < len(units)-1 {
		n = (n + 512) / 1024
		u++
	}
	return fmt.Sprintf("%d %s", n, units[u])
}

// parseTextArray parses PostgreSQL's array text form ({a,"b c",NULL});
// a nil element is NULL.
func parseTextArray(s string) []*string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '='); i >= 0 && strings.HasPrefix(s, "[") {
		s = s[i+1:]
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		// int2vector/oidvector text form: space-separated.
		var out []*string
		for _, f := range strings.Fields(s) {
			f := f
			out = append(out, &f)
		}
		return out
	}
	s = s[1 : len(s)-1]
	var out []*string
	if s == "" {
		return out
	}
	var cur strings.Builder
	quoted, inQ := false, false
	flush := func() {
		v := cur.String()
		if !quoted && strings.EqualFold(v, "NULL") {
			out = append(out, nil)
		} else {
			if !quoted {
				v = strings.TrimSpace(v)
			}
			out = append(out, &v)
		}
		cur.Reset()
		quoted = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == '"':
			inQ = !inQ
			quoted = true
		case c == ',' && !inQ:
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// textArrayCmp is x = ANY(arr) (any) or x <> ALL(arr) with SQL's NULL
// rules: a match decides; otherwise a NULL operand or element gives NULL.
func textArrayCmp(a []any, any bool) any {
	if a[1] == nil {
		return nil
	}
	els := parseTextArray(a[1].(string))
	if len(els) == 0 {
		return !any
	}
	if a[0] == nil {
		return nil
	}
	sawNull := false
	for _, e := range els {
		if e == nil {
			sawNull = true
			continue
		}
		if *e == a[0].(string) {
			return any
		}
	}
	if sawNull {
		return nil
	}
	return !any
}

// arrayDim answers array_upper/lower/length for dimension 1 of a text-form
// array (NULL for an empty array or another dimension, as PostgreSQL).
func arrayDim(f func(n int) any) func(*catalog.VirtualEnv, []any) (any, error) {
	return func(_ *catalog.VirtualEnv, a []any) (any, error) {
		n := len(parseTextArray(a[0].(string)))
		if n == 0 || a[1].(int64) != 1 {
			return nil, nil
		}
		return f(n), nil
	}
}

// quoteArrayElem quotes an element of an array's text form when
// PostgreSQL's array_out would.
func quoteArrayElem(s string) string {
	if s != "" && !strings.EqualFold(s, "NULL") && !strings.ContainsAny(s, "{},\"\\ \t\n\r") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// jsonObject renders json_build_object's key/value pairs.
func jsonObject(ts []types.T, a []any) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i := 0; i+1 < len(a); i += 2 {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(jsonString(fmt.Sprint(a[i])))
		sb.WriteString(" : ")
		v, t := a[i+1], ts[i+1]
		switch {
		case v == nil:
			sb.WriteString("null")
		case t.Kind == types.Bool:
			sb.WriteString(fmt.Sprint(v))
		case t.IsNumeric():
			sb.WriteString(fmt.Sprint(v))
		default:
			sb.WriteString(jsonString(fmt.Sprint(v)))
		}
	}
	sb.WriteByte('}')
	return sb.String()
}

func jsonString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&sb, "\\u%04x", r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
