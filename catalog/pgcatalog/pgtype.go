package pgcatalog

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
)

// pg_type, pg_proc, pg_range, pg_enum, pg_collation, pg_language.
//
// pg_type has a row for every type Lode returns plus the ones clients look
// up by name (oid, name, regclass, bytea, json, uuid, …), each with its
// array type. typinput/typoutput/typreceive/typsend name pg_proc rows by
// OID, so Npgsql's "JOIN pg_proc ON pg_proc.oid = a.typreceive" finds every
// type, arrays through array_recv.

// pgType is one base (or pseudo, or range) type.
type pgType struct {
	oid      int64
	name     string
	len      int
	byval    bool
	typtype  string // b base, p pseudo, r range
	category string
	array    int64  // its array type's OID (0 = none)
	io       string // prefix of the I/O functions: <io>in, <io>out, <io>recv, <io>send
	elem     int64
	align    string
	subtype  int64 // ranges: rngsubtype
}

var baseTypes = []pgType{
	{16, "bool", 1, true, "b", "B", 1000, "bool", 0, "c", 0},
	{17, "bytea", -1, false, "b", "U", 1001, "bytea", 0, "i", 0},
	{18, "char", 1, true, "b", "Z", 1002, "char", 0, "c", 0},
	{19, "name", 64, false, "b", "S", 1003, "name", 18, "c", 0},
	{20, "int8", 8, true, "b", "N", 1016, "int8", 0, "d", 0},
	{21, "int2", 2, true, "b", "N", 1005, "int2", 0, "s", 0},
	{22, "int2vector", -1, false, "b", "A", 1006, "int2vector", 21, "i", 0},
	{23, "int4", 4, true, "b", "N", 1007, "int4", 0, "i", 0},
	{24, "regproc", 4, true, "b", "N", 1008, "regproc", 0, "i", 0},
	{25, "text", -1, false, "b", "S", 1009, "text", 0, "i", 0},
	{26, "oid", 4, true, "b", "N", 1028, "oid", 0, "i", 0},
	{30, "oidvector", -1, false, "b", "A", 1013, "oidvector", 26, "i", 0},
	{114, "json", -1, false, "b", "U", 199, "json_", 0, "i", 0},
	{700, "float4", 4, true, "b", "N", 1021, "float4", 0, "i", 0},
	{701, "float8", 8, true, "b", "N", 1022, "float8", 0, "d", 0},
	{705, "unknown", -2, false, "p", "X", 0, "unknown", 0, "c", 0},
	{1042, "bpchar", -1, false, "b", "S", 1014, "bpchar", 0, "i", 0},
	{1043, "varchar", -1, false, "b", "S", 1015, "varchar", 0, "i", 0},
	{1082, "date", 4, true, "b", "D", 1182, "date_", 0, "i", 0},
	{1083, "time", 8, true, "b", "D", 1183, "time_", 0, "d", 0},
	{1114, "timestamp", 8, true, "b", "D", 1115, "timestamp_", 0, "d", 0},
	{1184, "timestamptz", 8, true, "b", "D", 1185, "timestamptz_", 0, "d", 0},
	{1186, "interval", 16, false, "b", "T", 1187, "interval_", 0, "d", 0},
	{1700, "numeric", -1, false, "b", "N", 1231, "numeric_", 0, "i", 0},
	{2205, "regclass", 4, true, "b", "N", 2210, "regclass", 0, "i", 0},
	{2206, "regtype", 4, true, "b", "N", 2211, "regtype", 0, "i", 0},
	{4089, "regnamespace", 4, true, "b", "N", 4090, "regnamespace", 0, "i", 0},
	{2950, "uuid", 16, false, "b", "U", 2951, "uuid_", 0, "c", 0},
	{3802, "jsonb", -1, false, "b", "U", 3807, "jsonb_", 0, "i", 0},
	{2249, "record", -1, false, "p", "P", 2287, "record_", 0, "d", 0},
	{2278, "void", 4, true, "p", "P", 0, "void_", 0, "i", 0},
	{2277, "anyarray", -1, false, "p", "P", 0, "anyarray_", 0, "d", 0},
	{2283, "anyelement", 4, true, "p", "P", 0, "anyelement_", 0, "i", 0},
	{3904, "int4range", -1, false, "r", "R", 3905, "range_", 0, "i", 23},
	{3926, "int8range", -1, false, "r", "R", 3927, "range_", 0, "d", 20},
	{3906, "numrange", -1, false, "r", "R", 3907, "range_", 0, "i", 1700},
	{3908, "tsrange", -1, false, "r", "R", 3909, "range_", 0, "d", 1114},
	{3910, "tstzrange", -1, false, "r", "R", 3911, "range_", 0, "d", 1184},
	{3912, "daterange", -1, false, "r", "R", 3913, "range_", 0, "i", 1082},
}

