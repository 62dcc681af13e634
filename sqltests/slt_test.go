package sqltests

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/slt"
)

// TestProjectFiles runs every .slt file under testdata/, each in a fresh
// warehouse, with small batches so batch boundaries are exercised.
func TestProjectFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.slt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .slt files found under testdata/")
	}
	for _, path := range files {
		path := path
		for _, bs := range []int{0, 3} {
			name := strings.TrimSuffix(strings.TrimPrefix(path, "testdata/"), ".slt")
			if bs != 0 {
				name += "/batch3"
			}
			t.Run(name, func(t *testing.T) {
				runSLT(t, path, bs)
			})
		}
	}
}

func runSLT(t *testing.T, path string, batchSize int) {
	f, err := slt.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(engine.Config{Warehouse: t.TempDir(), BatchSize: batchSize})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	passed, failed := 0, 0
	for _, o := range slt.RunFile(f, executorFor(t, eng)) {
		if o.Err != "" {
			failed++
			t.Errorf("%s:%d: %s\n%s", path, o.Record.Line, o.Err, o.Record.SQL)
		} else {
			passed++
		}
	}
	t.Logf("%s: %d passed, %d failed", path, passed, failed)
}
