package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/wire/pgwire"
)

// selfSigned makes a throwaway certificate for 127.0.0.1.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lode-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestTLS: with a certificate configured, SSLRequest gets 'S' and the
// session runs over TLS (pgx with sslmode=require, and psql).
func TestTLS(t *testing.T) {
	eng, err := engine.Open(engine.Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		pgwire.Serve(ctx, ln, eng, pgwire.Options{TLS: &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	addr := ln.Addr().(*net.TCPAddr)
	dsn := "postgres://lode@127.0.0.1:" + itoaPort(addr.Port) + "/main?sslmode=require"
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if conn.PgConn().Conn() == nil {
		t.Fatal("no connection")
	}
	if _, ok := conn.PgConn().Conn().(*tls.Conn); !ok {
		t.Fatalf("connection is %T, want *tls.Conn", conn.PgConn().Conn())
	}
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT 41 + 1").Scan(&n); err != nil || n != 42 {
		t.Fatalf("query over TLS: %v %d", err, n)
	}
	if _, err := exec.LookPath("psql"); err == nil {
		out, err := exec.Command("psql", "-X", "-At", "-c", "SELECT 'over tls'", dsn).CombinedOutput()
		if err != nil || string(out) != "over tls\n" {
			t.Fatalf("psql over TLS: %v %q", err, out)
		}
	}
}

func itoaPort(p int) string {
	b := []byte{}
	for p > 0 {
		b = append([]byte{byte('0' + p%10)}, b...)
		p /= 10
	}
	return string(b)
}
