package pgwire

import (
	"context"

	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/engine"
)

// simpleQuery runs a Query message: every statement in the string, each
// result sent in turn, then the error of the failing statement (if any),
// then ReadyForQuery.
func (c *conn) simpleQuery(ctx context.Context, sql string) {
	if c.skipToSync {
		return // still discarding after an extended-protocol error
	}
	c.dropPortal("") // as in PostgreSQL, a simple query ends the unnamed portal
	var results []*engine.Result
	err := c.run(ctx, func(ctx context.Context) error {
		var err error
		results, err = c.sess.Query(ctx, sql)
		return err
	})
	for _, r := range results {
		c.sendResult(r)
		c.afterStatement(r.Tag)
		r.Release()
	}
	if err != nil {
		c.sendError(err)
	} else if len(results) == 0 {
		c.out.send(&pgproto3.EmptyQueryResponse{})
	}
	c.syncParams()
	c.readyForQuery()
}

// sendResult sends one complete statement result.
func (c *conn) sendResult(r *engine.Result) {
	c.sendNotices(r)
	if r.EmptyQuery {
		c.out.send(&pgproto3.EmptyQueryResponse{})
		return
	}
	if r.Columns != nil {
		c.out.send(rowDescription(r.Columns, nil))
		for _, rec := range r.Records {
			c.out.dataRows(rec, r.Columns, 0, int(rec.NumRows()), c.loc, nil)
		}
	}
	c.out.send(&pgproto3.CommandComplete{CommandTag: []byte(r.Tag)})
}

func (c *conn) sendNotices(r *engine.Result) {
	for _, n := range r.Notices {
		c.out.send(notice(n))
	}
	r.Notices = nil // sent once, even if a portal's result is revisited
}

func (c *conn) sendError(err error) {
	c.out.send(errorResponse(sqlerr.As(err), "ERROR"))
}
