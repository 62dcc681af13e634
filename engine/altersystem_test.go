package engine

import (
	"context"
	"testing"
)

func TestAlterSystemSetsNewSessionDefaults(t *testing.T) {
	wh := t.TempDir()
	eng, err := Open(Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := eng.NewSession("lode", "main")
	ctx := context.Background()
	if _, err := s.Query(ctx, "ALTER SYSTEM SET log_line_prefix = '%m [%p] app=%a '"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Query(ctx, "ALTER SYSTEM SET nosuch_setting = 1"); err == nil {
		t.Fatal("unknown setting accepted")
	}
	// A new session of another engine on the same warehouse sees it.
	eng2, _ := Open(Config{Warehouse: wh})
	s2, _ := eng2.NewSession("lode", "main")
	if v, _ := s2.set.get("log_line_prefix"); v != "%m [%p] app=%a " {
		t.Fatalf("log_line_prefix = %q", v)
	}
	if _, err := s2.Query(ctx, "ALTER SYSTEM RESET log_line_prefix"); err != nil {
		t.Fatal(err)
	}
	s3, _ := eng2.NewSession("lode", "main")
	if v, _ := s3.set.get("log_line_prefix"); v != "%m [%p] " {
		t.Fatalf("after RESET log_line_prefix = %q", v)
	}
}
