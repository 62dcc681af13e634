package pgcatalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
)

// Indexes, constraints and the relations Lode has no objects for yet
// (defaults, comments, inheritance, policies, triggers, extended
// statistics, publications, sequences): the latter exist, empty, so the
// clients' queries that join them run and find nothing, as on a fresh
// PostgreSQL database.

// index is one stored index definition, placed on its table.
type index struct {
	schema, name string
	oid          int64
	table        table
	keys         []int // attnums, 0 for an unknown column
	unique       bool
	primary      bool
}

// indexes lists the database's index definitions. An index named
// <table>_pkey that is unique is the table's primary key (PostgreSQL's own
// naming for the index a PRIMARY KEY creates).
func indexes(env *catalog.VirtualEnv, tabs []table) []index {
	byName := map[string]table{}
	for _, t := range tabs {
		byName[t.schema+"."+t.name] = t
	}
	var out []index
	for _, s := range schemaNames(env) {
		for _, ix := range env.Cat.Indexes(env.Database, s) {
			t, ok := byName[s+"."+ix.Table]
			if !ok {
				continue
			}
			x := index{schema: s, name: ix.Name, table: t, unique: ix.Unique,
				oid:     int64(catalog.Name{Catalog: env.Database, Schema: s, Table: ix.Name}.OID()),
				primary: ix.Unique && ix.Name == ix.Table+"_pkey"}
			for _, c := range ix.Columns {
				x.keys = append(x.keys, attnum(t, c))
			}
			out = append(out, x)
		}
	}
	return out
}

func attnum(t table, col string) int {
	for i, f := range t.cols {
		if strings.EqualFold(f.Name, col) {
			return i + 1
		}
	}
	return 0
}

func (ix index) keyText(sep string) string {
	s := make([]string, len(ix.keys))
	for i, k := range ix.keys {
		s[i] = fmt.Sprint(k)
	}
	return strings.Join(s, sep)
}

func (ix index) colNames() []string {
	var out []string
	for _, k := range ix.keys {
		if k > 0 && k <= len(ix.table.cols) {
			out = append(out, quoteIdent(ix.table.cols[k-1].Name))
		}
	}
	return out
}

// IndexDef is pg_get_indexdef(oid): the CREATE INDEX statement.
func IndexDef(env *catalog.VirtualEnv, oid int64) (string, bool) {
	for _, ix := range indexes(env, tables(env)) {
		if ix.oid == oid {
			u := ""
			if ix.unique {
				u = "UNIQUE "
			}
			return fmt.Sprintf("CREATE %sINDEX %s ON %s.%s USING btree (%s)", u, quoteIdent(ix.name), quoteIdent(ix.schema),
				quoteIdent(ix.table.name), strings.Join(ix.colNames(), ", ")), true
		}
	}
	return "", false
}

// constraintOID gives a primary key constraint its own OID.
func constraintOID(ix index) int64 { return ix.oid ^ 1 }

// ConstraintDef is pg_get_constraintdef(oid).
func ConstraintDef(env *catalog.VirtualEnv, oid int64) (string, bool) {
	for _, ix := range indexes(env, tables(env)) {
		if ix.primary && constraintOID(ix) == oid {
			return "PRIMARY KEY (" + strings.Join(ix.colNames(), ", ") + ")", true
		}
	}
	return "", false
}

// quoteIdent quotes an identifier when PostgreSQL would.
func quoteIdent(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && (r >= '0' && r <= '9' || r == '$')) {
			plain = false
			break
		}
	}
	if plain && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteIdent is quote_ident().
func QuoteIdent(s string) string { return quoteIdent(s) }

