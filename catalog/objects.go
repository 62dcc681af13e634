package catalog

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/objstore"
)

// Catalog objects other than tables (views, index definitions) are small
// JSON documents in <schema>/_objects/<kind>.<name>.json. Creating one is a
// put-if-absent (link of a fully written temporary file), replacing one an
// atomic rename, so readers never see a partial definition.

// ViewDef is a stored view.
type ViewDef struct {
	Name    string   `json:"name"`
	SQL     string   `json:"sql"`               // the SELECT, as written
	Columns []string `json:"columns,omitempty"` // CREATE VIEW v (a, b) names
}

// IndexDef is a stored index definition. Delta tables have no secondary
// index structures; the definition is kept so clients see what they
// created (and later as a hint for data layout).
type IndexDef struct {
	Name    string   `json:"name"`
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique,omitempty"`
}

const (
	kindView  = "view"
	kindIndex = "index"
)

func (c *Catalog) objectPath(cat, schema, kind, name string) string {
	return filepath.Join(c.schemaDir(cat, schema), "_objects", kind+"."+name+".json")
}

var errObjectExists = errors.New("object exists")

func (c *Catalog) putObject(cat, schema, kind, name string, v any, replace bool) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	err = objstore.WriteFileAtomic(c.objectPath(cat, schema, kind, name), data, replace)
	if errors.Is(err, fs.ErrExist) {
		return errObjectExists
	}
	return err
}

func (c *Catalog) getObject(cat, schema, kind, name string, v any) bool {
	data, err := os.ReadFile(c.objectPath(cat, schema, kind, name))
	if err != nil {
		return false
	}
	return json.Unmarshal(data, v) == nil
}

func (c *Catalog) deleteObject(cat, schema, kind, name string) bool {
	return os.Remove(c.objectPath(cat, schema, kind, name)) == nil
}

func (c *Catalog) listObjects(cat, schema, kind string) []string {
	ents, _ := os.ReadDir(filepath.Join(c.schemaDir(cat, schema), "_objects"))
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, kind+".") && strings.HasSuffix(n, ".json") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(n, kind+"."), ".json"))
		}
	}
	sort.Strings(out)
	return out
}

// RelationExists reports whether a table, view or index has the name (they
// share one namespace, as in PostgreSQL).
func (c *Catalog) RelationExists(n Name) bool {
	var v ViewDef
	var ix IndexDef
	return c.TableExists(n) || c.getObject(n.Catalog, n.Schema, kindView, n.Table, &v) ||
		c.getObject(n.Catalog, n.Schema, kindIndex, n.Table, &ix)
}

// View returns a stored view.
func (c *Catalog) View(n Name) (ViewDef, bool) {
	var v ViewDef
	ok := c.getObject(n.Catalog, n.Schema, kindView, n.Table, &v)
	return v, ok
}

// Views lists the views of a schema.
func (c *Catalog) Views(cat, schema string) []string { return c.listObjects(cat, schema, kindView) }

// CreateView stores a view (replacing one of the same name if asked).
func (c *Catalog) CreateView(n Name, v ViewDef, orReplace bool) error {
	if err := ValidateName("view", n.Table); err != nil {
		return err
	}
	if !c.SchemaExists(n.Catalog, n.Schema) {
		return sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", n.Schema)
	}
	if _, isView := c.View(n); c.RelationExists(n) && !(orReplace && isView) {
		return sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	err := c.putObject(n.Catalog, n.Schema, kindView, n.Table, v, orReplace)
	if errors.Is(err, errObjectExists) {
		return sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	return err
}

// DropView removes a view.
func (c *Catalog) DropView(n Name, ifExists bool) (bool, error) {
	if _, ok := c.View(n); !ok {
		if c.TableExists(n) {
			e := sqlerr.New(sqlerr.WrongObjectType, "\"%s\" is not a view", n.Table)
			e.Hint = "Use DROP TABLE to remove a table."
			return false, e
		}
		if ifExists {
			return false, nil
		}
		return false, sqlerr.New(sqlerr.UndefinedTable, "view \"%s\" does not exist", n.Table)
	}
	c.deleteObject(n.Catalog, n.Schema, kindView, n.Table)
	return true, nil
}

// CreateIndex stores an index definition on an existing table.
func (c *Catalog) CreateIndex(n Name, ix IndexDef, ifNotExists bool) (existed bool, err error) {
	if c.RelationExists(n) {
		if ifNotExists {
			return true, nil
		}
		return true, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	err = c.putObject(n.Catalog, n.Schema, kindIndex, n.Table, ix, false)
	if errors.Is(err, errObjectExists) {
		if ifNotExists {
			return true, nil
		}
		return true, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	return false, err
}

// Indexes lists the index definitions of a schema.
func (c *Catalog) Indexes(cat, schema string) []IndexDef {
	var out []IndexDef
	for _, name := range c.listObjects(cat, schema, kindIndex) {
		var ix IndexDef
		if c.getObject(cat, schema, kindIndex, name, &ix) {
			out = append(out, ix)
		}
	}
	return out
}

// DropIndex removes an index definition.
func (c *Catalog) DropIndex(n Name, ifExists bool) (bool, error) {
	if !c.deleteObject(n.Catalog, n.Schema, kindIndex, n.Table) {
		if ifExists {
			return false, nil
		}
		return false, sqlerr.New(sqlerr.UndefinedObject, "index \"%s\" does not exist", n.Table)
	}
	return true, nil
}

// dropTableIndexes removes the index definitions on a dropped table.
func (c *Catalog) dropTableIndexes(n Name) {
	for _, ix := range c.Indexes(n.Catalog, n.Schema) {
		if ix.Table == n.Table {
			c.deleteObject(n.Catalog, n.Schema, kindIndex, ix.Name)
		}
	}
}

// ForeignKeyDef records a FOREIGN KEY. Like Databricks' informational
// constraints it is not enforced; clients and BI tools read it (pg_catalog)
// to learn the relationships between tables.
type ForeignKeyDef struct {
	Name       string   `json:"name"`
	Table      string   `json:"table"`
	Columns    []string `json:"columns"`
	RefSchema  string   `json:"ref_schema"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns,omitempty"`
}

const kindForeignKey = "fkey"

// AddForeignKey stores a foreign key definition.
func (c *Catalog) AddForeignKey(n Name, fk ForeignKeyDef) error {
	return c.putObject(n.Catalog, n.Schema, kindForeignKey, fk.Name, fk, true)
}

// ForeignKeys lists the foreign keys of a schema.
func (c *Catalog) ForeignKeys(cat, schema string) []ForeignKeyDef {
	var out []ForeignKeyDef
	for _, name := range c.listObjects(cat, schema, kindForeignKey) {
		var fk ForeignKeyDef
		if c.getObject(cat, schema, kindForeignKey, name, &fk) {
			out = append(out, fk)
		}
	}
	return out
}
