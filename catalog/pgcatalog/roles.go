package pgcatalog

import (
	"sort"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
)

// Role is a user or role as pg_roles shows it.
type Role struct {
	OID   int64
	Name  string
	Super bool
	Login bool
}

// Roles lists the principals of env's warehouse; the engine sets it (the
// principals store lives in the engine).
var Roles func(env *catalog.VirtualEnv) []Role

// oidDatabaseOwner is the predefined role pg_database_owner, which owns
// schema public in PostgreSQL 15.
const oidDatabaseOwner = 6171

// BootstrapRole is OID 10, the owner of every object Lode creates.
const BootstrapRole = "lode"

func roles(env *catalog.VirtualEnv) []Role {
	out := []Role{{OID: oidBootstrap, Name: BootstrapRole, Super: true, Login: true},
		{OID: oidDatabaseOwner, Name: "pg_database_owner"}}
	seen := map[string]bool{BootstrapRole: true, "pg_database_owner": true}
	if Roles != nil && env != nil && env.Cat != nil {
		for _, r := range Roles(env) {
			if !seen[r.Name] {
				seen[r.Name] = true
				out = append(out, r)
			}
		}
	}
	if env != nil && env.User != "" && !seen[env.User] {
		// A trusted connection's user need not be a stored principal.
		out = append(out, Role{OID: 16000 + int64(len(out)), Name: env.User, Super: true, Login: true})
	}
	sort.Slice(out[1:], func(i, j int) bool { return out[1+i].Name < out[1+j].Name })
	return out
}

// RoleName is pg_get_userbyid(oid).
func RoleName(env *catalog.VirtualEnv, oid int64) (string, bool) {
	for _, r := range roles(env) {
		if r.OID == oid {
			return r.Name, true
		}
	}
	return "", false
}

func init() {
	tstz := types.TTimestampTZ
	txt := types.TText
	register("pg_catalog", "pg_roles", []col{{"rolname", nameT}, {"rolsuper", boolT}, {"rolinherit", boolT}, {"rolcreaterole", boolT},
		{"rolcreatedb", boolT}, {"rolcanlogin", boolT}, {"rolreplication", boolT}, {"rolconnlimit", i32}, {"rolpassword", txt},
		{"rolvaliduntil", tstz}, {"rolbypassrls", boolT}, {"rolconfig", txt}, {"oid", oidT}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, r := range roles(env) {
				rows = append(rows, []any{r.Name, r.Super, true, r.Super, r.Super, r.Login, r.Super, -1, "********", nil, r.Super, nil, r.OID})
			}
			return rows
		})
	register("pg_catalog", "pg_authid", []col{{"oid", oidT}, {"rolname", nameT}, {"rolsuper", boolT}, {"rolinherit", boolT},
		{"rolcreaterole", boolT}, {"rolcreatedb", boolT}, {"rolcanlogin", boolT}, {"rolreplication", boolT}, {"rolbypassrls", boolT},
		{"rolconnlimit", i32}, {"rolpassword", txt}, {"rolvaliduntil", tstz}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, r := range roles(env) {
				// Verifiers are never shown, not even to superusers.
				rows = append(rows, []any{r.OID, r.Name, r.Super, true, r.Super, r.Super, r.Login, r.Super, r.Super, -1, nil, nil})
			}
			return rows
		})
	register("pg_catalog", "pg_user", []col{{"usename", nameT}, {"usesysid", oidT}, {"usecreatedb", boolT}, {"usesuper", boolT},
		{"userepl", boolT}, {"usebypassrls", boolT}, {"passwd", txt}, {"valuntil", tstz}, {"useconfig", txt}},
		func(env *catalog.VirtualEnv) [][]any {
			var rows [][]any
			for _, r := range roles(env) {
				if r.Login {
					rows = append(rows, []any{r.Name, r.OID, r.Super, r.Super, r.Super, r.Super, "********", nil, nil})
				}
			}
			return rows
		})
}
