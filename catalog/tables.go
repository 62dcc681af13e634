package catalog

import (
	"context"
	"errors"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/delta"
)

// Name is a fully qualified table name.
type Name struct {
	Catalog, Schema, Table string
}

func (n Name) String() string { return n.Catalog + "." + n.Schema + "." + n.Table }

// OID is a stable object id for the table (pg_class.oid, RowDescription's
// table OID): a hash of the name above the range of system OIDs.
func (n Name) OID() uint32 {
	h := fnv.New32a()
	h.Write([]byte(n.String()))
	return h.Sum32()%0x7fff0000 + 0x10000
}

var commitFile = regexp.MustCompile(`^\d{20}\.(json|checkpoint.*\.parquet)$`)

// TableExists reports whether n names a committed Delta table (managed,
// or external and registered).
func (c *Catalog) TableExists(n Name) bool {
	logDir := filepath.Join(c.TableDir(n), "_delta_log")
	// Fast path, taken by every query naming the table: version 0 exists
	// (it is only gone after log cleanup, when the listing below decides).
	if _, err := os.Stat(filepath.Join(logDir, "00000000000000000000.json")); err == nil {
		return true
	}
	if c.externalLocation(n) != "" {
		return true
	}
	ents, err := os.ReadDir(logDir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if commitFile.MatchString(e.Name()) {
			return true
		}
	}
	return false
}

// Tables lists the tables of cat.schema.
func (c *Catalog) Tables(cat, schema string) ([]string, error) {
	dirs, err := listDirs(c.schemaDir(cat, schema))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		if c.TableExists(Name{cat, schema, d}) {
			out = append(out, d)
		}
	}
	out = append(out, c.externalTables(cat, schema)...)
	sort.Strings(out)
	return out, nil
}

// OpenTable opens an existing table (42P01 when there is none).
func (c *Catalog) OpenTable(n Name) (*delta.Table, error) {
	if !c.TableExists(n) {
		return nil, undefinedTable(n)
	}
	dir := c.TableDir(n)
	if loc := c.externalLocation(n); loc != "" {
		dir = loc
	}
	t, err := delta.Open(dir)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func undefinedTable(n Name) error {
	return sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", n.Table)
}

// CreateTable creates an empty table with the given schema. The table
// becomes visible atomically when its version 0 commit is published.
func (c *Catalog) CreateTable(ctx context.Context, n Name, schema *arrow.Schema, ifNotExists bool) (t *delta.Table, existed bool, err error) {
	return c.CreateTableWith(ctx, n, schema, delta.CreateOptions{}, ifNotExists)
}

// CreateTableWith is CreateTable with Delta options (table properties,
// CHECK constraints in the configuration).
func (c *Catalog) CreateTableWith(ctx context.Context, n Name, schema *arrow.Schema, opts delta.CreateOptions, ifNotExists bool) (t *delta.Table, existed bool, err error) {
	if err := ValidateName("table", n.Table); err != nil {
		return nil, false, err
	}
	if !c.CatalogExists(n.Catalog) {
		return nil, false, sqlerr.New(sqlerr.UndefinedDatabase, "catalog %q does not exist", n.Catalog)
	}
	if !c.SchemaExists(n.Catalog, n.Schema) {
		return nil, false, sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", n.Schema)
	}
	if c.RelationExists(n) {
		if ifNotExists {
			return nil, true, nil
		}
		return nil, true, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	t, err = delta.Create(ctx, c.TableDir(n), schema, opts)
	if errors.Is(err, delta.ErrTableExists) {
		if ifNotExists {
			return nil, true, nil
		}
		return nil, true, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists", n.Table)
	}
	return t, false, err
}

// DropTable removes a table and its data.
func (c *Catalog) DropTable(n Name, ifExists bool) (existed bool, err error) {
	if !c.TableExists(n) {
		if ifExists {
			return false, nil
		}
		return false, undefinedTable(n)
	}
	if c.dropExternal(n) {
		return true, nil // the data stays where it is
	}
	c.dropTableIndexes(n)
	return true, c.moveToTrash(c.TableDir(n))
}
