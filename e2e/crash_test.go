package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// rowsPerInsert is the size of every INSERT in the crash stream: a partially
// committed statement would leave a row count that is not a multiple of it.
const rowsPerInsert = 5

// buildLode compiles the real binary into a temp dir.
func buildLode(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lode")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/lodedb/lode/cmd/lode").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess runs `lode serve` on a free port and returns the process and
// the address it printed. The process is killed at cleanup if still alive.
func startProcess(t *testing.T, bin, warehouse string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--warehouse", warehouse)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			// "lode dev listening on 127.0.0.1:PORT (warehouse …)"
			if _, rest, ok := strings.Cut(sc.Text(), " listening on "); ok {
				addr <- strings.Fields(rest)[0]
				break
			}
		}
		io.Copy(io.Discard, stdout) // keep draining so the server never blocks on a full pipe
	}()
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(60 * time.Second):
		t.Fatal("lode serve did not report its address within 60s")
	}
	return nil, ""
}

// TestCrash kills the server with SIGKILL in the middle of a stream of
// INSERTs, restarts it on the same warehouse and checks durability and
// atomicity: every acknowledged INSERT is there, at most the one in flight
// is there besides, and never part of one.
func TestCrash(t *testing.T) {
	bin := buildLode(t)
	warehouse := t.TempDir()
	ctx := testCtx(t)

	cmd, addr := startProcess(t, bin, warehouse)
	conn := connect(t, addr, pgx.QueryExecModeSimpleProtocol)
	if _, err := conn.Exec(ctx, "CREATE TABLE crash_t (id bigint NOT NULL, batch integer NOT NULL)"); err != nil {
		t.Fatal(err)
	}

	var acked atomic.Int64
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		// Kill once the stream is well under way, or after a while if the
		// engine is slow, so the kill lands mid-stream either way.
		deadline := time.Now().Add(5 * time.Second)
		for acked.Load() < 30 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(3 * time.Millisecond)
		cmd.Process.Kill() // SIGKILL: no shutdown path runs
	}()

	inFlight := 0
	for batch := 0; ; batch++ {
		var vals []string
		for k := range rowsPerInsert {
			vals = append(vals, fmt.Sprintf("(%d, %d)", batch*rowsPerInsert+k, batch))
		}
		if _, err := conn.Exec(ctx, "INSERT INTO crash_t VALUES "+strings.Join(vals, ", ")); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) {
				t.Fatalf("INSERT %d failed before the kill: %v", batch, err)
			}
			inFlight = 1 // the connection died: this one may or may not have committed
			break
		}
		acked.Add(1)
		if batch > 1_000_000 {
			t.Fatal("the server was never killed")
		}
	}
	<-killed
	cmd.Wait()
	n := acked.Load()
	t.Logf("%d INSERTs acknowledged before the kill", n)
	if n == 0 {
		t.Fatal("no INSERT was acknowledged before the kill")
	}

	_, addr = startProcess(t, bin, warehouse)
	conn = connect(t, addr, pgx.QueryExecModeSimpleProtocol)
	var total, distinct, ackedRows int64
	if err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT id) FROM crash_t").Scan(&total, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM crash_t WHERE batch < %d", n)).Scan(&ackedRows); err != nil {
		t.Fatal(err)
	}
	if ackedRows != n*rowsPerInsert {
		t.Errorf("%d rows of acknowledged INSERTs survived, want %d", ackedRows, n*rowsPerInsert)
	}
	if lo, hi := n*rowsPerInsert, (n+int64(inFlight))*rowsPerInsert; total < lo || total > hi {
		t.Errorf("%d rows after restart, want between %d and %d", total, lo, hi)
	}
	if total%rowsPerInsert != 0 {
		t.Errorf("%d rows is not a multiple of %d: a statement was partly committed", total, rowsPerInsert)
	}
	if distinct != total {
		t.Errorf("%d distinct ids among %d rows: a statement was applied twice", distinct, total)
	}
}
