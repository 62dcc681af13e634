package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/wire/pgwire"
)

// TestAuth creates users, then connects through an HBA that demands
// SCRAM-SHA-256 (and cleartext) even on loopback: right password in, wrong
// password 28P01, unknown user 28000 with the same message, ALTER USER
// changes the password, DROP USER removes it, and users survive a restart.
func TestAuth(t *testing.T) {
	wh := t.TempDir()
	ctx := testCtx(t)
	start := func(method string) (string, func()) {
		eng, err := engine.Open(engine.Config{Warehouse: wh})
		if err != nil {
			t.Fatal(err)
		}
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		hba := &pgwire.HBA{Verifier: eng.PasswordVerifier, Rules: []pgwire.HBARule{{Net: netip.MustParsePrefix("0.0.0.0/0"), Method: method}}}
		sctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			pgwire.Serve(sctx, ln, eng, pgwire.Options{Auth: hba, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			close(done)
		}()
		return ln.Addr().String(), func() { cancel(); <-done; eng.Close() }
	}
	dial := func(addr, user, pw string) error {
		c, err := pgx.Connect(ctx, "postgres://"+user+":"+pw+"@"+addr+"/main?sslmode=disable&connect_timeout=5")
		if err == nil {
			var u string
			err = c.QueryRow(ctx, "SELECT current_user").Scan(&u)
			if err == nil && u != user {
				t.Errorf("current_user %q, want %q", u, user)
			}
			c.Close(ctx)
		}
		return err
	}
	code := func(err error) string {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return fmt.Sprint(err)
		}
		return pe.Code + " " + pe.Message
	}

	// Set up users over a trusted server.
	addr, stop := start("trust")
	conn, err := pgx.Connect(ctx, "postgres://lode@"+addr+"/main?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{"CREATE USER alice WITH PASSWORD 's3cret'", "CREATE ROLE bob LOGIN PASSWORD 'pw'",
		"CREATE ROLE readers", "ALTER USER bob WITH PASSWORD 'pw2'", "CREATE USER carol PASSWORD 'c'", "DROP USER carol", "DROP ROLE IF EXISTS nobody"} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE USER alice"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate user: %v", err)
	}
	conn.Close(ctx)
	stop()

	for _, method := range []string{"scram-sha-256", "md5", "password"} {
		addr, stop := start(method) // a restart: users come from the warehouse
		if err := dial(addr, "alice", "s3cret"); err != nil {
			t.Errorf("%s: alice: %v", method, err)
		}
		if err := dial(addr, "bob", "pw2"); err != nil {
			t.Errorf("%s: bob: %v", method, err)
		}
		if got := code(dial(addr, "bob", "pw")); got != `28P01 password authentication failed for user "bob"` {
			t.Errorf("%s: wrong password: %q", method, got)
		}
		if got := code(dial(addr, "carol", "c")); got != `28000 password authentication failed for user "carol"` {
			t.Errorf("%s: dropped user: %q", method, got)
		}
		if got := code(dial(addr, "readers", "x")); !strings.HasPrefix(got, "28000 ") {
			t.Errorf("%s: NOLOGIN role: %q", method, got)
		}
		stop()
	}
}
