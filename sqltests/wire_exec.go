package sqltests

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/slt"
	"github.com/lodedb/lode/wire/pgwire"
)

// sltWire runs the .slt suites over the PostgreSQL protocol (a Lode server
// on a loopback port, driven with pgconn) instead of in-process.
var sltWire = flag.Bool("slt.wire", false, "run sqllogictest files over the wire protocol instead of in-process")

// executorFor returns the executor the suites use for eng: in-process by
// default, over a socket with -slt.wire. The cleanup stops the server.
func executorFor(t testing.TB, eng *engine.Engine) slt.Executor {
	if !*sltWire {
		s, err := eng.NewSession("lode", "main")
		if err != nil {
			t.Fatal(err)
		}
		return &SessionExecutor{S: s}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		pgwire.Serve(ctx, ln, eng, pgwire.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		close(done)
	}()
	conn, err := pgconn.Connect(context.Background(), "postgres://lode@"+ln.Addr().String()+"/main?sslmode=disable")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close(context.Background())
		cancel()
		<-done
	})
	return &PgExecutor{Conn: conn}
}
