// Package expr evaluates bound scalar expressions (planner.Expr) over
// batches, vectorized: one typed loop per operator and type, specialised by
// has-nulls × has-selection, never a per-value interface call.
package expr

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Context is what evaluation needs from the session running the query.
type Context struct {
	Alloc    memory.Allocator
	TimeZone *time.Location // session TimeZone, for timestamptz text I/O
	Now      time.Time      // statement start: now(), current_timestamp
	// Params are the values of $1, $2, … in the planner.Literal value
	// convention for each Param's type; a string for a non-text parameter
	// is parsed as PostgreSQL text input.
	Params []any
	// Session answers current_user, current_setting, pg_backend_pid, …
	// (nil at plan time).
	Session SessionInfo
	// Sequences serves nextval/currval/setval (nil at plan time).
	Sequences Sequences
}

// NewContext returns a context with the Go allocator, UTC and the current time.
func NewContext() *Context {
	return &Context{Alloc: memory.DefaultAllocator, TimeZone: time.UTC, Now: time.Now()}
}

func (c *Context) loc() *time.Location {
	if c.TimeZone == nil {
		return time.UTC
	}
	return c.TimeZone
}
