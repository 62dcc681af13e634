package sqltests

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/slt"
)

var corpusGlob = flag.String("slt.corpus", "", "run shared sqllogictest files matching this glob under ../shared/conformance/sqllogictest (e.g. 'select1.test' or '**')")

// TestCorpus runs the shared sqllogictest corpus when -slt.corpus is given
// and prints "N passed, N failed" per file.
func TestCorpus(t *testing.T) {
	if *corpusGlob == "" {
		t.Skip("pass -slt.corpus=GLOB to run the shared corpus")
	}
	root := filepath.Join("..", "..", "shared", "conformance", "sqllogictest")
	var files []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".test") {
			rel, _ := filepath.Rel(root, p)
			if ok, _ := filepath.Match(*corpusGlob, rel); ok || *corpusGlob == "**" {
				files = append(files, p)
			}
		}
		return nil
	})
	sort.Strings(files)
	for _, path := range files {
		f, err := slt.ParseFile(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		eng, err := engine.Open(engine.Config{Warehouse: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := eng.NewSession("lode", "main")
		passed, failed := 0, 0
		shown := 0
		reasons := map[string]int{}
		for _, o := range slt.RunFile(f, &SessionExecutor{S: s}) {
			if o.Err == "" {
				passed++
				continue
			}
			failed++
			reasons[reason(o.Err)]++
			if shown < 3 {
				shown++
				t.Logf("%s:%d: %s\n%s", path, o.Record.Line, firstLine(o.Err), o.Record.SQL)
			}
		}
		rel, _ := filepath.Rel(root, path)
		t.Logf("%s: %d passed, %d failed", rel, passed, failed)
		for r, n := range reasons {
			t.Logf("    %6d × %s", n, r)
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// reason is a failure's category: its message with numbers and quoted
// names stripped, cut short.
func reason(err string) string {
	s := firstLine(err)
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}
