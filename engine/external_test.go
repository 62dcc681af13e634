package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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
	q := newSQLTester(t, t.TempDir())
	s, ctx, count := q.s, context.Background(), q.count
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