func init() {
	register("pg_catalog", "pg_index", []col{{"indexrelid", oidT}, {"indrelid", oidT}, {"indnatts", i16}, {"indnkeyatts", i16},
		{"indisunique", boolT}, {"indnullsnotdistinct", boolT}, {"indisprimary", boolT}, {"indisexclusion", boolT},
		{"indimmediate", boolT}, {"indisclustered", boolT}, {"indisvalid", boolT}, {"indcheckxmin", boolT}, {"indisready", boolT},
		{"indislive", boolT}, {"indisreplident", boolT}, {"indkey", types.TText}, {"indcollation", types.TText},
		{"indclass", types.TText}, {"indoption", types.TText}, {"indexprs", types.TText}, {"indpred", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, ix := range indexes(env, tables(env)) {
				zeros := strings.TrimSpace(strings.Repeat("0 ", len(ix.keys)))
				rows = append(rows, []any{ix.oid, ix.table.oid, len(ix.keys), len(ix.keys), ix.unique, false, ix.primary, false,
					true, false, true, false, true, true, false, ix.keyText(" "), zeros, zeros, zeros, nil, nil})
			}
			return rows
		})
	register("pg_catalog", "pg_indexes", []col{{"schemaname", nameT}, {"tablename", nameT}, {"indexname", nameT},
		{"tablespace", nameT}, {"indexdef", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, ix := range indexes(env, tables(env)) {
				def, _ := IndexDef(env, ix.oid)
				rows = append(rows, []any{ix.schema, ix.table.name, ix.name, nil, def})
			}
			return rows
		})
	register("pg_catalog", "pg_constraint", []col{{"oid", oidT}, {"conname", nameT}, {"connamespace", oidT}, {"contype", types.TText},
		{"condeferrable", boolT}, {"condeferred", boolT}, {"convalidated", boolT}, {"conrelid", oidT}, {"contypid", oidT},
		{"conindid", oidT}, {"conparentid", oidT}, {"confrelid", oidT}, {"confupdtype", types.TText}, {"confdeltype", types.TText},
		{"confmatchtype", types.TText}, {"conislocal", boolT}, {"coninhcount", i32}, {"connoinherit", boolT},
		{"conkey", types.TText}, {"confkey", types.TText}, {"conpfeqop", types.TText}, {"conppeqop", types.TText},
		{"conffeqop", types.TText}, {"confdelsetcols", types.TText}, {"conexclop", types.TText}, {"conbin", types.TText}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, ix := range indexes(env, tables(env)) {
				if !ix.primary {
					continue
				}
				rows = append(rows, []any{constraintOID(ix), ix.name, nsOID(ix.schema), "p", false, false, true, ix.table.oid, 0,
					ix.oid, 0, 0, " ", " ", " ", true, 0, true, "{" + ix.keyText(",") + "}", nil, nil, nil, nil, nil, nil, nil})
			}
			return rows
		})
	empty := func(schema, name string, cols ...col) {
		register(schema, name, cols, func(*catalog.VirtualEnv) [][]any { return nil })
	}
	txt := types.TText
	empty("pg_catalog", "pg_attrdef", col{"oid", oidT}, col{"adrelid", oidT}, col{"adnum", i16}, col{"adbin", txt})
	empty("pg_catalog", "pg_description", col{"objoid", oidT}, col{"classoid", oidT}, col{"objsubid", i32}, col{"description", txt})
	empty("pg_catalog", "pg_shdescription", col{"objoid", oidT}, col{"classoid", oidT}, col{"description", txt})
	empty("pg_catalog", "pg_inherits", col{"inhrelid", oidT}, col{"inhparent", oidT}, col{"inhseqno", i32}, col{"inhdetachpending", boolT})
	empty("pg_catalog", "pg_policy", col{"oid", oidT}, col{"polname", nameT}, col{"polrelid", oidT}, col{"polcmd", txt},
		col{"polpermissive", boolT}, col{"polroles", txt}, col{"polqual", txt}, col{"polwithcheck", txt})
	empty("pg_catalog", "pg_trigger", col{"oid", oidT}, col{"tgrelid", oidT}, col{"tgparentid", oidT}, col{"tgname", nameT},
		col{"tgfoid", oidT}, col{"tgtype", i16}, col{"tgenabled", txt}, col{"tgisinternal", boolT}, col{"tgconstrrelid", oidT},
		col{"tgconstrindid", oidT}, col{"tgconstraint", oidT}, col{"tgdeferrable", boolT}, col{"tginitdeferred", boolT},
		col{"tgnargs", i16}, col{"tgattr", txt}, col{"tgargs", txt}, col{"tgqual", txt}, col{"tgoldtable", nameT}, col{"tgnewtable", nameT})
	empty("pg_catalog", "pg_statistic_ext", col{"oid", oidT}, col{"stxrelid", oidT}, col{"stxname", nameT}, col{"stxnamespace", oidT},
		col{"stxowner", oidT}, col{"stxstattarget", i32}, col{"stxkeys", txt}, col{"stxkind", txt}, col{"stxexprs", txt})
	empty("pg_catalog", "pg_statistic_ext_data", col{"stxoid", oidT}, col{"stxdinherit", boolT}, col{"stxdndistinct", txt},
		col{"stxddependencies", txt}, col{"stxdmcv", txt}, col{"stxdexpr", txt})
	empty("pg_catalog", "pg_publication", col{"oid", oidT}, col{"pubname", nameT}, col{"pubowner", oidT}, col{"puballtables", boolT},
		col{"pubinsert", boolT}, col{"pubupdate", boolT}, col{"pubdelete", boolT}, col{"pubtruncate", boolT}, col{"pubviaroot", boolT})
	empty("pg_catalog", "pg_publication_namespace", col{"oid", oidT}, col{"pnpubid", oidT}, col{"pnnspid", oidT})
	empty("pg_catalog", "pg_publication_rel", col{"oid", oidT}, col{"prpubid", oidT}, col{"prrelid", oidT}, col{"prqual", txt}, col{"prattrs", txt})
	empty("pg_catalog", "pg_sequence", col{"seqrelid", oidT}, col{"seqtypid", oidT}, col{"seqstart", oidT}, col{"seqincrement", oidT},
		col{"seqmax", oidT}, col{"seqmin", oidT}, col{"seqcache", oidT}, col{"seqcycle", boolT})
	empty("pg_catalog", "pg_extension", col{"oid", oidT}, col{"extname", nameT}, col{"extowner", oidT}, col{"extnamespace", oidT},
		col{"extrelocatable", boolT}, col{"extversion", txt}, col{"extconfig", txt}, col{"extcondition", txt})
	empty("pg_catalog", "pg_foreign_table", col{"ftrelid", oidT}, col{"ftserver", oidT}, col{"ftoptions", txt})
	empty("pg_catalog", "pg_partitioned_table", col{"partrelid", oidT}, col{"partstrat", txt}, col{"partnatts", i16},
		col{"partdefid", oidT}, col{"partattrs", txt}, col{"partclass", txt}, col{"partcollation", txt}, col{"partexprs", txt})
	empty("pg_catalog", "pg_rewrite", col{"oid", oidT}, col{"rulename", nameT}, col{"ev_class", oidT}, col{"ev_type", txt},
		col{"ev_enabled", txt}, col{"is_instead", boolT}, col{"ev_qual", txt}, col{"ev_action", txt})
	empty("pg_catalog", "pg_depend", col{"classid", oidT}, col{"objid", oidT}, col{"objsubid", i32}, col{"refclassid", oidT},
		col{"refobjid", oidT}, col{"refobjsubid", i32}, col{"deptype", txt})
	empty("pg_catalog", "pg_auth_members", col{"oid", oidT}, col{"roleid", oidT}, col{"member", oidT}, col{"grantor", oidT}, col{"admin_option", boolT})
	empty("pg_catalog", "pg_event_trigger", col{"oid", oidT}, col{"evtname", nameT}, col{"evtevent", nameT}, col{"evtowner", oidT},
		col{"evtfoid", oidT}, col{"evtenabled", txt}, col{"evttags", txt})
	empty("pg_catalog", "pg_foreign_data_wrapper", col{"oid", oidT}, col{"fdwname", nameT}, col{"fdwowner", oidT})
	empty("pg_catalog", "pg_foreign_server", col{"oid", oidT}, col{"srvname", nameT}, col{"srvowner", oidT}, col{"srvfdw", oidT})
	empty("pg_catalog", "pg_opclass", col{"oid", oidT}, col{"opcmethod", oidT}, col{"opcname", nameT}, col{"opcnamespace", oidT},
		col{"opcowner", oidT}, col{"opcfamily", oidT}, col{"opcintype", oidT}, col{"opcdefault", boolT}, col{"opckeytype", oidT})
	register("pg_catalog", "pg_tablespace", []col{{"oid", oidT}, {"spcname", nameT}, {"spcowner", oidT}, {"spcacl", txt}, {"spcoptions", txt}},
		func(*catalog.VirtualEnv) [][]any {
			return [][]any{{1663, "pg_default", 10, nil, nil}, {1664, "pg_global", 10, nil, nil}}
		})
}

func init() {
	// pg_get_keywords() (a table function; the binder reads this relation).
	register("pg_catalog", "pg_get_keywords", []col{{"word", types.TText}, {"catcode", types.TText}, {"barelabel", boolT},
		{"catdesc", types.TText}, {"baredesc", types.TText}},
		func(*catalog.VirtualEnv) [][]any {
			words := make([]string, 0, len(reservedWords))
			for w := range reservedWords {
				words = append(words, w)
			}
			sort.Strings(words)
			var rows [][]any
			for _, w := range words {
				rows = append(rows, []any{w, "R", true, "reserved", "can be bare label"})
			}
			return rows
		})
}

// reservedWords are the keywords quote_ident quotes (PostgreSQL's reserved
// and column-name keywords that clients hit in practice).
var reservedWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization binary both case cast check
		collate collation column concurrently constraint create cross current_catalog current_date current_role current_schema
		current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign
		freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit
		localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references
		returning right select session_user similar some symmetric system_user table tablesample then to trailing true union
		unique user using variadic verbose when where window with between bigint bit boolean char character coalesce dec decimal
		exists extract float greatest grouping inout int integer interval least national nchar none normalize nullif numeric out
		overlay position precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes
		xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		reservedWords[w] = true
	}
}
