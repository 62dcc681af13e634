package e2e

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var loadDuration = flag.Duration("load-duration", 6*time.Second,
	"how long TestConcurrentClients runs its 200 connections (the issue's minute: -load-duration=1m)")

// TestConcurrentClients opens 200 connections at once and runs a mix of
// queries on all of them for -load-duration: simple and extended protocol,
// parameters, catalog queries, aggregates, inserts and errors that must
// leave the session usable. Nothing may fail, and once the connections and
// the server are gone the goroutines and the heap must be back where they
// started.
func TestConcurrentClients(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	const conns = 200
	runtime.GC()
	baseG := runtime.NumGoroutine()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseHeap := ms.HeapAlloc

	s := startServer(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), *loadDuration+2*time.Minute)
	defer cancel()
	setup := connect(t, s.Addr, pgx.QueryExecModeSimpleProtocol)
	for _, sql := range []string{
		"CREATE TABLE items (id integer PRIMARY KEY, grp integer, name text, price numeric(10,2))",
		"INSERT INTO items SELECT g, g % 10, 'item ' || g, g * 1.25 FROM generate_series(1, 5000) g",
		"CREATE TABLE events (conn integer, n integer)",
	} {
		if _, err := setup.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	setup.Close(ctx)

	type op func(ctx context.Context, c *pgx.Conn, id, i int) error
	ops := []op{
		func(ctx context.Context, c *pgx.Conn, _, i int) error {
			return c.QueryRow(ctx, "SELECT name FROM items WHERE id = $1", 1+i%5000).Scan(new(string))
		},
		func(ctx context.Context, c *pgx.Conn, _, _ int) error {
			rows, err := c.Query(ctx, "SELECT grp, count(*), sum(price) FROM items GROUP BY grp ORDER BY grp")
			if err != nil {
				return err
			}
			n := 0
			for rows.Next() {
				n++
			}
			if rows.Err() == nil && n != 10 {
				return fmt.Errorf("%d groups", n)
			}
			return rows.Err()
		},
		func(ctx context.Context, c *pgx.Conn, _, _ int) error {
			var n int
			return c.QueryRow(ctx, "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE pg_catalog.pg_table_is_visible(c.oid)").Scan(&n)
		},
		func(ctx context.Context, c *pgx.Conn, id, i int) error {
			_, err := c.Exec(ctx, "INSERT INTO events VALUES ($1, $2)", id, i)
			return err
		},
		func(ctx context.Context, c *pgx.Conn, _, _ int) error {
			_, err := c.Exec(ctx, "SELECT * FROM no_such_table")
			if err == nil {
				return fmt.Errorf("expected 42P01")
			}
			var v int
			return c.QueryRow(ctx, "SELECT 1").Scan(&v)
		},
		func(ctx context.Context, c *pgx.Conn, _, i int) error {
			var sum int64
			return c.QueryRow(ctx, "SELECT sum(g) FROM generate_series(1, $1::int) g", 100+i%100).Scan(&sum)
		},
	}

	var total, inserts atomic.Int64
	errs := make(chan error, conns)
	var wg sync.WaitGroup
	start := make(chan struct{})
	deadline := time.Now().Add(*loadDuration)
	for id := 0; id < conns; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			mode := pgx.QueryExecModeCacheStatement
			if id%2 == 1 {
				mode = pgx.QueryExecModeSimpleProtocol
			}
			cfg, err := pgx.ParseConfig(connString(s.Addr))
			if err != nil {
				errs <- err
				return
			}
			cfg.DefaultQueryExecMode = mode
			c, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				errs <- fmt.Errorf("conn %d: connect: %w", id, err)
				return
			}
			defer c.Close(context.Background())
			<-start
			for i := 0; time.Now().Before(deadline); i++ {
				k := (id + i) % len(ops)
				if err := ops[k](ctx, c, id, i); err != nil {
					errs <- fmt.Errorf("conn %d op %d: %w", id, k, err)
					return
				}
				if k == 3 {
					inserts.Add(1)
				}
				total.Add(1)
			}
		}(id)
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	check := connect(t, s.Addr, pgx.QueryExecModeSimpleProtocol)
	var n int64
	if err := check.QueryRow(ctx, "SELECT count(*) FROM events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	check.Close(ctx)
	if n != inserts.Load() {
		t.Errorf("events has %d rows, %d inserts succeeded", n, inserts.Load())
	}
	t.Logf("%d connections, %d statements in %s (%.0f/s)", conns, total.Load(), *loadDuration,
		float64(total.Load())/loadDuration.Seconds())

	s.Stop()
	// Connections and their goroutines wind down asynchronously.
	var g int
	for wait := 0; wait < 100; wait++ {
		runtime.GC()
		if g = runtime.NumGoroutine(); g <= baseG+2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if g > baseG+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after\n%s", baseG, g, buf[:runtime.Stack(buf, true)])
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if grew := int64(ms.HeapAlloc) - int64(baseHeap); grew > 64<<20 {
		t.Errorf("heap grew by %d MB after the load and shutdown", grew>>20)
	}
}
