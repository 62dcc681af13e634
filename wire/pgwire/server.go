// Package pgwire serves Lode over the PostgreSQL v3 frontend/backend
// protocol, so psql, pgx, JDBC, psycopg and friends can connect. It is a thin
// translation layer: every statement goes to an engine.Session, every result
// comes back as RowDescription/DataRow/CommandComplete. It never touches
// storage or the planner.
package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/lodedb/lode/engine"
)

// Options configures Serve. The zero value is usable.
type Options struct {
	// Auth checks credentials during start-up; nil means DefaultHBA for
	// Serve (trust on loopback, SCRAM-SHA-256 elsewhere).
	Auth Authenticator
	// Logger receives connection-level events; nil means slog.Default().
	Logger *slog.Logger
	// TLS, when set, is offered to clients that send SSLRequest ('S');
	// otherwise they are told 'N' and continue in the clear.
	TLS *tls.Config
}

// Serve accepts connections on ln and serves each on its own goroutine until
// ctx is cancelled or ln fails. On cancellation it stops accepting, cancels
// running statements, tells idle clients the server is shutting down (FATAL
// 57P01), waits for every connection to finish and returns nil. It closes ln.
func Serve(ctx context.Context, ln net.Listener, eng *engine.Engine, opts Options) error {
	if opts.Auth == nil {
		opts.Auth = DefaultHBA(eng.PasswordVerifier)
	}
	return serve(ctx, ln, engineBackend{eng}, opts)
}

// backend is what a connection needs from the engine; an interface so the
// protocol tests can run against a fake without storage or a planner.
type backend interface {
	NewSession(user, database string) (session, error)
}

// session is the subset of *engine.Session the protocol uses.
type session interface {
	Query(ctx context.Context, sql string) ([]*engine.Result, error)
	Prepare(ctx context.Context, name, sql string, paramOIDs []uint32) (*engine.Prepared, error)
	Execute(ctx context.Context, p *engine.Prepared, args []any) (*engine.Result, error)
	TxStatus() byte
	ParameterStatus() map[string]string
	Close()
}

type engineBackend struct{ eng *engine.Engine }

func (b engineBackend) NewSession(user, database string) (session, error) {
	s, err := b.eng.NewSession(user, database)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// server holds what connections share: the backend-key registry that
// CancelRequest looks up, and the set of live connections for shutdown.
type server struct {
	be   backend
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	conns    map[uint32]*conn // by backend pid, once start-up succeeded
	live     map[*conn]bool   // every accepted connection, for shutdown
	shutdown bool
	wg       sync.WaitGroup
}

func serve(ctx context.Context, ln net.Listener, be backend, opts Options) error {
	s := &server{be: be, opts: opts, log: opts.Logger, conns: map[uint32]*conn{}, live: map[*conn]bool{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.opts.Auth == nil {
		s.opts.Auth = Trust{}
	}

	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		ln.Close()
	})
	defer stop()

	var acceptErr error
	for {
		nc, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond) // e.g. EMFILE: back off instead of spinning
				continue
			}
			if ctx.Err() == nil {
				acceptErr = err
			}
			break
		}
		c := newConn(s, nc)
		s.mu.Lock()
		s.live[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c.serve(ctx)
			s.mu.Lock()
			delete(s.live, c)
			s.mu.Unlock()
		}()
	}

	// Wake every connection: cancel its statement and make its next read
	// fail at once, so it can say goodbye and exit.
	s.mu.Lock()
	s.shutdown = true
	for c := range s.live {
		c.interrupt()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return acceptErr
}

// register gives c a fresh backend key. It returns false when the server is
// already shutting down.
func (s *server) register(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown {
		return false
	}
	for {
		var b [8]byte
		rand.Read(b[:])
		pid := binary.BigEndian.Uint32(b[:4]) & 0x7fffffff // positive, as a real pid
		if _, taken := s.conns[pid]; pid != 0 && !taken {
			c.pid, c.secret = pid, binary.BigEndian.Uint32(b[4:])
			s.conns[pid] = c
			return true
		}
	}
}

func (s *server) unregister(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[c.pid] == c {
		delete(s.conns, c.pid)
	}
}

// cancel handles a CancelRequest: cancel the running statement of the
// connection whose key matches. As in PostgreSQL, a wrong key is silently
// ignored so the request cannot be used to probe for keys.
func (s *server) cancel(pid, secret uint32) {
	s.mu.Lock()
	c := s.conns[pid]
	s.mu.Unlock()
	if c != nil && c.secret == secret {
		c.cancelStatement()
	}
}
