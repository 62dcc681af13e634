package engine

// The pg_catalog and information_schema relations register themselves.
import _ "github.com/lodedb/lode/catalog/pgcatalog"
