// Package engine is Lode's core façade: an Engine owns the warehouse and
// the catalog; a Session runs SQL for one client connection. It is the only
// package that knows planner, exec, storage and catalog together; wire talks
// to it alone.
package engine

import (
	"context"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// Engine is one open warehouse.
type Engine struct {
	cfg Config
}

// Open opens (creating if needed) the warehouse in cfg.
func Open(cfg Config) (*Engine, error) {
	return &Engine{cfg: cfg}, nil
}

// Close releases the engine's resources.
func (e *Engine) Close() error { return nil }

// NewSession starts a session for user connected to database (a catalog
// name). An unknown catalog is SQLSTATE 3D000.
func (e *Engine) NewSession(user, database string) (*Session, error) {
	return &Session{eng: e, user: user, database: database}, nil
}

// Session runs statements for one client; it is not safe for concurrent use
// (one connection runs one statement at a time), but Cancel may be called
// from any goroutine.
type Session struct {
	eng      *Engine
	user     string
	database string
}

// Query runs every statement of sql in order. It returns the results of the
// statements that completed and, if one failed, its error (an *sqlerr.Error);
// the statements after a failing one do not run.
func (s *Session) Query(ctx context.Context, sql string) ([]*Result, error) {
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "not implemented yet")
}

// TxStatus is the ReadyForQuery status: 'I' idle, 'T' in a transaction
// block, 'E' in a failed transaction block.
func (s *Session) TxStatus() byte { return 'I' }

// ParameterStatus lists the settings reported to the client at start-up.
func (s *Session) ParameterStatus() map[string]string {
	return map[string]string{
		"server_version":                "15.0 (Lode)",
		"server_encoding":               "UTF8",
		"client_encoding":               "UTF8",
		"DateStyle":                     "ISO, MDY",
		"TimeZone":                      "UTC",
		"IntervalStyle":                 "postgres",
		"integer_datetimes":             "on",
		"standard_conforming_strings":   "on",
		"application_name":              "",
		"is_superuser":                  "on",
		"session_authorization":         s.user,
		"default_transaction_read_only": "off",
		"in_hot_standby":                "off",
	}
}

// Close ends the session.
func (s *Session) Close() {}
