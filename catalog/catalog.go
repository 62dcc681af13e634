// Package catalog is Lode's metastore: catalogs, schemas and tables, named
// catalog.schema.table. It is persisted as the warehouse directory tree
// itself — <warehouse>/<catalog>/<schema>/<table>/ holds the table's Delta
// log — so every change is one atomic filesystem operation (mkdir, the
// put-if-absent of a table's version 0, a rename into the trash), and two
// processes opening one warehouse see each other's changes without a cache
// to invalidate.
package catalog

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// DefaultCatalog is the catalog a session uses when none is named, and
// DefaultSchema the first entry of every search path.
const (
	DefaultCatalog = "main"
	DefaultSchema  = "public"
)

// trashDir receives dropped objects before they are deleted, so a drop is a
// single rename and a crash mid-delete leaves nothing half-visible.
const trashDir = ".trash"

// Catalog is the metastore of one warehouse.
type Catalog struct {
	root string
}

// Open opens the warehouse at root, creating it with the default catalog
// and schema when it is new.
func Open(root string) (*Catalog, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	c := &Catalog{root: abs}
	if err := os.MkdirAll(filepath.Join(abs, DefaultCatalog, DefaultSchema), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create warehouse %s: %w", abs, err)
	}
	os.RemoveAll(filepath.Join(abs, trashDir)) // finish drops a crash interrupted
	return c, nil
}

// Root is the warehouse directory.
func (c *Catalog) Root() string { return c.root }

// ValidateName rejects names that cannot be directory names.
func ValidateName(kind, name string) error {
	if name == "" || name == "." || name == ".." || strings.HasPrefix(name, ".") ||
		strings.HasPrefix(name, "_") || strings.ContainsAny(name, "/\\\x00") {
		return sqlerr.New(sqlerr.InvalidName, "invalid %s name %q", kind, name)
	}
	return nil
}

func (c *Catalog) catalogDir(cat string) string { return filepath.Join(c.root, cat) }
func (c *Catalog) schemaDir(cat, schema string) string {
	return filepath.Join(c.root, cat, schema)
}

// TableDir is where a table's Delta log and data live.
func (c *Catalog) TableDir(n Name) string {
	return filepath.Join(c.root, n.Catalog, n.Schema, n.Table)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// listDirs returns the visible subdirectories of dir, sorted.
func listDirs(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() && !strings.HasPrefix(n, ".") && !strings.HasPrefix(n, "_") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// moveToTrash removes dir atomically from the namespace, then deletes it.
func (c *Catalog) moveToTrash(dir string) error {
	trash := filepath.Join(c.root, trashDir)
	if err := os.MkdirAll(trash, 0o755); err != nil {
		return err
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	dst := filepath.Join(trash, hex.EncodeToString(rnd[:]))
	if err := os.Rename(dir, dst); err != nil {
		return err
	}
	return os.RemoveAll(dst)
}
