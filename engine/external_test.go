package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// TestExternalDeltaTables registers a Delta table written by Spark (a
// golden table of the shared conformance set) with CREATE TABLE … USING
// DELTA LOCATION, reads it by name and by delta.`path`, and checks that
// DROP TABLE forgets it without deleting its files.
func TestExternalDeltaTables(t *testing.T) {
	loc, _ := filepath.Abs(filepath.Join("..", "..", "shared", "conformance", "delta", "golden", "basic-decimal-table", "delta"))
	if _, err := os.Stat(loc); err != nil {
		t.Skip("shared golden tables not found")
	}
	eng, err := Open(Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := eng.NewSession("lode", "main")
	ctx := context.Background()
	count := func(q string) int64 {
		t.Helper()
		res, err := s.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res[0].Records[0].Column(0).(*array.Int64).Value(0)
	}
	if _, err := s.Query(ctx, "CREATE TABLE dec USING DELTA LOCATION '"+loc+"'"); err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT count(*) FROM dec"); n != 4 {
		t.Fatalf("count = %d, want 4", n)
	}
	if n := count("SELECT count(*) FROM delta.`" + loc + "` d WHERE d.col1 > 0"); n != 2 {
		t.Fatalf("filtered count by path = %d, want 2", n)
	}
	if _, err := s.Query(ctx, "CREATE TABLE dec USING DELTA LOCATION '"+loc+"'"); err == nil {
		t.Fatal("duplicate registration accepted")
	}
	if _, err := s.Query(ctx, "DROP TABLE dec"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(loc, "_delta_log")); err != nil {
		t.Fatal("DROP TABLE of an external table deleted its data")
	}
	if _, err := s.Query(ctx, "CREATE TABLE nope USING DELTA LOCATION '/nonexistent/path'"); err == nil {
		t.Fatal("a missing location was accepted")
	}
}
