package pgwire

import (
	"github.com/jackc/pgproto3/v2"
)

// AuthExchange is the start-up conversation an Authenticator drives: it
// sends authentication requests (AuthenticationMD5Password,
// AuthenticationSASL, …) and reads the client's answers. SetAuthType tells
// the decoder which kind of 'p' message to expect next, as pgproto3 needs.
type AuthExchange interface {
	Send(msg pgproto3.BackendMessage) error // sent and flushed
	Receive() (pgproto3.FrontendMessage, error)
	SetAuthType(authType uint32) error
}

// Authenticator decides whether user may connect to database. It returns nil
// to let the client in (the server then sends AuthenticationOk) or an error,
// reported as FATAL (SQLSTATE 28P01 unless the error carries its own code).
// SCRAM-SHA-256 and md5 slot in here without touching the connection code.
type Authenticator interface {
	Authenticate(ex AuthExchange, user, database string) error
}

// Trust lets every user in without a password, like PostgreSQL's "trust".
type Trust struct{}

// Authenticate implements Authenticator.
func (Trust) Authenticate(AuthExchange, string, string) error { return nil }
