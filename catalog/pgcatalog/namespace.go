package pgcatalog

import (
	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
)

func init() {
	register("pg_catalog", "pg_namespace", []col{{"oid", oidT}, {"nspname", nameT}, {"nspowner", oidT}, {"nspacl", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			rows := [][]any{{oidPgCatalog, "pg_catalog", oidBootstrap, nil}, {oidInfoSchema, "information_schema", oidBootstrap, nil}}
			for _, s := range schemaNames(env) {
				owner := int64(oidBootstrap)
				if s == "public" {
					owner = oidDatabaseOwner // PostgreSQL 15's owner of public
				}
				rows = append(rows, []any{nsOID(s), s, owner, nil})
			}
			return rows
		})
	register("pg_catalog", "pg_class", []col{{"oid", oidT}, {"relname", nameT}, {"relnamespace", oidT}, {"reltype", oidT},
		{"relowner", oidT}, {"relam", oidT}, {"reltuples", types.TFloat32}, {"relhasindex", boolT}, {"relpersistence", types.TText},
		{"relkind", types.TText}, {"relnatts", i16}, {"relchecks", i16}, {"relhasrules", boolT}, {"relhastriggers", boolT},
		{"relhassubclass", boolT}, {"relrowsecurity", boolT}, {"relforcerowsecurity", boolT}, {"relispartition", boolT},
		{"reloptions", types.TText}, {"relacl", types.TText}, {"reltablespace", oidT}, {"relispopulated", boolT}, {"relreplident", types.TText},
		{"relpartbound", types.TText}, {"reloftype", oidT}, {"relfilenode", oidT}, {"relisshared", boolT}, {"reltoastrelid", oidT}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			tabs := tables(env)
			ixs := indexes(env, tabs)
			for _, t := range tabs {
				kind, am := "r", int64(oidHeapAM)
				if t.view {
					kind, am = "v", 0
				}
				rows = append(rows, []any{t.oid, t.name, nsOID(t.schema), 0, oidBootstrap, am, float32(-1), hasIndex(ixs, t), "p", kind,
					len(t.cols), 0, false, false, false, false, false, false, nil, nil, 0, true, "d", nil, 0, t.oid, false, 0})
			}
			for _, ix := range ixs {
				rows = append(rows, []any{ix.oid, ix.name, nsOID(ix.schema), 0, oidBootstrap, 403, float32(0), false, "p", "i",
					len(ix.keys), 0, false, false, false, false, false, false, nil, nil, 0, true, "n", nil, 0, ix.oid, false, 0})
			}
			return rows
		})
	register("pg_catalog", "pg_attribute", []col{{"attrelid", oidT}, {"attname", nameT}, {"atttypid", oidT}, {"attstattarget", i32},
		{"attlen", i16}, {"attnum", i16}, {"attndims", i32}, {"atttypmod", i32}, {"attnotnull", boolT}, {"atthasdef", boolT},
		{"atthasmissing", boolT}, {"attidentity", types.TText}, {"attgenerated", types.TText}, {"attisdropped", boolT},
		{"attislocal", boolT}, {"attinhcount", i32}, {"attcollation", oidT}, {"attacl", types.TText}, {"attoptions", types.TText}, {"attfdwoptions", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, t := range tables(env) {
				for i, f := range t.cols {
					ty := t.colTypes[i]
					coll := int64(0)
					if ty.IsString() && ty.Alias == types.AliasNone { // json/jsonb are not collatable
						coll = 100
					}
					rows = append(rows, []any{t.oid, f.Name, int64(ty.OID()), -1, int64(ty.Size()), i + 1, 0, int64(ty.Typmod()),
						!f.Nullable, false, false, "", "", false, true, 0, coll, nil, nil, nil})
				}
			}
			return rows
		})
	register("pg_catalog", "pg_database", []col{{"oid", oidT}, {"datname", nameT}, {"datdba", oidT}, {"encoding", i32},
		{"datlocprovider", types.TText}, {"datistemplate", boolT}, {"datallowconn", boolT}, {"datconnlimit", i32},
		{"datcollate", types.TText}, {"datctype", types.TText}, {"daticulocale", types.TText}, {"datcollversion", types.TText}, {"datacl", types.TText}, {"dattablespace", oidT}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			cats, _ := env.Cat.Catalogs()
			for i, c := range cats {
				if len(c) > 0 && c[0] == '_' {
					continue
				}
				rows = append(rows, []any{16384 + i, c, oidBootstrap, 6, "c", false, true, -1, "C", "C", nil, nil, nil, 1663})
			}
			return rows
		})
	register("pg_catalog", "pg_am", []col{{"oid", oidT}, {"amname", nameT}, {"amhandler", types.TText}, {"amtype", types.TText}},
		func(*catalog.VirtualEnv) [][]any {
			return [][]any{{2, "heap", "heap_tableam_handler", "t"}, {403, "btree", "bthandler", "i"}}
		})
	register("information_schema", "schemata", []col{{"catalog_name", nameT}, {"schema_name", nameT}, {"schema_owner", nameT},
		{"default_character_set_catalog", nameT}, {"default_character_set_schema", nameT}, {"default_character_set_name", nameT}, {"sql_path", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			rows := [][]any{{env.Database, "information_schema", "lode", nil, nil, nil, nil}, {env.Database, "pg_catalog", "lode", nil, nil, nil, nil}}
			for _, s := range schemaNames(env) {
				rows = append(rows, []any{env.Database, s, "lode", nil, nil, nil, nil})
			}
			return rows
		})
	register("information_schema", "character_sets", []col{{"character_set_catalog", nameT}, {"character_set_schema", nameT},
		{"character_set_name", nameT}, {"character_repertoire", nameT}, {"form_of_use", nameT}, {"default_collate_catalog", nameT},
		{"default_collate_schema", nameT}, {"default_collate_name", nameT}},
		func(env *catalog.VirtualEnv) [][]any {
			return [][]any{{nil, nil, "UTF8", "UCS", "UTF8", env.Database, "pg_catalog", "C.UTF-8"}}
		})
	register("information_schema", "tables", []col{{"table_catalog", nameT}, {"table_schema", nameT}, {"table_name", nameT},
		{"table_type", types.TText}, {"self_referencing_column_name", nameT}, {"reference_generation", types.TText},
		{"user_defined_type_catalog", nameT}, {"user_defined_type_schema", nameT}, {"user_defined_type_name", nameT},
		{"is_insertable_into", types.TText}, {"is_typed", types.TText}, {"commit_action", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, t := range tables(env) {
				kind, ins := "BASE TABLE", "YES"
				if t.view {
					kind, ins = "VIEW", "NO"
				}
				rows = append(rows, []any{env.Database, t.schema, t.name, kind, nil, nil, nil, nil, nil, ins, "NO", nil})
			}
			return rows
		})
	register("information_schema", "columns", []col{{"table_catalog", nameT}, {"table_schema", nameT}, {"table_name", nameT},
		{"column_name", nameT}, {"ordinal_position", i32}, {"column_default", types.TText}, {"is_nullable", types.TText},
		{"data_type", types.TText}, {"character_maximum_length", i32}, {"character_octet_length", i32}, {"numeric_precision", i32},
		{"numeric_precision_radix", i32}, {"numeric_scale", i32}, {"datetime_precision", i32}, {"udt_catalog", nameT},
		{"udt_schema", nameT}, {"udt_name", nameT}, {"is_identity", types.TText}, {"is_generated", types.TText}, {"is_updatable", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, t := range tables(env) {
				for i, f := range t.cols {
					ty := t.colTypes[i]
					null := "YES"
					if !f.Nullable {
						null = "NO"
					}
					var clen, prec, radix, scale, dtp any
					switch {
					case ty.Kind == types.Varchar && ty.Length > 0:
						clen = ty.Length
					case ty.Kind == types.Numeric:
						if ty.Precision > 0 {
							prec, scale = ty.Precision, ty.Scale
						}
						radix = 10
					case ty.Kind == types.Int16:
						prec, radix, scale = 16, 2, 0
					case ty.Kind == types.Int32:
						prec, radix, scale = 32, 2, 0
					case ty.Kind == types.Int64:
						prec, radix, scale = 64, 2, 0
					case ty.Kind == types.Float32:
						prec, radix = 24, 2
					case ty.Kind == types.Float64:
						prec, radix = 53, 2
					case ty.IsTemporal():
						dtp = 6
						if ty.Kind == types.Date {
							dtp = 0
						}
					}
					dt := ty
					dt.Precision, dt.Scale, dt.Length = 0, 0, 0
					rows = append(rows, []any{env.Database, t.schema, t.name, f.Name, i + 1, nil, null, dt.String(), clen, nil,
						prec, radix, scale, dtp, env.Database, "pg_catalog", udtName(ty), "NO", "NEVER", "YES"})
				}
			}
			return rows
		})
}

func udtName(t types.T) string {
	if t.Alias != types.AliasNone {
		return t.String() // oid, json, jsonb: their names are their pg_type names
	}
	switch t.Kind {
	case types.Bool:
		return "bool"
	case types.Int16:
		return "int2"
	case types.Int32:
		return "int4"
	case types.Int64:
		return "int8"
	case types.Float32:
		return "float4"
	case types.Float64:
		return "float8"
	case types.Numeric:
		return "numeric"
	case types.Varchar:
		return "varchar"
	case types.Date:
		return "date"
	case types.Timestamp:
		return "timestamp"
	case types.TimestampTZ:
		return "timestamptz"
	case types.Interval:
		return "interval"
	case types.Bytea:
		return "bytea"
	case types.UUID:
		return "uuid"
	}
	return "text"
}
