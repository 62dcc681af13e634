package delta

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// copyLog copies a golden table's _delta_log into a fresh directory.
func copyLog(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(goldenRoot(t), name, "delta", "_delta_log")
	dst := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dst, "_delta_log"), 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dst, "_delta_log", e.Name()), b, 0o644)
	}
	return dst
}

func livePaths(t *testing.T, dir string) ([]string, error) {
	snap, err := openSnapshot(context.Background(), dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range snap.Files() {
		out = append(out, f.Path)
	}
	slices.Sort(out)
	return out, nil
}

// TestCheckpointReading starts snapshots from a classic checkpoint, from
// the same checkpoint split into parts, past a corrupt _last_checkpoint,
// and falls back to replaying commits when the checkpoint is unreadable.
func TestCheckpointReading(t *testing.T) {
	const table = "basic-with-inserts-deletes-checkpoint" // checkpoint at 10, commits 0..13
	dir := copyLog(t, table)
	log := filepath.Join(dir, "_delta_log")
	cp := filepath.Join(log, "00000000000000000010.checkpoint.parquet")
	want, err := livePaths(t, dir)
	if err != nil || len(want) == 0 {
		t.Fatalf("baseline: %v %v", want, err)
	}
	check := func(step string) {
		t.Helper()
		got, err := livePaths(t, dir)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: files %v, want %v", step, got, want)
		}
	}

	// 1. An unreadable checkpoint with the full log: replay from 0.
	good, _ := os.ReadFile(cp)
	os.WriteFile(cp, good[:len(good)/2], 0o644)
	check("truncated checkpoint")
	os.WriteFile(cp, good, 0o644)

	// 2. Without the commits before it, the checkpoint is the only way.
	for v := int64(0); v < 10; v++ {
		os.Remove(filepath.Join(dir, commitName(v)))
	}
	check("checkpoint only")

	// 3. A corrupt or stale _last_checkpoint is only a hint.
	os.WriteFile(filepath.Join(log, "_last_checkpoint"), []byte("{not json"), 0o644)
	check("corrupt _last_checkpoint")
	os.WriteFile(filepath.Join(log, "_last_checkpoint"), []byte(`{"version":12,"size":3}`), 0o644)
	check("stale _last_checkpoint")
	os.Remove(filepath.Join(log, "_last_checkpoint"))
	check("no _last_checkpoint")

	// 4. The same checkpoint as two parts.
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(good), nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	half := tbl.NumRows() / 2
	for part, rng := range [][2]int64{{0, half}, {half, tbl.NumRows()}} {
		sl := sliceTable(tbl, rng[0], rng[1])
		var buf bytes.Buffer
		if err := pqarrow.WriteTable(sl, &buf, 1024, nil, pqarrow.DefaultWriterProps()); err != nil {
			t.Fatal(err)
		}
		sl.Release()
		name := "00000000000000000010.checkpoint." + []string{"0000000001", "0000000002"}[part] + ".0000000002.parquet"
		os.WriteFile(filepath.Join(log, name), buf.Bytes(), 0o644)
	}
	os.Remove(cp)
	check("multi-part checkpoint")

	// 5. An incomplete multi-part checkpoint is not used; with no commits
	// to replay instead, the snapshot fails and says why.
	os.Remove(filepath.Join(log, "00000000000000000010.checkpoint.0000000002.0000000002.parquet"))
	if _, err := livePaths(t, dir); err == nil || !strings.Contains(err.Error(), "version") {
		t.Fatalf("incomplete checkpoint: err = %v", err)
	}
}

func TestParseCheckpointName(t *testing.T) {
	cases := map[string]checkpointName{
		"00000000000000000010.checkpoint.parquet":                                   {version: 10, kind: checkpointClassic},
		"00000000000000000010.checkpoint.0000000002.0000000003.parquet":             {version: 10, kind: checkpointMulti, part: 2, parts: 3},
		"00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json": {version: 2, kind: checkpointV2, id: "6374b053-df23-479b-b2cf-c9c550132b49"},
	}
	for name, want := range cases {
		if got, ok := parseCheckpointName(name); !ok || got != want {
			t.Errorf("%s: %+v %v, want %+v", name, got, ok, want)
		}
	}
	for _, name := range []string{"00000000000000000010.json", "00000000000000000010.checkpoint.json", "10.checkpoint.parquet", "00000000000000000010.checkpoint.0000000004.0000000003.parquet"} {
		if _, ok := parseCheckpointName(name); ok {
			t.Errorf("%s parsed as a checkpoint", name)
		}
	}
}

// sliceTable is rows [lo, hi) of a table.
func sliceTable(tbl arrow.Table, lo, hi int64) arrow.Table {
	cols := make([]arrow.Column, tbl.NumCols())
	for i := range cols {
		ch := array.NewChunkedSlice(tbl.Column(i).Data(), lo, hi)
		cols[i] = *arrow.NewColumn(tbl.Schema().Field(i), ch)
		ch.Release()
	}
	return array.NewTable(tbl.Schema(), cols, hi-lo)
}
