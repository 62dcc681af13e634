package planner

import (
	"sort"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// The system catalog information functions clients' metadata queries call
// (psql's \d family, pgjdbc's DatabaseMetaData, SQLAlchemy's inspector,
// psqlODBC, Npgsql): format_type, pg_get_*def, pg_get_userbyid,
// *_description, has_*_privilege, visibility tests and the server
// information functions. They are evaluated in exec/expr/funcs_pg_catalog.go,
// the ones that read the catalog with the session's view of it. OIDs are
// bigint (Lode has no oid type).

// ScalarFunctionNames lists the registered scalar functions (for pg_proc).
func ScalarFunctionNames() []string {
	out := make([]string, 0, len(scalarFuncs))
	for n := range scalarFuncs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func init() {
	var (
		o   = types.TInt64
		i4  = types.TInt32
		txt = types.TText
		bl  = types.TBool
		ts  = types.TTimestampTZ
	)
	sig := func(res types.T, args ...types.T) Signature { return Signature{Args: args, Result: res} }

	RegisterSimple("format_type", sig(txt, o, i4))
	RegisterSimple("pg_get_userbyid", sig(txt, o))
	RegisterSimple("pg_get_expr", sig(txt, txt, o), sig(txt, txt, o, bl))
	RegisterSimple("pg_get_indexdef", sig(txt, o), sig(txt, o, i4, bl))
	RegisterSimple("pg_get_constraintdef", sig(txt, o), sig(txt, o, bl))
	RegisterSimple("pg_get_viewdef", sig(txt, o), sig(txt, o, bl), sig(txt, txt), sig(txt, txt, bl))
	RegisterSimple("pg_get_triggerdef", sig(txt, o), sig(txt, o, bl))
	RegisterSimple("pg_get_ruledef", sig(txt, o), sig(txt, o, bl))
	RegisterSimple("pg_get_statisticsobjdef_columns", sig(txt, o))
	RegisterSimple("pg_get_partkeydef", sig(txt, o))
	RegisterSimple("pg_get_function_result", sig(txt, o))
	RegisterSimple("pg_get_function_arguments", sig(txt, o))
	RegisterSimple("pg_get_function_identity_arguments", sig(txt, o))
	RegisterSimple("pg_get_serial_sequence", sig(txt, txt, txt))
	RegisterSimple("obj_description", sig(txt, o), sig(txt, o, txt))
	RegisterSimple("col_description", sig(txt, o, i4))
	RegisterSimple("shobj_description", sig(txt, o, txt))
	RegisterSimple("pg_encoding_to_char", sig(txt, i4))
	RegisterSimple("pg_char_to_encoding", sig(i4, txt))
	RegisterSimple("pg_tablespace_location", sig(txt, o))
	for _, n := range []string{"pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible",
		"pg_collation_is_visible", "pg_conversion_is_visible", "pg_opclass_is_visible", "pg_operator_is_visible",
		"pg_statistics_obj_is_visible", "pg_ts_config_is_visible"} {
		RegisterSimple(n, sig(bl, o))
	}
	// Lode has no per-object privileges yet: everything is granted.
	for _, n := range []string{"has_table_privilege", "has_schema_privilege", "has_database_privilege",
		"has_function_privilege", "has_sequence_privilege", "has_any_column_privilege", "has_tablespace_privilege",
		"has_language_privilege", "has_foreign_data_wrapper_privilege", "has_server_privilege", "has_type_privilege"} {
		RegisterSimple(n, sig(bl, txt, txt), sig(bl, o, txt), sig(bl, txt, txt, txt), sig(bl, o, txt, txt),
			sig(bl, txt, o, txt), sig(bl, o, o, txt))
	}
	RegisterSimple("has_column_privilege", sig(bl, txt, txt, txt), sig(bl, o, txt, txt), sig(bl, o, i4, txt),
		sig(bl, txt, txt, txt, txt), sig(bl, txt, o, txt, txt), sig(bl, o, o, txt, txt))
	RegisterSimple("pg_has_role", sig(bl, txt, txt), sig(bl, o, txt), sig(bl, txt, txt, txt), sig(bl, o, o, txt),
		sig(bl, txt, o, txt), sig(bl, o, txt, txt))
	RegisterSimple("pg_postmaster_start_time", sig(ts))
	RegisterSimple("pg_conf_load_time", sig(ts))
	RegisterSimple("inet_server_addr", sig(txt))
	RegisterSimple("inet_client_addr", sig(txt))
	RegisterSimple("inet_server_port", sig(i4))
	RegisterSimple("inet_client_port", sig(i4))
	RegisterSimple("pg_is_in_recovery", sig(bl))
	RegisterSimple("pg_reload_conf", sig(bl))
	RegisterSimple("txid_current", sig(o))
	RegisterSimple("pg_current_xact_id", sig(o))
	RegisterSimple("pg_relation_size", sig(o, o), sig(o, o, txt))
	RegisterSimple("pg_total_relation_size", sig(o, o))
	RegisterSimple("pg_table_size", sig(o, o))
	RegisterSimple("pg_indexes_size", sig(o, o))
	RegisterSimple("pg_database_size", sig(o, txt), sig(o, o))
	RegisterSimple("pg_size_pretty", sig(txt, o))
	RegisterSimple("pg_get_keywords_text", sig(txt))
	// array_to_string over an array's text form ({a,b,"c d"}) until Lode has arrays.
	RegisterSimple("array_to_string", sig(txt, txt, txt), sig(txt, txt, txt, txt))
	RegisterSimple("pg_relation_is_publishable", sig(bl, o))
	RegisterSimple("pg_array_quote_elem", sig(txt, txt))
	RegisterSimple("pg_expandarray_record", sig(txt, txt, i4), sig(txt, types.TInt16, i4), sig(txt, i4, i4), sig(txt, o, i4))
	RegisterSimple("pg_record_field", sig(txt, txt, i4))
	// json_build_object(k, v, …) as json text (SQLAlchemy's column
	// reflection calls it; Lode's json is text).
	RegisterScalar(func(b *Binder, name string, args []Expr, loc int32) (Expr, error) {
		if len(args)%2 != 0 {
			return nil, b.errAt(sqlerr.New(sqlerr.InvalidParameterValue, "argument list must have even number of elements"), loc)
		}
		out := make([]Expr, len(args))
		for i, a := range args {
			if a.Type().Kind == types.Unknown {
				e, err := b.Coerce(a, types.TText, loc)
				if err != nil {
					return nil, err
				}
				a = e
			}
			out[i] = a
		}
		return &Func{Name: "json_build_object", Args: out, T: types.TText}, nil
	}, "json_build_object", "jsonb_build_object")
	RegisterSimple("array_upper", sig(i4, txt, i4))
	RegisterSimple("array_lower", sig(i4, txt, i4))
	RegisterSimple("array_length", sig(i4, txt, i4))
	RegisterSimple("cardinality", sig(i4, txt))
	// Lode has no partitioned tables in PostgreSQL's sense, so a relation's
	// only ancestor is itself: one row, as PostgreSQL returns.
	RegisterSimple("pg_partition_ancestors", sig(o, o))
	RegisterSimple("pg_partition_root", sig(o, o))
	RegisterSimple("pg_regclass_in", sig(o, txt, txt))
	RegisterSimple("pg_regclass_out", sig(txt, o, txt))
	RegisterSimple("pg_regtype_out", sig(txt, o))
	RegisterSimple("pg_regproc_out", sig(txt, o))
	RegisterSimple("pg_regnamespace_out", sig(txt, o))
	RegisterSimple("pg_regrole_out", sig(txt, o))
}
