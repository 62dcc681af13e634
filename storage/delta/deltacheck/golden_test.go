package deltacheck_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lodedb/lode/storage/delta"
	"github.com/lodedb/lode/storage/delta/deltacheck"
)

// TestForeignTablesPass runs the validator over Delta Spark's golden
// tables that use what Lode's own writes do not yet (deletion vectors,
// partitions, column mapping, timestamp_ntz, escaped paths, checkpoints
// with tombstones), so those checks are exercised on valid input.
func TestForeignTablesPass(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..", "shared", "conformance", "delta", "golden")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no conformance corpus: %v", err)
	}
	for _, name := range []string{
		"dv-partitioned-with-checkpoint", "basic-with-inserts-deletes-checkpoint", "data-reader-partition-values",
		"table-with-columnmapping-mode-name", "data-skipping-basic-stats-all-types-columnmapping-name",
		"data-reader-escaped-chars", "data-skipping-basic-stats-all-types", "data-reader-timestamp_ntz",
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := deltacheck.Validate(filepath.Join(root, name, "delta"))
			if err != nil {
				t.Fatal(err)
			}
			if err := rep.Err(); err != nil {
				t.Error(err)
			}
			if len(rep.Live) == 0 {
				t.Errorf("no live files replayed")
			}
			// Rows ReadLive yields (deleted ones skipped) against Lode's
			// own snapshot: records minus deletion vector cardinalities.
			var read, partitioned int64
			err = rep.ReadLive(func(lc deltacheck.LiveColumns) error {
				read += int64(lc.Rows - len(lc.Deleted))
				for i, col := range lc.Cols {
					if _, ok := lc.Partition[rep.PhysicalName(rep.Schema.Fields[i])]; col == nil && ok {
						partitioned++
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := delta.Open(filepath.Join(root, name, "delta"))
			if err != nil {
				t.Fatal(err)
			}
			snap, err := tbl.Snapshot(t.Context())
			if err != nil {
				t.Logf("no row count cross-check: Lode cannot read the table yet: %v", err)
				return
			}
			var want int64
			for _, f := range snap.Files() {
				if f.NumRecords < 0 {
					t.Logf("no row count cross-check: %s has no stats", f.Path)
					return
				}
				want += f.NumRecords
				if f.DeletionVector != nil {
					want -= f.DeletionVector.Cardinality
				}
			}
			if read != want {
				t.Errorf("ReadLive yields %d rows, Lode's snapshot has %d", read, want)
			}
			if len(rep.PartitionColumns) > 0 && partitioned == 0 {
				t.Errorf("partition columns %v never came from partitionValues", rep.PartitionColumns)
			}
		})
	}
}

// copyTree copies a directory tree (a small golden table) to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDeletionVectorViolations: a descriptor whose cardinality disagrees
// with its bitmap, and one whose file is gone, are both reported.
func TestDeletionVectorViolations(t *testing.T) {
	src := filepath.Join("..", "..", "..", "..", "shared", "conformance", "delta", "golden", "dv-partitioned-with-checkpoint", "delta")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("no conformance corpus: %v", err)
	}
	for _, c := range []struct{ name, old, new, want string }{
		{"cardinality", `"sizeInBytes":34,"cardinality":1}`, `"sizeInBytes":34,"cardinality":2}`, "deletion vector"},
		{"missing file", `"pathOrInlineDv":"7NnC4LX-RqU.S:B4VD9n"`, `"pathOrInlineDv":"0000000000000000000000"`, "deletion vector"},
		{"bad storage type", `"storageType":"u","pathOrInlineDv":"7NnC4LX`, `"storageType":"x","pathOrInlineDv":"7NnC4LX`, "storageType"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, src, dir)
			commit := filepath.Join(dir, "_delta_log", "00000000000000000015.json")
			b, err := os.ReadFile(commit)
			if err != nil || !strings.Contains(string(b), c.old) {
				t.Fatalf("commit 15 lacks %q (%v)", c.old, err)
			}
			os.WriteFile(commit, []byte(strings.Replace(string(b), c.old, c.new, 1)), 0o644)
			rep, err := deltacheck.Validate(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := rep.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want a report containing %q", err, c.want)
			} else {
				t.Log(err)
			}
		})
	}
}
