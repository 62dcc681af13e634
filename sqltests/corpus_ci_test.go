package sqltests

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/lodedb/lode/engine"
	"github.com/lodedb/lode/sqltests/slt"
)

// knownFailuresFile lists the shared-corpus records Lode fails today, one
// "file:line  reason" per line. CI fails when a record outside the list
// fails (a regression) and when a listed record passes (the list must be
// shortened), so the count can only go down.
const knownFailuresFile = "corpus_known_failures.txt"

func corpusRoot() string {
	return filepath.Join("..", "..", "shared", "conformance", "sqllogictest")
}

func loadKnownFailures(t *testing.T) map[string]string {
	fh, err := os.Open(knownFailuresFile)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, _ := strings.Cut(line, " ")
		known[key] = strings.TrimSpace(reason)
	}
	return known
}

// TestSQLLogicCorpus runs every file of the shared sqllogictest corpus
// through the engine as the "postgresql" engine and checks the failures
// against the known-failures list. Skipped with -short.
func TestSQLLogicCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the full sqllogictest corpus runs without -short")
	}
	root := corpusRoot()
	if _, err := os.Stat(root); err != nil {
		t.Skipf("shared corpus not found at %s", root)
	}
	known := loadKnownFailures(t)
	var files []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".test") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	var mu sync.Mutex
	totalPass, totalFail := 0, 0
	seen := map[string]bool{}
	// Files run two at a time (each in its own warehouse): most of a
	// corpus file's time is waiting on commits, not CPU.
	t.Run("files", func(t *testing.T) {
		for _, path := range files {
			path := path
			rel, _ := filepath.Rel(root, path)
			t.Run(rel, func(t *testing.T) {
				t.Parallel()
				f, err := slt.ParseFile(path)
				if err != nil {
					t.Fatalf("%s: %v", rel, err)
				}
				eng, err := engine.Open(engine.Config{Warehouse: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				passed, failed := 0, 0
				for _, o := range slt.RunFile(f, executorFor(t, eng)) {
					key := rel + ":" + itoaInt(o.Record.Line)
					mu.Lock()
					_, isKnown := known[key]
					if o.Err != "" {
						seen[key] = true
					}
					mu.Unlock()
					if o.Err == "" {
						passed++
						if isKnown {
							t.Errorf("%s now passes: remove it from %s", key, knownFailuresFile)
						}
						continue
					}
					failed++
					if !isKnown {
						t.Errorf("%s: new failure: %s\n%s", key, firstLine(o.Err), o.Record.SQL)
					}
				}
				eng.Close()
				mu.Lock()
				totalPass += passed
				totalFail += failed
				mu.Unlock()
				t.Logf("%s: %d passed, %d failed", rel, passed, failed)
			})
		}
	})
	for key := range known {
		if !seen[key] && strings.Contains(key, ":") {
			// Listed but neither failing nor reported passing: the record
			// no longer exists or no longer applies.
			if _, err := os.Stat(filepath.Join(root, strings.SplitN(key, ":", 2)[0])); err == nil {
				continue
			}
			t.Errorf("%s is listed but its file is gone", key)
		}
	}
	pct := 100 * float64(totalPass) / float64(max(totalPass+totalFail, 1))
	t.Logf("sqllogictest corpus: %d passed, %d failed (%.3f%% pass)", totalPass, totalFail, pct)
	if pct < 99 {
		t.Errorf("pass rate %.3f%% is below 99%%", pct)
	}
}

func itoaInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
