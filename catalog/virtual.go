package catalog

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// VirtualEnv is what a virtual relation may read to compute its rows: the
// metastore and the asking session's identity and settings.
type VirtualEnv struct {
	Cat      *Catalog
	Database string // the session's catalog
	User     string
	// Setting returns a session setting by name (for pg_settings).
	Setting func(name string) (string, bool)
	// Settings lists every setting name (for pg_settings).
	Settings func() []string
}

// VirtualRelation is a read-only relation computed on demand from the
// catalog: pg_catalog.*, information_schema.*, system.*.
type VirtualRelation interface {
	Schema() *arrow.Schema // fields built with types.Field
	Rows(ctx context.Context, env *VirtualEnv) ([]arrow.Record, error)
}

var virtuals = map[string]VirtualRelation{}

// RegisterVirtual adds schema.name; each family registers from its init.
func RegisterVirtual(schema, name string, v VirtualRelation) {
	virtuals[schema+"."+name] = v
}

// LookupVirtual finds a virtual relation.
func LookupVirtual(schema, name string) (VirtualRelation, bool) {
	v, ok := virtuals[schema+"."+name]
	return v, ok
}

// IsVirtualSchema reports schemas that hold only virtual relations.
func IsVirtualSchema(schema string) bool {
	switch schema {
	case "pg_catalog", "information_schema":
		return true
	}
	return strings.HasPrefix(schema, "pg_toast")
}

// VirtualSchemas are searched implicitly before the search path, as
// PostgreSQL searches pg_catalog first.
var VirtualSchemas = []string{"pg_catalog"}
