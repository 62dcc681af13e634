package engine

import (
	"encoding/json"
	"os"
	"path/filepath"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/pgcatalog"
	"github.com/lodedb/lode/planner"
)

// The pg_catalog and information_schema relations register themselves;
// what they need from above the catalog (the principals store, the
// planner's function registry) is plugged in here.
func init() {
	pgcatalog.FunctionNames = planner.ScalarFunctionNames
	pgcatalog.Roles = func(env *catalog.VirtualEnv) []pgcatalog.Role {
		b, err := os.ReadFile(filepath.Join(env.Cat.Root(), "_lode", "principals.json"))
		if err != nil {
			return nil
		}
		var list []Principal
		if json.Unmarshal(b, &list) != nil {
			return nil
		}
		out := make([]pgcatalog.Role, 0, len(list))
		for _, p := range list {
			out = append(out, pgcatalog.Role{OID: int64(p.OID), Name: p.Name, Super: p.Super, Login: p.Login})
		}
		return out
	}
}

// CatalogEnv is what the catalog functions (pg_get_indexdef, regclass
// casts, …) read: the same view of the catalog as the virtual relations.
func (s *Session) CatalogEnv() *catalog.VirtualEnv {
	return &catalog.VirtualEnv{
		Cat: s.eng.cat, Database: s.database, User: s.user,
		Setting: func(name string) (string, bool) {
			v, err := s.set.get(name)
			return v, err == nil
		},
		Settings: s.set.names,
	}
}

// recordPrimaryKey keeps a table's PRIMARY KEY as the unique index
// <table>_pkey (PostgreSQL's name for it), which pg_index, pg_constraint
// and information_schema show as the primary key. Delta tables do not
// enforce it; NOT NULL is enforced.
func (s *Session) recordPrimaryKey(name catalog.Name, cs *pg.CreateStmt) {
	var cols []string
	for _, el := range cs.TableElts {
		if cd := el.GetColumnDef(); cd != nil {
			for _, cn := range cd.Constraints {
				if c := cn.GetConstraint(); c != nil && c.Contype == pg.ConstrType_CONSTR_PRIMARY {
					cols = append(cols, cd.Colname)
				}
			}
		} else if c := el.GetConstraint(); c != nil && c.Contype == pg.ConstrType_CONSTR_PRIMARY {
			for _, k := range c.Keys {
				cols = append(cols, k.GetString_().Sval)
			}
		}
	}
	if len(cols) == 0 {
		return
	}
	ix := catalog.Name{Catalog: name.Catalog, Schema: name.Schema, Table: name.Table + "_pkey"}
	_, _ = s.eng.cat.CreateIndex(ix, catalog.IndexDef{Name: ix.Table, Table: name.Table, Columns: cols, Unique: true}, true)
}