// ioNames gives a type's four I/O function names as PostgreSQL spells them.
func (t pgType) ioNames() [4]string {
	p := t.io
	return [4]string{p + "in", p + "out", p + "recv", p + "send"}
}

var (
	typeOnce sync.Once
	allTypes []typeRow // base types then their arrays
	typeByID map[int64]*typeRow
)

type typeRow struct {
	pgType
	isArray bool
}

func typeRows() []typeRow {
	typeOnce.Do(func() {
		for _, t := range baseTypes {
			allTypes = append(allTypes, typeRow{pgType: t})
		}
		for _, t := range baseTypes {
			if t.array == 0 {
				continue
			}
			a := pgType{oid: t.array, name: "_" + t.name, len: -1, typtype: "b", category: "A", io: "array_", elem: t.oid, align: t.align}
			if a.align == "c" || a.align == "s" {
				a.align = "i"
			}
			allTypes = append(allTypes, typeRow{pgType: a, isArray: true})
		}
		typeByID = map[int64]*typeRow{}
		for i := range allTypes {
			typeByID[allTypes[i].oid] = &allTypes[i]
		}
	})
	return allTypes
}

// TypeName is pg_type.typname of oid ("" when unknown).
func TypeName(oid int64) string {
	typeRows()
	if t, ok := typeByID[oid]; ok {
		return t.name
	}
	return ""
}

// FormatType is format_type(oid, typmod): the SQL name with modifiers.
func FormatType(oid int64, typmod int64, hasMod bool) string {
	typeRows()
	t, ok := typeByID[oid]
	if !ok {
		return "???"
	}
	if t.isArray {
		return FormatType(t.elem, typmod, hasMod) + "[]"
	}
	if !hasMod {
		typmod = -1
	}
	switch oid {
	case 1700:
		if typmod >= 4 {
			m := typmod - 4
			return fmt.Sprintf("numeric(%d,%d)", m>>16, m&0xffff)
		}
		return "numeric"
	case 1043:
		if typmod >= 4 {
			return fmt.Sprintf("character varying(%d)", typmod-4)
		}
		return "character varying"
	case 1042:
		if typmod >= 4 {
			return fmt.Sprintf("character(%d)", typmod-4)
		}
		return "bpchar"
	case 18:
		return `"char"`
	}
	if k, ok := sqlTypeNames[t.name]; ok {
		return k
	}
	return t.name
}

var sqlTypeNames = map[string]string{
	"bool": "boolean", "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
	"float8": "double precision", "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
	"time": "time without time zone",
}

// procOIDs gives the built-in functions pg_type names stable OIDs.
var (
	procOnce sync.Once
	procs    []procRow
	procByID map[int64]*procRow
	procID   map[string]int64
)

type procRow struct {
	oid      int64
	name     string
	kind     string // f, a, w
	rettype  int64
	argtypes string // oidvector text form
	nargs    int
	retset   bool
}

// FunctionNames lists Lode's scalar functions; the engine sets it (the
// planner's registry is above this package).
var FunctionNames func() []string

