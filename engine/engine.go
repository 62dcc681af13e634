// Package engine is Lode's core façade: an Engine owns the warehouse and
// the catalog; a Session runs SQL for one client connection. It is the only
// package that knows planner, exec, storage and catalog together; wire talks
// to it alone.
package engine

import (
	"runtime"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec"
)

// Engine is one open warehouse.
type Engine struct {
	cfg      Config
	cat      *catalog.Catalog
	colCache *exec.ColumnCache // decoded column chunks, shared by sessions
}

// Open opens (creating if needed) the warehouse in cfg.
func Open(cfg Config) (*Engine, error) {
	if cfg.Warehouse == "" {
		cfg.Warehouse = "warehouse"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	cat, err := catalog.Open(cfg.Warehouse)
	if err != nil {
		return nil, err
	}
	if cfg.ColumnCacheBytes == 0 {
		cfg.ColumnCacheBytes = DefaultColumnCacheBytes
	}
	return &Engine{cfg: cfg, cat: cat, colCache: exec.NewColumnCache(cfg.ColumnCacheBytes)}, nil
}

// Close releases the engine's resources.
func (e *Engine) Close() error { return nil }

// ColumnCacheStats reports the use of the decoded-column cache.
func (e *Engine) ColumnCacheStats() exec.ColumnCacheStats { return e.colCache.Stats() }

// Catalog is the engine's metastore.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// NewSession starts a session for user connected to database (a catalog
// name; empty means the default catalog). An unknown catalog is 3D000.
func (e *Engine) NewSession(user, database string) (*Session, error) {
	if database == "" {
		database = catalog.DefaultCatalog
	}
	if !e.cat.CatalogExists(database) {
		return nil, sqlerr.New(sqlerr.UndefinedDatabase, "database \"%s\" does not exist", database)
	}
	return newSession(e, user, database), nil
}
