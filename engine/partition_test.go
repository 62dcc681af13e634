package engine

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// TestPartitionedWrites: PARTITIONED BY lays rows out in Hive-style
// col=value/ directories (NULL and special characters escaped as Spark
// does), data files without the partition columns, partitionValues in the
// log; reads prune by partition, and DML keeps the layout.
func TestPartitionedWrites(t *testing.T) {
	q := newSQLTester(t, t.TempDir())
	q.run("CREATE TABLE p (id integer, region text, day date, amt numeric(10,2)) PARTITIONED BY (region, day)")
	q.run(`INSERT INTO p VALUES (1, 'eu', '2024-01-01', 1.5), (2, 'us', '2024-01-01', 2.5),
		(3, 'eu', '2024-01-02', 3.5), (4, NULL, '2024-01-02', 4), (5, 'a/b=c', '2024-01-03', 5)`)
	dir := q.eng.cat.TableDir(catalogName("main", "public", "p"))
	live := liveFiles(t, dir)
	if len(live) != 5 {
		t.Fatalf("5 partitions should make 5 files, got %v", live)
	}
	want := map[string]bool{
		"region=eu/day=2024-01-01/": true, "region=us/day=2024-01-01/": true, "region=eu/day=2024-01-02/": true,
		"region=__HIVE_DEFAULT_PARTITION__/day=2024-01-02/": true, "region=a%2Fb%3Dc/day=2024-01-03/": true,
	}
	for _, p := range live {
		raw, err := url.PathUnescape(p)
		if err != nil {
			t.Fatal(err)
		}
		prefix := raw[:strings.LastIndex(raw, "/")+1]
		if !want[prefix] {
			t.Fatalf("unexpected partition directory %q (log path %q)", prefix, p)
		}
		// The data file holds only the data columns.
		fr, err := file.OpenParquetFile(filepath.Join(dir, filepath.FromSlash(raw)), false)
		if err != nil {
			t.Fatal(err)
		}
		ar, err := pqarrow.NewFileReader(fr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := ar.Schema()
		if err != nil {
			t.Fatal(err)
		}
		if sc.NumFields() != 2 || sc.Field(0).Name != "id" || sc.Field(1).Name != "amt" {
			t.Fatalf("%s holds %v, want id and amt only", raw, sc)
		}
		fr.Close()
	}
	if got := q.rows("SELECT id, region, day, amt FROM p ORDER BY id"); got !=
		"1|eu|2024-01-01|1.5;2|us|2024-01-01|2.5;3|eu|2024-01-02|3.5;4|(null)|2024-01-02|4;5|a/b=c|2024-01-03|5" {
		t.Fatalf("read back: %s", got)
	}
	plan := q.rows("EXPLAIN SELECT * FROM p WHERE region = 'eu'")
	if !strings.Contains(plan, "files=2 skipped=3") {
		t.Fatalf("partition pruning not in the plan: %s", plan)
	}
	q.run("UPDATE p SET region = 'us' WHERE id = 1")
	q.run("DELETE FROM p WHERE day = '2024-01-02'")
	if got := q.rows("SELECT region, count(*) FROM p GROUP BY region ORDER BY region"); got != "a/b=c|1;us|2" {
		t.Fatalf("after DML: %s", got)
	}
	for _, p := range liveFiles(t, dir) {
		if strings.HasPrefix(p, "region=eu/") {
			t.Fatalf("the eu partition should be empty, still has %s", p)
		}
	}
	q.run("CREATE TABLE p2 PARTITIONED BY (k) AS SELECT g % 3 AS k, g FROM generate_series(1, 10) g")
	if got := q.rows("SELECT k, count(*) FROM p2 GROUP BY k ORDER BY k"); got != "0|3;1|4;2|3" {
		t.Fatalf("CTAS: %s", got)
	}
	for _, bad := range []string{
		"CREATE TABLE bad1 (a int, b int) PARTITIONED BY (nosuch)",
		"CREATE TABLE bad2 (a int) PARTITIONED BY (a)",
	} {
		if _, err := q.s.Query(context.Background(), bad); err == nil {
			t.Fatalf("%s: no error", bad)
		}
	}
}