func procRows() []procRow {
	procOnce.Do(func() {
		procID = map[string]int64{}
		add := func(p procRow) {
			if _, dup := procID[p.name]; dup {
				return
			}
			procID[p.name] = p.oid
			procs = append(procs, p)
		}
		next := int64(6000)
		for _, t := range typeRows() {
			n := t.ioNames()
			for i, fn := range n {
				ret, args := int64(2275), "2275" // cstring
				switch i {
				case 1:
					ret, args = 2275, fmt.Sprint(t.oid)
				case 2:
					ret, args = t.oid, "2281"
				case 3:
					ret, args = 17, fmt.Sprint(t.oid)
				}
				if i == 0 {
					ret = t.oid
				}
				oid := next
				if fn == "array_recv" {
					oid = 2400
				}
				if _, dup := procID[fn]; !dup {
					next++
				}
				add(procRow{oid: oid, name: fn, kind: "f", rettype: ret, argtypes: args, nargs: 1})
			}
		}
		for _, a := range []string{"count", "sum", "avg", "min", "max", "bool_and", "bool_or", "string_agg", "array_agg"} {
			add(procRow{oid: next, name: a, kind: "a", rettype: 20, nargs: 1, argtypes: "2283"})
			next++
		}
		if FunctionNames != nil {
			names := FunctionNames()
			sort.Strings(names)
			for _, n := range names {
				if n == "" || strings.ContainsAny(n, " ~!<>=") {
					continue
				}
				h := fnv.New32a()
				h.Write([]byte("proc:" + n))
				add(procRow{oid: int64(h.Sum32()%1000000) + 20000, name: n, kind: "f", rettype: 25})
			}
		}
		procByID = map[int64]*procRow{}
		for i := range procs {
			procByID[procs[i].oid] = &procs[i]
		}
	})
	return procs
}

// ProcName is pg_proc.proname of oid ("" when unknown).
func ProcName(oid int64) string {
	procRows()
	if p, ok := procByID[oid]; ok {
		return p.name
	}
	return ""
}

// ProcOID finds a function by name (0 when unknown).
func ProcOID(name string) int64 {
	procRows()
	return procID[strings.TrimPrefix(strings.ToLower(name), "pg_catalog.")]
}

// TypeOID finds a type by name, SQL spellings included (0 when unknown).
func TypeOID(name string) int64 {
	typeRows()
	name = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "pg_catalog.")
	arr := strings.HasSuffix(name, "[]")
	name = strings.TrimSuffix(name, "[]")
	if t, err := types.FromName(name, nil); err == nil && name != "char" {
		oid := int64(t.OID())
		if name == "bpchar" || name == "character" {
			oid = 1042
		}
		if arr {
			return typeByID[oid].array
		}
		return oid
	}
	for _, t := range allTypes {
		if t.name == name {
			if arr {
				return t.array
			}
			return t.oid
		}
	}
	return 0
}

