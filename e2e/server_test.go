package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/wire/pgwire"
)

// server is a Lode server running in-process on a free port.
type server struct {
	Addr, Host, Port string
	Warehouse        string
	stop             func()
}

// startServer opens the engine on warehouse (a fresh temp dir when "") and
// serves it on 127.0.0.1:0. Stop shuts it down gracefully and closes the
// engine; it also runs at test cleanup.
func startServer(t *testing.T, warehouse string) *server {
	t.Helper()
	if warehouse == "" {
		warehouse = t.TempDir()
	}
	eng, err := engine.Open(engine.Config{Warehouse: warehouse})
	if err != nil {
		t.Fatalf("engine.Open: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { done <- pgwire.Serve(ctx, ln, eng, pgwire.Options{Logger: quiet}) }()

	s := &server{Addr: ln.Addr().String(), Warehouse: warehouse}
	s.Host, s.Port, _ = net.SplitHostPort(s.Addr)
	stopped := false
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("Serve did not return within 30s of shutdown")
		}
		if err := eng.Close(); err != nil {
			t.Errorf("engine.Close: %v", err)
		}
	}
	t.Cleanup(s.stop)
	return s
}

func (s *server) Stop() { s.stop() }

// connString is a libpq URL for addr as user lode, database main.
func connString(addr string) string {
	return fmt.Sprintf("postgres://lode@%s/main?sslmode=disable&connect_timeout=10", addr)
}

// connect opens a pgx connection in the given query mode.
func connect(t *testing.T, addr string, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(connString(addr))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// testCtx bounds one test's statements so a hang fails instead of stalling CI.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// modes are the two ways pgx talks: every test that runs SQL runs in both.
var modes = []struct {
	name string
	mode pgx.QueryExecMode
}{
	{"simple", pgx.QueryExecModeSimpleProtocol},
	{"extended", pgx.QueryExecModeCacheStatement},
}

// execTag runs a statement without arguments and returns its command tag.
// In simple mode that is pgx's Exec; in extended mode pgx would still use the
// simple protocol for an argument-less Exec, so go through Parse/Bind/
// Describe/Execute explicitly.
func execTag(ctx context.Context, conn *pgx.Conn, mode pgx.QueryExecMode, sql string) (string, error) {
	if mode == pgx.QueryExecModeSimpleProtocol {
		tag, err := conn.Exec(ctx, sql)
		return tag.String(), err
	}
	res := conn.PgConn().ExecParams(ctx, sql, nil, nil, nil, nil).Read()
	return res.CommandTag.String(), res.Err
}
