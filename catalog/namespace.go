package catalog

import (
	"os"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// Catalogs lists the catalogs of the warehouse.
func (c *Catalog) Catalogs() ([]string, error) { return listDirs(c.root) }

// CatalogExists reports whether a catalog exists.
func (c *Catalog) CatalogExists(cat string) bool { return isDir(c.catalogDir(cat)) }

// CreateCatalog creates a catalog with its public schema.
func (c *Catalog) CreateCatalog(cat string, ifNotExists bool) (existed bool, err error) {
	if err := ValidateName("catalog", cat); err != nil {
		return false, err
	}
	if err := os.Mkdir(c.catalogDir(cat), 0o755); err != nil {
		if os.IsExist(err) {
			if ifNotExists {
				return true, nil
			}
			return true, sqlerr.New(sqlerr.DuplicateDatabase, "catalog %q already exists", cat)
		}
		return false, err
	}
	return false, os.MkdirAll(c.schemaDir(cat, DefaultSchema), 0o755)
}

// DropCatalog drops a catalog; without cascade it must hold no tables.
func (c *Catalog) DropCatalog(cat string, ifExists, cascade bool) (existed bool, err error) {
	if !c.CatalogExists(cat) {
		if ifExists {
			return false, nil
		}
		return false, sqlerr.New(sqlerr.UndefinedDatabase, "catalog %q does not exist", cat)
	}
	if !cascade {
		schemas, err := c.Schemas(cat)
		if err != nil {
			return true, err
		}
		for _, s := range schemas {
			if tabs, _ := c.Tables(cat, s); len(tabs) > 0 {
				return true, sqlerr.New(sqlerr.DependentObjects,
					"cannot drop catalog %s because other objects depend on it", cat)
			}
		}
	}
	return true, c.moveToTrash(c.catalogDir(cat))
}

// Schemas lists the schemas of a catalog.
func (c *Catalog) Schemas(cat string) ([]string, error) { return listDirs(c.catalogDir(cat)) }

// SchemaExists reports whether cat.schema exists.
func (c *Catalog) SchemaExists(cat, schema string) bool { return isDir(c.schemaDir(cat, schema)) }

// CreateSchema creates cat.schema.
func (c *Catalog) CreateSchema(cat, schema string, ifNotExists bool) (existed bool, err error) {
	if err := ValidateName("schema", schema); err != nil {
		return false, err
	}
	if !c.CatalogExists(cat) {
		return false, sqlerr.New(sqlerr.UndefinedDatabase, "catalog %q does not exist", cat)
	}
	if err := os.Mkdir(c.schemaDir(cat, schema), 0o755); err != nil {
		if os.IsExist(err) {
			if ifNotExists {
				return true, nil
			}
			return true, sqlerr.New(sqlerr.DuplicateSchema, "schema %q already exists", schema)
		}
		return false, err
	}
	return false, nil
}

// DropSchema drops cat.schema; without cascade it must be empty.
func (c *Catalog) DropSchema(cat, schema string, ifExists, cascade bool) (existed bool, err error) {
	if !c.SchemaExists(cat, schema) {
		if ifExists {
			return false, nil
		}
		return false, sqlerr.New(sqlerr.UndefinedSchema, "schema %q does not exist", schema)
	}
	if !cascade {
		if tabs, _ := c.Tables(cat, schema); len(tabs) > 0 {
			e := sqlerr.New(sqlerr.DependentObjects,
				"cannot drop schema %s because other objects depend on it", schema)
			e.Hint = "Use DROP ... CASCADE to drop the dependent objects too."
			return true, e
		}
	}
	return true, c.moveToTrash(c.schemaDir(cat, schema))
}
