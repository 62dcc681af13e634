package pgwire

import (
	"crypto/tls"
	"net"
	"time"

	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/engine"
)

// startupTimeout bounds the handshake, like PostgreSQL's
// authentication_timeout, so a silent client cannot hold a goroutine.
const startupTimeout = time.Minute

// defaultDatabase is used when the client names none. PostgreSQL would use
// the user name, but Lode's default catalog is "main", and a user name is
// rarely a catalog.
const defaultDatabase = "main"

// exchange adapts a conn to AuthExchange.
type exchange struct{ c *conn }

func (x exchange) Send(msg pgproto3.BackendMessage) error {
	x.c.out.send(msg)
	x.c.out.flush()
	return x.c.out.err
}
func (x exchange) Receive() (pgproto3.FrontendMessage, error) { return x.c.be.Receive() }
func (x exchange) SetAuthType(t uint32) error                 { return x.c.be.SetAuthType(t) }

// startup runs the handshake up to the first ReadyForQuery. It returns false
// when the connection should close (cancel request, bad start-up, refused).
func (c *conn) startup() bool {
	c.setReadDeadline(time.Now().Add(startupTimeout))
	var sm *pgproto3.StartupMessage
	for sm == nil {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			c.log.Debug("pgwire: start-up", "err", err)
			return false
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			// With a certificate configured: 'S', then the TLS handshake, and
			// the rest of the protocol runs inside TLS. Otherwise 'N': the
			// client goes on in the clear on the same socket.
			if c.srv.opts.TLS == nil || c.tlsDone {
				c.out.buf = append(c.out.buf, 'N')
				c.out.flush()
				if c.out.err != nil {
					return false
				}
				continue
			}
			c.out.buf = append(c.out.buf, 'S')
			c.out.flush()
			if c.out.err != nil {
				return false
			}
			tc := tls.Server(c.nc, c.srv.opts.TLS)
			if err := tc.Handshake(); err != nil {
				c.log.Debug("pgwire: TLS handshake", "err", err)
				return false
			}
			c.nc, c.tlsDone = tc, true
			c.out.w = tc
			c.be = pgproto3.NewBackend(pgproto3.NewChunkReader(tc), tc)
		case *pgproto3.GSSEncRequest:
			// No GSS encryption: 'N', go on (the client may then ask for TLS).
			c.out.buf = append(c.out.buf, 'N')
			c.out.flush()
			if c.out.err != nil {
				return false
			}
		case *pgproto3.CancelRequest:
			c.srv.cancel(m.ProcessID, m.SecretKey)
			return false
		case *pgproto3.StartupMessage:
			sm = m
		}
	}

	user := sm.Parameters["user"]
	if user == "" {
		c.fatal(sqlerr.New("28000", "no PostgreSQL user name specified in startup packet"))
		return false
	}
	db := sm.Parameters["database"]
	if db == "" {
		db = defaultDatabase
	}
	var err error
	if a, ok := c.srv.opts.Auth.(interface {
		AuthenticateFrom(AuthExchange, net.Addr, string, string) error
	}); ok {
		err = a.AuthenticateFrom(exchange{c}, c.nc.RemoteAddr(), user, db)
	} else {
		err = c.srv.opts.Auth.Authenticate(exchange{c}, user, db)
	}
	if err != nil {
		c.fatal(sqlerr.Wrap("28P01", err))
		return false
	}
	sess, err := c.srv.be.NewSession(user, db)
	if err != nil {
		c.fatal(err)
		return false
	}
	c.sess = sess
	if !c.srv.register(c) {
		sess.Close()
		c.fatal(sqlerr.New("57P03", "the database system is shutting down"))
		return false
	}
	if ps, ok := sess.(interface{ SetBackendPID(int32) }); ok {
		ps.SetBackendPID(int32(c.pid)) // for pg_backend_pid()
	}
	if cs, ok := sess.(interface{ SetCopyIO(engine.CopyIO) }); ok {
		cs.SetCopyIO(copyIO{c})
	}
	c.setReadDeadline(time.Time{})
	c.log = c.log.With("pid", c.pid, "user", user, "database", db)

	c.out.send(&pgproto3.AuthenticationOk{})
	c.syncParams()
	c.out.send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret})
	c.readyForQuery()
	return c.out.err == nil
}
