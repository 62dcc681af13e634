package engine

// Config configures an Engine.
type Config struct {
	// Warehouse is the root directory of all catalogs and tables.
	Warehouse string
	// Workers is the parallelism of query execution (0 = GOMAXPROCS).
	Workers int
	// BatchSize is the rows per batch at the scans (0 = default); tests
	// shrink it to shake out batch-boundary bugs.
	BatchSize int
	// ColumnCacheBytes is the memory budget of the cache of decoded
	// Parquet column chunks shared by all sessions (0 = the default,
	// DefaultColumnCacheBytes; negative = no cache).
	ColumnCacheBytes int64
}

// DefaultColumnCacheBytes holds the hot columns of TPC-H at scale factor 1
// and keeps a server well within 4 GiB; larger data wants a larger budget.
const DefaultColumnCacheBytes = 1 << 30
