// Package bench holds Lode's benchmarks: Go benchmarks that measure Lode
// beside PostgreSQL 15 (and, later, DuckDB) in the same run, reporting
// ratios rather than absolute times because the machine is shared.
package bench
