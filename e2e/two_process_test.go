package e2e

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lodedb/lode/storage/delta/deltacheck"
)

// sqlState is the SQLSTATE of a server error, "" for anything else.
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestTwoProcessesOneWarehouse runs two `lode serve` processes on one
// warehouse. Concurrent INSERT streams into one table from both must all
// succeed (blind appends step over each other's commits); concurrent
// UPDATEs of the same row must never lose an update: a conflicting one
// fails with 40001 and leaves nothing behind, and retrying it succeeds.
// At the end the row count is the sum of acknowledged INSERTs, the log
// has no gaps and the table passes the Delta protocol validator.
func TestTwoProcessesOneWarehouse(t *testing.T) {
	bin := buildLode(t)
	warehouse := t.TempDir()
	ctx := testCtx(t)
	_, addrA := startProcess(t, bin, warehouse)
	_, addrB := startProcess(t, bin, warehouse)
	connA := connect(t, addrA, pgx.QueryExecModeSimpleProtocol)
	connB := connect(t, addrB, pgx.QueryExecModeSimpleProtocol)

	if _, err := connA.Exec(ctx, "CREATE TABLE shared_t (id bigint NOT NULL, src integer NOT NULL, v integer NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := connB.Exec(ctx, "INSERT INTO shared_t VALUES (-1, 0, 0)"); err != nil {
		t.Fatalf("process B does not see the table process A created: %v", err)
	}

	// Phase 1: two INSERT streams per process, all at once.
	const streamsPerProcess, insertsPerStream, rowsEach = 2, 25, 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := 1 // the row inserted above
	var insertErrs []error
	for p, addr := range []string{addrA, addrB} {
		for s := range streamsPerProcess {
			conn := connect(t, addr, pgx.QueryExecModeSimpleProtocol)
			src := p*streamsPerProcess + s + 1
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range insertsPerStream {
					var vals []string
					for k := range rowsEach {
						vals = append(vals, fmt.Sprintf("(%d, %d, 0)", (src*1000+i)*10+k, src))
					}
					_, err := conn.Exec(ctx, "INSERT INTO shared_t VALUES "+strings.Join(vals, ", "))
					mu.Lock()
					if err != nil {
						insertErrs = append(insertErrs, fmt.Errorf("stream %d insert %d: %w", src, i, err))
					} else {
						acked += rowsEach
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for _, err := range insertErrs {
		t.Errorf("concurrent INSERT failed: %v", err)
	}
	checkCount := func(conn *pgx.Conn, who string) {
		t.Helper()
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM shared_t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != int64(acked) {
			t.Errorf("process %s counts %d rows, %d were acknowledged", who, n, acked)
		}
	}
	checkCount(connA, "A")
	checkCount(connB, "B")

	// Phase 2: both processes increment the same row at the same moment,
	// round after round. Every acknowledged increment must be in the final
	// value; a conflict must be 40001 and is retried.
	var committed, conflicts int
	for round := 0; round < 60 && (round < 15 || conflicts == 0); round++ {
		start := make(chan struct{})
		results := make([]error, 2)
		for i, conn := range []*pgx.Conn{connA, connB} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, results[i] = conn.Exec(ctx, "UPDATE shared_t SET v = v + 1 WHERE id = -1")
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range results {
			if err == nil {
				committed++
			}
		}
		for i, err := range results {
			switch {
			case err == nil:
			case sqlState(err) == "40001":
				conflicts++
				// Nothing of the failed UPDATE may be visible: the row is
				// still there exactly once, with every committed increment.
				var n, v int64
				if err := connA.QueryRow(ctx, "SELECT count(*), max(v) FROM shared_t WHERE id = -1").Scan(&n, &v); err != nil {
					t.Fatal(err)
				}
				if n != 1 || v != int64(committed) {
					t.Fatalf("after a 40001 the row appears %d times with v=%d; %d increments committed", n, v, committed)
				}
				conn := []*pgx.Conn{connA, connB}[i]
				if _, err := conn.Exec(ctx, "UPDATE shared_t SET v = v + 1 WHERE id = -1"); err != nil {
					t.Fatalf("retrying the UPDATE after 40001: %v", err)
				}
				committed++
			default:
				t.Fatalf("concurrent UPDATE failed with %q, want success or 40001: %v", sqlState(err), err)
			}
		}
	}
	t.Logf("%d increments committed, %d conflicts (40001) retried", committed, conflicts)
	if conflicts == 0 {
		t.Error("no concurrent UPDATE ever conflicted; the test did not exercise conflict detection")
	}
	var v int64
	if err := connB.QueryRow(ctx, "SELECT v FROM shared_t WHERE id = -1").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != int64(committed) {
		t.Errorf("v = %d after %d acknowledged increments: updates were lost", v, committed)
	}
	checkCount(connA, "A")
	checkCount(connB, "B")

	// The log: versions 0..latest without gaps, and protocol-valid.
	table := filepath.Join(warehouse, "main", "public", "shared_t")
	ents, err := os.ReadDir(filepath.Join(table, "_delta_log"))
	if err != nil {
		t.Fatal(err)
	}
	var versions []int64
	for _, e := range ents {
		if base, ok := strings.CutSuffix(e.Name(), ".json"); ok && len(base) == 20 {
			v, _ := strconv.ParseInt(base, 10, 64)
			versions = append(versions, v)
		}
	}
	for i, v := range versions {
		if v != int64(i) {
			t.Fatalf("the log has a gap: version %d where %d should be", v, i)
		}
	}
	if want := 2 + streamsPerProcess*2*insertsPerStream + committed; len(versions) != want {
		t.Errorf("the log has %d versions, want %d (create, seed insert, inserts, updates)", len(versions), want)
	}
	rep, err := deltacheck.Validate(table)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Error(err)
	}
}
