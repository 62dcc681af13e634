package pgcatalog

import (
	"fmt"
	"strings"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
)

// The convenience views (pg_settings, pg_tables, pg_views, pg_matviews,
// pg_stat_user_tables) and information_schema's views, constraints and
// routines.

// RelName finds a relation (table, view or index) by OID, for regclass
// output and pg_get_*def.
func RelName(env *catalog.VirtualEnv, oid int64) (schema, name string, ok bool) {
	tabs := tables(env)
	for _, t := range tabs {
		if t.oid == oid {
			return t.schema, t.name, true
		}
	}
	for _, ix := range indexes(env, tabs) {
		if ix.oid == oid {
			return ix.schema, ix.name, true
		}
	}
	for _, v := range virtualRels() {
		if v.oid == oid {
			return v.schema, v.name, true
		}
	}
	return "", "", false
}

// RelOID resolves a relation name for 'name'::regclass: schema-qualified,
// or searched along path (pg_catalog first). ok is false when there is no
// such relation.
func RelOID(env *catalog.VirtualEnv, schema, name string, path []string) (int64, bool) {
	tabs := tables(env)
	try := func(s string) (int64, bool) {
		for _, t := range tabs {
			if t.schema == s && t.name == name {
				return t.oid, true
			}
		}
		for _, ix := range indexes(env, tabs) {
			if ix.schema == s && ix.name == name {
				return ix.oid, true
			}
		}
		for _, v := range virtualRels() {
			if v.schema == s && v.name == name {
				return v.oid, true
			}
		}
		return 0, false
	}
	if schema != "" {
		return try(schema)
	}
	for _, s := range append([]string{"pg_catalog"}, path...) {
		if oid, ok := try(s); ok {
			return oid, true
		}
	}
	return 0, false
}

// NamespaceName is regnamespace output.
func NamespaceName(env *catalog.VirtualEnv, oid int64) (string, bool) {
	for _, s := range append([]string{"pg_catalog", "information_schema"}, schemaNames(env)...) {
		if nsOID(s) == oid {
			return s, true
		}
	}
	return "", false
}

// NamespaceOID is 'name'::regnamespace.
func NamespaceOID(name string) int64 { return nsOID(name) }

type vrel struct {
	schema, name string
	oid          int64
}

// virtualRels gives the virtual relations OIDs (hashes, as for tables).
func virtualRels() []vrel {
	var out []vrel
	for _, n := range registered {
		out = append(out, vrel{n[0], n[1], int64(catalog.Name{Schema: n[0], Table: n[1]}.OID())})
	}
	return out
}

