// Package pgbench compares Lode and PostgreSQL 15 under pgbench: the same
// custom select-only script, -c 8 -j 2, in simple and extended protocol
// modes, against both servers in one run.
//
//	go test -run=NONE -bench=Pgbench -benchtime=1x ./bench/pgbench/ [-pgbench.time=30s]
package pgbench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/pgserver"
	"github.com/lodedb/lode/wire/pgwire"
)

var (
	runTime  = flag.Duration("pgbench.time", 10*time.Second, "pgbench -T for each mode and server")
	accounts = flag.Int("pgbench.rows", 100000, "rows in the accounts table")
)

// script is pgbench's select-only transaction (its built-in -S), over a
// table created the same way on both servers.
const script = `\set aid random(1, %d)
SELECT abalance FROM accounts WHERE aid = :aid;
`

var tpsRE = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

func BenchmarkPgbenchSelectOnly(b *testing.B) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		b.Skip("pgbench is not installed")
	}
	pgs, err := pgserver.Start()
	if errors.Is(err, pgserver.ErrUnavailable) {
		b.Skipf("needs PostgreSQL 15: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer pgs.Stop()

	dir := b.TempDir()
	eng, err := engine.Open(engine.Config{Warehouse: filepath.Join(dir, "warehouse")})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go pgwire.Serve(ctx, ln, eng, pgwire.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	host, port, _ := net.SplitHostPort(ln.Addr().String())

	lode := []string{"-h", host, "-p", port, "-U", "lode", "main"}
	pg := []string{"-h", pgs.Dir, "-p", strconv.Itoa(pgs.Port), "-U", "postgres", "postgres"}
	// The same table on both; PostgreSQL gets the primary key (and so the
	// index) a PostgreSQL user would create, Lode records it and relies on
	// file statistics.
	ddl := fmt.Sprintf(`CREATE TABLE accounts (aid integer PRIMARY KEY, bid integer, abalance integer, filler text);
INSERT INTO accounts SELECT g, (g - 1) / 100000 + 1, 0, repeat(' ', 84) FROM generate_series(1, %d) g;`, *accounts)
	for _, target := range [][]string{lode, pg} {
		if out, err := psql(target, ddl); err != nil {
			b.Fatalf("setup: %v\n%s", err, out)
		}
	}
	if out, err := psql(pg, "VACUUM ANALYZE accounts"); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	scriptFile := filepath.Join(dir, "select.sql")
	if err := os.WriteFile(scriptFile, []byte(fmt.Sprintf(script, *accounts)), 0o644); err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fmt.Printf("pgbench -n -c 8 -j 2 -T %d -f select.sql (%d accounts)\n", int(runTime.Seconds()), *accounts)
		fmt.Printf("%-9s %12s %12s %8s\n", "mode", "Lode tps", "PG15 tps", "ratio")
		for _, mode := range []string{"simple", "extended"} {
			l, err := pgbench(lode, mode, scriptFile)
			if err != nil {
				b.Fatalf("Lode %s: %v", mode, err)
			}
			p, err := pgbench(pg, mode, scriptFile)
			if err != nil {
				b.Fatalf("PostgreSQL %s: %v", mode, err)
			}
			fmt.Printf("%-9s %12.0f %12.0f %8.3f\n", mode, l, p, l/p)
			b.ReportMetric(l, "lode-"+mode+"-tps")
			b.ReportMetric(p, "pg-"+mode+"-tps")
			b.ReportMetric(l/p, mode+"-ratio")
		}
	}
}

func psql(target []string, sql string) ([]byte, error) {
	args := append([]string{"-X", "-q", "-v", "ON_ERROR_STOP=1"}, target[:len(target)-1]...)
	args = append(args, "-d", target[len(target)-1], "-c", sql)
	return exec.Command("psql", args...).CombinedOutput()
}

func pgbench(target []string, mode, file string) (float64, error) {
	args := []string{"-n", "-c", "8", "-j", "2", "-T", strconv.Itoa(int(runTime.Seconds())), "-M", mode, "-f", file}
	args = append(args, target...)
	out, err := exec.Command("pgbench", args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v\n%s", err, out)
	}
	m := tpsRE.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no tps in:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
