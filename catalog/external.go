package catalog

import (
	"context"
	"path/filepath"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/delta"
)

// External tables are Delta tables that live outside the warehouse
// (CREATE TABLE … USING DELTA LOCATION '…'): the catalog records only
// their location; dropping one forgets it and leaves the data alone.

// ExternalDef is a registered external table.
type ExternalDef struct {
	Name     string `json:"name"`
	Location string `json:"location"`
}

const kindExternal = "external"

// RegisterExternal records an existing Delta table under a name.
func (c *Catalog) RegisterExternal(n Name, location string, ifNotExists bool) (existed bool, err error) {
	if err := ValidateName("table", n.Table); err != nil {
		return false, err
	}
	if !c.SchemaExists(n.Catalog, n.Schema) {
		return false, sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", n.Schema)
	}
	if c.RelationExists(n) {
		if ifNotExists {
			return true, nil
		}
		return true, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	abs, err := filepath.Abs(location)
	if err != nil {
		return false, err
	}
	// It must be a readable Delta table now.
	t, err := delta.Open(abs)
	if err != nil {
		return false, sqlerr.Wrap(sqlerr.UndefinedTable, err)
	}
	if _, err := t.Snapshot(context.Background()); err != nil {
		return false, err
	}
	return false, c.putObject(n.Catalog, n.Schema, kindExternal, n.Table, ExternalDef{Name: n.Table, Location: abs}, false)
}

// externalLocation is the location of an external table ("" if n is not one).
func (c *Catalog) externalLocation(n Name) string {
	var d ExternalDef
	if c.getObject(n.Catalog, n.Schema, kindExternal, n.Table, &d) {
		return d.Location
	}
	return ""
}

func (c *Catalog) externalTables(cat, schema string) []string {
	return c.listObjects(cat, schema, kindExternal)
}

func (c *Catalog) dropExternal(n Name) bool {
	return c.deleteObject(n.Catalog, n.Schema, kindExternal, n.Table)
}
