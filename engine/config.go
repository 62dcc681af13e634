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
}