func init() {
	txt := types.TText
	register("pg_catalog", "pg_settings", []col{{"name", txt}, {"setting", txt}, {"unit", txt}, {"category", txt},
		{"short_desc", txt}, {"extra_desc", txt}, {"context", txt}, {"vartype", txt}, {"source", txt}, {"min_val", txt},
		{"max_val", txt}, {"enumvals", txt}, {"boot_val", txt}, {"reset_val", txt}, {"sourcefile", txt}, {"sourceline", i32},
		{"pending_restart", boolT}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			if env.Settings == nil || env.Setting == nil {
				return nil
			}
			for _, n := range env.Settings() {
				v, _ := env.Setting(n)
				vt := "string"
				switch strings.ToLower(v) {
				case "on", "off", "true", "false":
					vt = "bool"
				}
				rows = append(rows, []any{n, v, nil, "Lode", "", nil, "user", vt, "default", nil, nil, nil, v, v, nil, nil, false})
			}
			return rows
		})
	register("pg_catalog", "pg_tables", []col{{"schemaname", nameT}, {"tablename", nameT}, {"tableowner", nameT},
		{"tablespace", nameT}, {"hasindexes", boolT}, {"hasrules", boolT}, {"hastriggers", boolT}, {"rowsecurity", boolT}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			tabs := tables(env)
			ixs := indexes(env, tabs)
			for _, t := range tabs {
				if !t.view {
					rows = append(rows, []any{t.schema, t.name, BootstrapRole, nil, hasIndex(ixs, t), false, false, false})
				}
			}
			return rows
		})
	register("pg_catalog", "pg_views", []col{{"schemaname", nameT}, {"viewname", nameT}, {"viewowner", nameT}, {"definition", txt}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, t := range tables(env) {
				if t.view {
					rows = append(rows, []any{t.schema, t.name, BootstrapRole, viewSQL(env, t)})
				}
			}
			return rows
		})
	register("pg_catalog", "pg_matviews", []col{{"schemaname", nameT}, {"matviewname", nameT}, {"matviewowner", nameT},
		{"tablespace", nameT}, {"hasindexes", boolT}, {"ispopulated", boolT}, {"definition", txt}},
		func(*catalog.VirtualEnv) [][]any { return nil })
	c64 := types.TInt64
	register("pg_catalog", "pg_stat_user_tables", []col{{"relid", oidT}, {"schemaname", nameT}, {"relname", nameT},
		{"seq_scan", c64}, {"seq_tup_read", c64}, {"idx_scan", c64}, {"idx_tup_fetch", c64}, {"n_tup_ins", c64},
		{"n_tup_upd", c64}, {"n_tup_del", c64}, {"n_tup_hot_upd", c64}, {"n_live_tup", c64}, {"n_dead_tup", c64},
		{"n_mod_since_analyze", c64}, {"n_ins_since_vacuum", c64}, {"last_vacuum", types.TTimestampTZ},
		{"last_autovacuum", types.TTimestampTZ}, {"last_analyze", types.TTimestampTZ}, {"last_autoanalyze", types.TTimestampTZ},
		{"vacuum_count", c64}, {"autovacuum_count", c64}, {"analyze_count", c64}, {"autoanalyze_count", c64}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, t := range tables(env) {
				if !t.view {
					rows = append(rows, []any{t.oid, t.schema, t.name, 0, 0, nil, nil, 0, 0, 0, 0, 0, 0, 0, 0, nil, nil, nil, nil, 0, 0, 0, 0})
				}
			}
			return rows
		})

	register("information_schema", "views", []col{{"table_catalog", nameT}, {"table_schema", nameT}, {"table_name", nameT},
		{"view_definition", txt}, {"check_option", txt}, {"is_updatable", txt}, {"is_insertable_into", txt},
		{"is_trigger_updatable", txt}, {"is_trigger_deletable", txt}, {"is_trigger_insertable_into", txt}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, t := range tables(env) {
				if t.view {
					rows = append(rows, []any{env.Database, t.schema, t.name, viewSQL(env, t), "NONE", "NO", "NO", "NO", "NO", "NO"})
				}
			}
			return rows
		})
	register("information_schema", "table_constraints", []col{{"constraint_catalog", nameT}, {"constraint_schema", nameT},
		{"constraint_name", nameT}, {"table_catalog", nameT}, {"table_schema", nameT}, {"table_name", nameT},
		{"constraint_type", txt}, {"is_deferrable", txt}, {"initially_deferred", txt}, {"enforced", txt}, {"nulls_distinct", txt}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			tabs := tables(env)
			for _, ix := range indexes(env, tabs) {
				if ix.primary {
					rows = append(rows, []any{env.Database, ix.schema, ix.name, env.Database, ix.schema, ix.table.name,
						"PRIMARY KEY", "NO", "NO", "YES", nil})
				}
			}
			// NOT NULL columns appear as CHECK constraints, named as PostgreSQL names them.
			for _, t := range tabs {
				for i, f := range t.cols {
					if !f.Nullable {
						rows = append(rows, []any{env.Database, t.schema, fmt.Sprintf("%d_%d_%d_not_null", nsOID(t.schema), t.oid, i+1),
							env.Database, t.schema, t.name, "CHECK", "NO", "NO", "YES", nil})
					}
				}
			}
			return rows
		})
	register("information_schema", "key_column_usage", []col{{"constraint_catalog", nameT}, {"constraint_schema", nameT},
		{"constraint_name", nameT}, {"table_catalog", nameT}, {"table_schema", nameT}, {"table_name", nameT},
		{"column_name", nameT}, {"ordinal_position", i32}, {"position_in_unique_constraint", i32}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, ix := range indexes(env, tables(env)) {
				if !ix.primary {
					continue
				}
				for i, k := range ix.keys {
					if k > 0 && k <= len(ix.table.cols) {
						rows = append(rows, []any{env.Database, ix.schema, ix.name, env.Database, ix.schema, ix.table.name,
							ix.table.cols[k-1].Name, i + 1, nil})
					}
				}
			}
			return rows
		})
	register("information_schema", "referential_constraints", []col{{"constraint_catalog", nameT}, {"constraint_schema", nameT},
		{"constraint_name", nameT}, {"unique_constraint_catalog", nameT}, {"unique_constraint_schema", nameT},
		{"unique_constraint_name", nameT}, {"match_option", txt}, {"update_rule", txt}, {"delete_rule", txt}},
		func(*catalog.VirtualEnv) [][]any { return nil })
	register("information_schema", "routines", []col{{"specific_catalog", nameT}, {"specific_schema", nameT},
		{"specific_name", nameT}, {"routine_catalog", nameT}, {"routine_schema", nameT}, {"routine_name", nameT},
		{"routine_type", txt}, {"data_type", txt}, {"type_udt_catalog", nameT}, {"type_udt_schema", nameT},
		{"type_udt_name", nameT}, {"routine_body", txt}, {"routine_definition", txt}, {"external_language", txt},
		{"is_deterministic", txt}, {"security_type", txt}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, p := range procRows() {
				if p.oid < 20000 {
					continue // the type I/O functions are not listed by name
				}
				rows = append(rows, []any{env.Database, "pg_catalog", fmt.Sprintf("%s_%d", p.name, p.oid), env.Database,
					"pg_catalog", p.name, "FUNCTION", FormatType(p.rettype, -1, false), env.Database, "pg_catalog",
					TypeName(p.rettype), "EXTERNAL", p.name, "INTERNAL", "YES", "INVOKER"})
			}
			return rows
		})
}

func hasIndex(ixs []index, t table) bool {
	for _, ix := range ixs {
		if ix.table.oid == t.oid {
			return true
		}
	}
	return false
}

func viewSQL(env *catalog.VirtualEnv, t table) any {
	v, ok := env.Cat.View(catalog.Name{Catalog: env.Database, Schema: t.schema, Table: t.name})
	if !ok {
		return nil
	}
	return " " + strings.TrimSuffix(strings.TrimSpace(v.SQL), ";") + ";"
}