func init() {
	register("pg_catalog", "pg_type", []col{{"oid", oidT}, {"typname", nameT}, {"typnamespace", oidT}, {"typowner", oidT},
		{"typlen", i16}, {"typbyval", boolT}, {"typtype", types.TText}, {"typcategory", types.TText}, {"typispreferred", boolT},
		{"typisdefined", boolT}, {"typdelim", types.TText}, {"typrelid", oidT}, {"typsubscript", oidT}, {"typelem", oidT},
		{"typarray", oidT}, {"typinput", oidT}, {"typoutput", oidT}, {"typreceive", oidT}, {"typsend", oidT},
		{"typmodin", oidT}, {"typmodout", oidT}, {"typanalyze", oidT}, {"typalign", types.TText}, {"typstorage", types.TText},
		{"typnotnull", boolT}, {"typbasetype", oidT}, {"typtypmod", i32}, {"typndims", i32}, {"typcollation", oidT},
		{"typdefaultbin", types.TText}, {"typdefault", types.TText}, {"typacl", types.TText}},
		func(*catalog.VirtualEnv) [][]any {
			procRows()
			var rows [][]any
			for _, t := range typeRows() {
				n := t.ioNames()
				storage, coll := "p", int64(0)
				if t.len == -1 {
					storage = "x"
				}
				if t.category == "S" {
					coll = 100
				}
				pref := t.name == "text" || t.name == "float8" || t.name == "bool" || t.name == "timestamptz" || t.name == "oid" || t.name == "interval"
				sub := int64(0)
				if t.isArray {
					sub = ProcOID("array_subscript_handler")
				}
				rows = append(rows, []any{t.oid, t.name, int64(oidPgCatalog), int64(oidBootstrap), t.len, t.byval, t.typtype, t.category,
					pref, true, ",", 0, sub, t.elem, t.array, procID[n[0]], procID[n[1]], procID[n[2]], procID[n[3]],
					0, 0, 0, t.align, storage, false, 0, -1, 0, coll, nil, nil, nil})
			}
			return rows
		})
	register("pg_catalog", "pg_proc", []col{{"oid", oidT}, {"proname", nameT}, {"pronamespace", oidT}, {"proowner", oidT},
		{"prolang", oidT}, {"procost", types.TFloat32}, {"prorows", types.TFloat32}, {"provariadic", oidT}, {"prosupport", oidT},
		{"prokind", types.TText}, {"prosecdef", boolT}, {"proleakproof", boolT}, {"proisstrict", boolT}, {"proretset", boolT},
		{"provolatile", types.TText}, {"proparallel", types.TText}, {"pronargs", i16}, {"pronargdefaults", i16},
		{"prorettype", oidT}, {"proargtypes", types.TText}, {"proallargtypes", types.TText}, {"proargmodes", types.TText},
		{"proargnames", types.TText}, {"proargdefaults", types.TText}, {"protrftypes", types.TText}, {"prosrc", types.TText},
		{"probin", types.TText}, {"prosqlbody", types.TText}, {"proconfig", types.TText}, {"proacl", types.TText}},
		func(*catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, p := range procRows() {
				rows = append(rows, []any{p.oid, p.name, int64(oidPgCatalog), int64(oidBootstrap), 12, float32(1), float32(0), 0, 0,
					p.kind, false, false, true, p.retset, "i", "s", p.nargs, 0, p.rettype, p.argtypes, nil, nil, nil, nil, nil,
					p.name, nil, nil, nil, nil})
			}
			return rows
		})
	register("pg_catalog", "pg_range", []col{{"rngtypid", oidT}, {"rngsubtype", oidT}, {"rngmultitypid", oidT},
		{"rngcollation", oidT}, {"rngsubopc", oidT}, {"rngcanonical", oidT}, {"rngsubdiff", oidT}},
		func(*catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, t := range baseTypes {
				if t.typtype == "r" {
					rows = append(rows, []any{t.oid, t.subtype, 0, 0, 0, 0, 0})
				}
			}
			return rows
		})
	register("pg_catalog", "pg_enum", []col{{"oid", oidT}, {"enumtypid", oidT}, {"enumsortorder", types.TFloat32}, {"enumlabel", nameT}},
		func(*catalog.VirtualEnv) [][]any { return nil })
	register("pg_catalog", "pg_collation", []col{{"oid", oidT}, {"collname", nameT}, {"collnamespace", oidT}, {"collowner", oidT},
		{"collprovider", types.TText}, {"collisdeterministic", boolT}, {"collencoding", i32}, {"collcollate", types.TText},
		{"collctype", types.TText}, {"colliculocale", types.TText}, {"collversion", types.TText}},
		func(*catalog.VirtualEnv) [][]any {
			return [][]any{
				{100, "default", int64(oidPgCatalog), int64(oidBootstrap), "d", true, -1, nil, nil, nil, nil},
				{950, "C", int64(oidPgCatalog), int64(oidBootstrap), "c", true, -1, "C", "C", nil, nil},
				{951, "POSIX", int64(oidPgCatalog), int64(oidBootstrap), "c", true, -1, "POSIX", "POSIX", nil, nil},
			}
		})
	register("pg_catalog", "pg_language", []col{{"oid", oidT}, {"lanname", nameT}, {"lanowner", oidT}, {"lanispl", boolT},
		{"lanpltrusted", boolT}, {"lanplcallfoid", oidT}, {"laninline", oidT}, {"lanvalidator", oidT}, {"lanacl", types.TText}},
		func(*catalog.VirtualEnv) [][]any {
			return [][]any{{12, "internal", 10, false, false, 0, 0, 0, nil}, {13, "c", 10, false, false, 0, 0, 0, nil},
				{14, "sql", 10, false, true, 0, 0, 0, nil}}
		})
}
