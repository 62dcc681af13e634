package delta

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoveWritesEncodedPath: add and remove both write a file's path
// URL-encoded, so a name with a space or '%' round-trips and the remove
// cancels the add.
func TestRemoveWritesEncodedPath(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	app := tbl.NewAppend(snap)
	if err := app.AddExisting(DataFile{Path: "odd dir/a%b.parquet", Size: 10, NumRecords: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Commit(ctx, "WRITE", nil); err != nil {
		t.Fatal(err)
	}
	snap, _ = tbl.Snapshot(ctx)
	if len(snap.Files()) != 1 || snap.Files()[0].Path != "odd dir/a%b.parquet" {
		t.Fatalf("files = %+v", snap.Files())
	}
	app = tbl.NewAppend(snap)
	app.Remove(snap.Files()[0])
	if _, err := app.Commit(ctx, "DELETE", nil); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"1", "2"} {
		b, err := os.ReadFile(filepath.Join(dir, "_delta_log", "0000000000000000000"+v+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"path":"odd%20dir/a%25b.parquet"`) {
			t.Errorf("version %s does not write the encoded path:\n%s", v, b)
		}
	}
	snap, _ = tbl.Snapshot(ctx)
	if len(snap.Files()) != 0 {
		t.Errorf("the remove did not cancel the add: %+v", snap.Files())
	}
}
