package pgwire

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgproto3/v2"
)

// testServer runs serve on a free port against a fake backend.
type testServer struct {
	addr string
	be   *fakeBackend
	stop func() error // cancels Serve and returns its result
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	be := newFakeBackend()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { done <- serve(ctx, ln, be, Options{Logger: quiet}) }()
	var stopped bool
	var result error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case result = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return after cancel")
			}
		}
		return result
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
		be.assertNoLeaks(t)
	})
	return &testServer{addr: ln.Addr().String(), be: be, stop: stop}
}

// client is a raw protocol client: it sends frontend messages and renders
// what comes back as short strings, so tests read like protocol traces.
type client struct {
	t           *testing.T
	nc          net.Conn
	fe          *pgproto3.Frontend
	pid, secret uint32 // from BackendKeyData
}

func (s *testServer) dial(t *testing.T) *client {
	t.Helper()
	nc, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	return &client{t: t, nc: nc, fe: pgproto3.NewFrontend(pgproto3.NewChunkReader(nc), nc)}
}

// connect dials and completes start-up, returning the start-up trace.
func (s *testServer) connect(t *testing.T) (*client, []string) {
	c := s.dial(t)
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "lode"}})
	return c, c.untilReady()
}

func (c *client) send(msgs ...pgproto3.FrontendMessage) {
	c.t.Helper()
	for _, m := range msgs {
		if err := c.fe.Send(m); err != nil {
			c.t.Fatal(err)
		}
	}
}

// untilReady renders messages up to and including ReadyForQuery.
func (c *client) untilReady() []string {
	c.t.Helper()
	var trace []string
	for {
		m, err := c.receive()
		if err != nil {
			c.t.Fatalf("receive after %q: %v", trace, err)
		}
		trace = append(trace, render(m))
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			return trace
		}
	}
}

// next renders n messages.
func (c *client) next(n int) []string {
	c.t.Helper()
	var trace []string
	for range n {
		m, err := c.receive()
		if err != nil {
			c.t.Fatalf("receive after %q: %v", trace, err)
		}
		trace = append(trace, render(m))
	}
	return trace
}

func (c *client) receive() (pgproto3.BackendMessage, error) {
	m, err := c.fe.Receive()
	if k, ok := m.(*pgproto3.BackendKeyData); ok {
		c.pid, c.secret = k.ProcessID, k.SecretKey
	}
	return m, err
}

func render(m pgproto3.BackendMessage) string {
	switch m := m.(type) {
	case *pgproto3.RowDescription:
		var f []string
		for _, d := range m.Fields {
			f = append(f, fmt.Sprintf("%s:%d/%d/%d/%d/%d", d.Name, d.DataTypeOID, d.DataTypeSize, d.TypeModifier, d.TableOID, d.TableAttributeNumber))
		}
		return "RowDescription " + strings.Join(f, " ")
	case *pgproto3.DataRow:
		var v []string
		for _, b := range m.Values {
			if b == nil {
				v = append(v, "NULL")
			} else {
				v = append(v, string(b))
			}
		}
		return "DataRow " + strings.Join(v, "|")
	case *pgproto3.CommandComplete:
		return "CommandComplete " + string(m.CommandTag)
	case *pgproto3.ReadyForQuery:
		return "ReadyForQuery " + string(m.TxStatus)
	case *pgproto3.ErrorResponse:
		s := fmt.Sprintf("ErrorResponse %s %s %s", m.Severity, m.Code, m.Message)
		if m.Position > 0 {
			s += fmt.Sprintf(" @%d", m.Position)
		}
		return s
	case *pgproto3.NoticeResponse:
		return "NoticeResponse " + m.Message
	case *pgproto3.ParameterStatus:
		return "ParameterStatus " + m.Name + "=" + m.Value
	case *pgproto3.ParameterDescription:
		return fmt.Sprintf("ParameterDescription %v", m.ParameterOIDs)
	case *pgproto3.BackendKeyData:
		return "BackendKeyData"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", m), "*pgproto3.")
}

func (c *client) query(sql string) []string {
	c.t.Helper()
	c.send(&pgproto3.Query{String: sql})
	return c.untilReady()
}

func equalTrace(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trace mismatch\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
