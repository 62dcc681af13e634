package pgwire

import (
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
)

func TestStartup(t *testing.T) {
	s := startServer(t)
	c, trace := s.connect(t)
	if trace[0] != "AuthenticationOk" {
		t.Errorf("first message %q, want AuthenticationOk", trace[0])
	}
	if !slices.Contains(trace, "ParameterStatus TimeZone=UTC") || !slices.Contains(trace, "ParameterStatus server_version=15.0 (Lode)") {
		t.Errorf("missing ParameterStatus in %q", trace)
	}
	equalTrace(t, trace[len(trace)-2:], []string{"BackendKeyData", "ReadyForQuery I"})
	if c.pid == 0 {
		t.Error("BackendKeyData carried pid 0")
	}
}

func TestSSLRequestIsRefusedThenStartupProceeds(t *testing.T) {
	s := startServer(t)
	c := s.dial(t)
	for _, req := range []pgproto3.FrontendMessage{&pgproto3.SSLRequest{}, &pgproto3.GSSEncRequest{}} {
		c.send(req)
		var b [1]byte
		if _, err := io.ReadFull(c.nc, b[:]); err != nil || b[0] != 'N' {
			t.Fatalf("%T answer %q, %v; want 'N'", req, b[0], err)
		}
	}
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "lode", "database": "main"}})
	trace := c.untilReady()
	equalTrace(t, trace[len(trace)-1:], []string{"ReadyForQuery I"})
}

func TestUnknownDatabaseIsFatal(t *testing.T) {
	s := startServer(t)
	c := s.dial(t)
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "lode", "database": "nope"}})
	equalTrace(t, c.next(1), []string{`ErrorResponse FATAL 3D000 database "nope" does not exist`})
	if _, err := c.fe.Receive(); err == nil {
		t.Error("connection still open after FATAL")
	}
}

func TestSimpleQueryRows(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	equalTrace(t, c.query("select rows"), []string{
		"RowDescription n:23/4/-1/0/0 s:25/-1/-1/16384/2",
		"DataRow 1|one",
		"DataRow NULL|two",
		"DataRow 3|NULL",
		"DataRow 4|four",
		"DataRow 5|five",
		"CommandComplete SELECT 5",
		"ReadyForQuery I",
	})
	equalTrace(t, c.query("select none"), []string{
		"RowDescription n:20/8/-1/0/0", "CommandComplete SELECT 0", "ReadyForQuery I",
	})
}

func TestSimpleQueryStopsAtError(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	equalTrace(t, c.query("create; drop; fail; create"), []string{
		"CommandComplete CREATE TABLE",
		`NoticeResponse table "t" does not exist, skipping`,
		"CommandComplete DROP TABLE",
		`ErrorResponse ERROR 42601 syntax error at or near "fail" @1`,
		"ReadyForQuery I",
	})
	if got := s.be.ran(); !slices.Equal(got, []string{"create", "drop", "fail"}) {
		t.Errorf("ran %q", got)
	}
	equalTrace(t, c.query("plain error"), []string{
		"ErrorResponse ERROR XX000 context deadline exceeded", "ReadyForQuery I",
	})
}

func TestEmptyQuery(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	for _, q := range []string{"", " ; "} {
		equalTrace(t, c.query(q), []string{"EmptyQueryResponse", "ReadyForQuery I"})
	}
}

func TestPanicIsContained(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	other, _ := s.connect(t)
	equalTrace(t, c.query("panic"), []string{"ErrorResponse ERROR XX000 internal error: boom", "ReadyForQuery I"})
	equalTrace(t, c.query("create"), []string{"CommandComplete CREATE TABLE", "ReadyForQuery I"})
	equalTrace(t, other.query("create"), []string{"CommandComplete CREATE TABLE", "ReadyForQuery I"})
}

func TestSettingChangeIsReported(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	equalTrace(t, c.query("set tz"), []string{
		"CommandComplete SET", "ParameterStatus TimeZone=Europe/Paris", "ReadyForQuery I",
	})
	equalTrace(t, c.query("create"), []string{"CommandComplete CREATE TABLE", "ReadyForQuery I"})
}

func TestCancelRequest(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(&pgproto3.Query{String: "sleep"})
	time.Sleep(50 * time.Millisecond) // let the statement start

	wrong := s.dial(t)
	wrong.send(&pgproto3.CancelRequest{ProcessID: c.pid, SecretKey: c.secret + 1})
	canceller := s.dial(t)
	canceller.send(&pgproto3.CancelRequest{ProcessID: c.pid, SecretKey: c.secret})
	// The server closes a cancel connection without answering.
	if _, err := canceller.nc.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("cancel connection: %v, want EOF", err)
	}
	equalTrace(t, c.untilReady(), []string{
		"ErrorResponse ERROR 57014 canceling statement due to user request", "ReadyForQuery I",
	})
}

func TestTerminateCloses(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(&pgproto3.Terminate{})
	if _, err := c.nc.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("after Terminate: %v, want EOF", err)
	}
}

func TestShutdownTellsIdleClients(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	busy, _ := s.connect(t)
	busy.send(&pgproto3.Query{String: "sleep"})
	silent := s.dial(t) // connected, never sends a StartupMessage
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if err := s.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v: a connection in start-up held it up", d)
	}
	if _, err := silent.nc.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("silent connection: %v, want EOF", err)
	}
	equalTrace(t, c.next(1), []string{"ErrorResponse FATAL 57P01 terminating connection due to administrator command"})
	equalTrace(t, busy.next(3), []string{
		"ErrorResponse ERROR 57P01 terminating connection due to administrator command",
		"ReadyForQuery I",
		"ErrorResponse FATAL 57P01 terminating connection due to administrator command",
	})
	if _, err := net.Dial("tcp", s.addr); err == nil {
		t.Error("still accepting after shutdown")
	}
}
