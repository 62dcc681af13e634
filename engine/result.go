package engine

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/types"
)

// Column describes one output column of a result, as RowDescription needs it.
type Column struct {
	Name     string
	Type     types.T
	TableOID uint32 // 0 when the column is not a plain table column
	AttNum   int16  // 0 when the column is not a plain table column
}

// Result is the outcome of one statement.
type Result struct {
	// Tag is the CommandComplete tag PostgreSQL gives the statement:
	// "SELECT 3", "INSERT 0 5", "CREATE TABLE", "SET", …
	Tag string
	// Columns is nil for statements that return no rows (RowDescription is
	// not sent); non-nil (possibly empty) for row-returning statements.
	Columns []Column
	// Records hold the rows, dense (no selection vector), one Arrow column
	// per entry of Columns. The receiver releases them.
	Records []arrow.Record
	// EmptyQuery is set for a statement string with no statement in it.
	EmptyQuery bool
	// Notices are sent to the client before the result (e.g. "table does
	// not exist, skipping" for DROP … IF EXISTS).
	Notices []string
}

// Release frees the result's records.
func (r *Result) Release() {
	for _, rec := range r.Records {
		rec.Release()
	}
	r.Records = nil
}

// RowCount is the number of rows in Records.
func (r *Result) RowCount() int64 {
	var n int64
	for _, rec := range r.Records {
		n += rec.NumRows()
	}
	return n
}
