// Command lode runs the Lode lakehouse SQL engine:
//
//	lode serve [--listen ADDR] [--warehouse DIR]   serve the PostgreSQL protocol
//	lode sql [--warehouse DIR] [-c SQL]            a local SQL shell
//	lode version
//
// It holds no logic of its own: flags → engine.Open → a front door in wire/.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/wire/pgwire"
	"github.com/lodedb/lode/wire/shell"
)

// version is set at link time (-ldflags "-X main.version=…").
var version = "dev"

const usage = `usage:
  lode serve [--listen ADDR] [--warehouse DIR]   serve the PostgreSQL protocol
  lode sql [--warehouse DIR] [-c SQL]            run SQL in a local shell
  lode version
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "serve":
		err = serve(args)
	case "sql":
		err = sql(args)
	case "version", "--version", "-v":
		fmt.Printf("lode %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "lode: unknown command %q\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		if !errors.Is(err, errPrinted) {
			fmt.Fprintf(os.Stderr, "lode: %v\n", err)
		}
		os.Exit(1)
	}
}

// errPrinted is an error the user has already seen; main only exits 1.
var errPrinted = errors.New("error already reported")

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// envInt is an integer environment variable, or def when unset or not a
// number.
func envInt(key string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(key), 10, 64); err == nil {
		return v
	}
	return def
}

func warehouseFlag(fs *flag.FlagSet) *string {
	return fs.String("warehouse", envOr("LODE_WAREHOUSE", "./warehouse"), "warehouse directory (env LODE_WAREHOUSE)")
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listen := fs.String("listen", envOr("LODE_LISTEN", "127.0.0.1:5433"), "address to listen on (env LODE_LISTEN)")
	warehouse := warehouseFlag(fs)
	hba := fs.String("hba", envOr("LODE_HBA", ""), "pg_hba-style file: lines \"host all all ADDRESS METHOD\" (trust, scram-sha-256, md5, password, reject); default: trust loopback, SCRAM elsewhere")
	tlsCert := fs.String("tls-cert", envOr("LODE_TLS_CERT", ""), "PEM certificate: offer TLS to clients that ask (with --tls-key)")
	tlsKey := fs.String("tls-key", envOr("LODE_TLS_KEY", ""), "PEM private key of --tls-cert")
	cacheMB := fs.Int64("column-cache-mb", envInt("LODE_COLUMN_CACHE_MB", engine.DefaultColumnCacheBytes>>20),
		"memory budget in MiB of the cache of decoded Parquet columns; 0 turns it off (env LODE_COLUMN_CACHE_MB)")
	fs.Parse(args)

	cacheBytes := *cacheMB << 20
	if cacheBytes == 0 {
		cacheBytes = -1 // engine.Config's "no cache"
	}
	eng, err := engine.Open(engine.Config{Warehouse: *warehouse, ColumnCacheBytes: cacheBytes})
	if err != nil {
		return err
	}
	defer eng.Close()
	var opts pgwire.Options
	if *tlsCert != "" || *tlsKey != "" {
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return fmt.Errorf("loading TLS certificate: %w", err)
		}
		opts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if *hba != "" {
		h, err := pgwire.LoadHBA(*hba, eng.PasswordVerifier)
		if err != nil {
			return err
		}
		opts.Auth = h
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	// The first SIGINT/SIGTERM shuts down gracefully; after it the default
	// handling is back, so a second Ctrl-C kills a shutdown that hangs.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)

	host, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Printf("lode %s listening on %s (warehouse %s)\n", version, ln.Addr(), *warehouse)
	fmt.Printf("connect with: psql -h %s -p %s -U lode main\n", host, port)
	err = pgwire.Serve(ctx, ln, eng, opts)
	fmt.Println("lode: shut down")
	return err
}

func sql(args []string) error {
	fs := flag.NewFlagSet("sql", flag.ExitOnError)
	warehouse := warehouseFlag(fs)
	command := fs.String("c", "", "run this SQL and exit")
	fs.Parse(args)

	eng, err := engine.Open(engine.Config{Warehouse: *warehouse})
	if err != nil {
		return err
	}
	defer eng.Close()
	sess, err := eng.NewSession(envOr("USER", "lode"), "main")
	if err != nil {
		return err
	}
	defer sess.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *command != "" {
		err = shell.Exec(ctx, sess, *command, os.Stdout, os.Stderr)
	} else {
		fi, _ := os.Stdin.Stat()
		interactive := fi != nil && fi.Mode()&os.ModeCharDevice != 0
		err = shell.Run(ctx, sess, os.Stdin, os.Stdout, os.Stderr, interactive)
	}
	var stmtErr *sqlerr.Error
	if errors.As(err, &stmtErr) {
		return errPrinted // the shell already showed it, psql-style
	}
	return err
}
