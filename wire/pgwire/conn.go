package pgwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
)

// conn is one client connection. Everything except interrupt and
// cancelStatement runs on the connection's own goroutine.
type conn struct {
	srv *server
	nc  net.Conn
	be  *pgproto3.Backend
	out writer
	log *slog.Logger

	pid, secret uint32
	tlsDone     bool // the connection runs inside TLS
	sess        session
	loc         *time.Location // for timestamptz output; follows the TimeZone setting
	params      map[string]string

	// Extended-protocol state (see extended.go).
	stmts      map[string]*prepared
	portals    map[string]*portal
	skipToSync bool // an error happened: ignore messages until Sync

	mu          sync.Mutex
	stmtCancel  context.CancelFunc // cancels the running statement; nil when idle
	interrupted bool               // shutdown asked this connection to end
}

func newConn(s *server, nc net.Conn) *conn {
	c := &conn{
		srv:     s,
		nc:      nc,
		log:     s.log.With("remote", nc.RemoteAddr().String()),
		stmts:   map[string]*prepared{},
		portals: map[string]*portal{},
		loc:     time.UTC,
	}
	c.out.w = nc
	c.be = pgproto3.NewBackend(pgproto3.NewChunkReader(nc), nc)
	return c
}

// serve runs the connection to its end. A panic that escapes statement-level
// recovery still only ends this connection, never the server.
func (c *conn) serve(ctx context.Context) {
	defer c.nc.Close()
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("pgwire: connection panic", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	if !c.startup() {
		return
	}
	defer c.srv.unregister(c)
	defer c.closeSession()
	c.loop(ctx)
}

func (c *conn) closeSession() {
	for name := range c.portals {
		c.dropPortal(name)
	}
	c.sess.Close()
}

// loop reads and dispatches messages until Terminate, EOF or shutdown.
func (c *conn) loop(ctx context.Context) {
	for {
		msg, err := c.be.Receive()
		if err != nil {
			if c.isInterrupted() {
				c.fatal(sqlerr.New("57P01", "terminating connection due to administrator command"))
			} else if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, net.ErrClosed) {
				c.log.Debug("pgwire: read", "err", err)
				c.fatal(sqlerr.New(sqlerr.ProtocolViolation, "%v", err))
			}
			return
		}
		if _, ok := msg.(*pgproto3.Terminate); ok {
			return
		}
		if !c.dispatch(ctx, msg) {
			return
		}
		if err := c.out.err; err != nil {
			c.log.Debug("pgwire: write", "err", err)
			return
		}
	}
}

// dispatch handles one message; false ends the connection.
func (c *conn) dispatch(ctx context.Context, msg pgproto3.FrontendMessage) (ok bool) {
	switch m := msg.(type) {
	case *pgproto3.Query:
		c.simpleQuery(ctx, m.String)
	case *pgproto3.Parse:
		c.extended(ctx, func(ctx context.Context) error { return c.handleParse(ctx, m) })
	case *pgproto3.Bind:
		c.extended(ctx, func(context.Context) error { return c.handleBind(m) })
	case *pgproto3.Describe:
		c.extended(ctx, func(ctx context.Context) error { return c.handleDescribe(ctx, m) })
	case *pgproto3.Execute:
		c.extended(ctx, func(ctx context.Context) error { return c.handleExecute(ctx, m) })
	case *pgproto3.Close:
		c.extended(ctx, func(context.Context) error { return c.handleClose(m) })
	case *pgproto3.Sync:
		c.handleSync()
	case *pgproto3.Flush:
		c.out.flush()
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// Stray COPY messages outside COPY IN are ignored, as PostgreSQL does.
	default:
		c.fatal(sqlerr.New(sqlerr.ProtocolViolation, "unsupported frontend message %T", msg))
		return false
	}
	return true
}

// run calls f with a statement context that a CancelRequest or server
// shutdown cancels, and turns a panic in f into an XX000 error so one bad
// statement cannot take the server down.
func (c *conn) run(ctx context.Context, f func(ctx context.Context) error) (err error) {
	sctx, cancel := context.WithCancel(ctx)
	c.mu.Lock()
	c.stmtCancel = cancel
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.stmtCancel = nil
		c.mu.Unlock()
		cancel()
		if r := recover(); r != nil {
			c.log.Error("pgwire: statement panic", "panic", r, "stack", string(debug.Stack()))
			err = sqlerr.New(sqlerr.Internal, "internal error: %v", r)
		}
	}()
	err = f(sctx)
	if err != nil && sctx.Err() != nil && sqlerr.Code(err) == sqlerr.Internal {
		// The engine passed the bare context error up: say why, as PostgreSQL does.
		if ctx.Err() != nil {
			err = sqlerr.New("57P01", "terminating connection due to administrator command")
		} else {
			err = sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
		}
	}
	return err
}

// cancelStatement cancels the running statement, if any (any goroutine).
func (c *conn) cancelStatement() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stmtCancel != nil {
		c.stmtCancel()
	}
}

// interrupt is shutdown's nudge (any goroutine): cancel the statement and
// make a blocked read return now.
func (c *conn) interrupt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.interrupted = true
	if c.stmtCancel != nil {
		c.stmtCancel()
	}
	c.nc.SetReadDeadline(time.Now())
}

// setReadDeadline sets the read deadline unless shutdown has interrupted
// the connection, whose "now" deadline must not be undone.
func (c *conn) setReadDeadline(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.interrupted {
		c.nc.SetReadDeadline(t)
	}
}

func (c *conn) isInterrupted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.interrupted
}

// fatal sends a FATAL error; the caller then closes the connection.
func (c *conn) fatal(err error) {
	e := sqlerr.As(err)
	c.out.send(errorResponse(e, "FATAL"))
	c.out.flush()
}

// readyForQuery ends a query cycle and pushes everything to the client.
func (c *conn) readyForQuery() {
	c.out.send(&pgproto3.ReadyForQuery{TxStatus: c.sess.TxStatus()})
	c.out.flush()
}

// syncParams reports settings that changed (SET TimeZone, …) with
// ParameterStatus, as PostgreSQL does for its GUC_REPORT settings, and keeps
// the time zone used to format timestamptz in step.
func (c *conn) syncParams() {
	cur := c.sess.ParameterStatus()
	for k, v := range cur {
		if old, ok := c.params[k]; ok && old == v {
			continue
		}
		c.out.send(&pgproto3.ParameterStatus{Name: k, Value: v})
		if k == "TimeZone" {
			c.loc = loadLocation(v)
		}
	}
	c.params = cur
}

func loadLocation(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

func (c *conn) String() string { return fmt.Sprintf("conn %d", c.pid) }
