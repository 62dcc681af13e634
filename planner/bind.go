package planner

import (
	"unicode/utf8"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// Binder turns parsed statements into bound logical plans, resolving names
// against the catalog with a session's database and search path.
type Binder struct {
	Cat        *catalog.Catalog
	Database   string   // the session's catalog
	SearchPath []string // schemas tried for unqualified names
	SQL        string   // the full query text, for error positions
	// ParamTypes holds the type of each $n parameter (index n-1): given by
	// the client at Parse, or inferred from context while binding (an
	// Unknown entry is filled by the first coercion the parameter meets).
	ParamTypes []types.T
	// AutoMergeSchema is schema evolution on append: an INSERT without a
	// column list whose source has more columns than the table adds the
	// extra (named) source columns to the table.
	AutoMergeSchema bool

	// keepUnknownOnce leaves untyped literals in the next top-level select
	// list untyped, for INSERT … SELECT to type them as its target columns
	// (PostgreSQL does the same; elsewhere they become text).
	keepUnknownOnce bool

	// outer is the scope of the enclosing query while a subquery is bound;
	// outerUsed records that the subquery referenced it (is correlated).
	outer     *scope
	outerUsed bool

	viewDepth int // nesting of view expansion, against cycles

	ctes map[string]*cteDef // WITH names in scope

	windows map[string]*pg.WindowDef // WINDOW clause of the query being bound
}

// errAt attaches a statement position (PostgreSQL's 1-based character
// offset) to err, from a parser byte location.
func (b *Binder) errAt(err *sqlerr.Error, loc int32) *sqlerr.Error {
	if loc < 0 || int(loc) > len(b.SQL) {
		return err
	}
	return err.WithPosition(utf8.RuneCountInString(b.SQL[:loc]) + 1)
}

// ResolveTable qualifies a possibly partial table name with the session's
// database and search path. For an unqualified name the first schema
// holding such a table wins; if none does, the first schema of the path is
// returned (so CREATE TABLE creates there).
func (b *Binder) ResolveTable(rv *pg.RangeVar) catalog.Name {
	n := catalog.Name{Catalog: rv.Catalogname, Schema: rv.Schemaname, Table: rv.Relname}
	if n.Catalog == "" {
		n.Catalog = b.Database
	}
	if n.Schema == "" {
		n.Schema = catalog.DefaultSchema
		if len(b.SearchPath) > 0 {
			n.Schema = b.SearchPath[0]
		}
		for _, s := range b.SearchPath {
			c := n
			c.Schema = s
			if b.Cat.RelationExists(c) {
				return c
			}
		}
	}
	return n
}

// unsupported reports a feature Lode does not have yet, at a location.
func (b *Binder) unsupported(loc int32, format string, args ...any) error {
	return b.errAt(sqlerr.New(sqlerr.FeatureNotSupported, format, args...), loc)
}
