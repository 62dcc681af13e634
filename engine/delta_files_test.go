package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lodedb/lode/catalog/types"
)

// liveFiles replays a table's _delta_log by hand (independently of
// storage/delta): the paths added and not removed.
func liveFiles(t *testing.T, table string) []string {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join(table, "_delta_log", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(logs)
	live := map[string]bool{}
	for _, l := range logs {
		fh, err := os.Open(l)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var action map[string]map[string]any
			if err := json.Unmarshal(sc.Bytes(), &action); err != nil {
				t.Fatalf("%s: bad JSON action: %v", l, err)
			}
			if a, ok := action["add"]; ok {
				live[a["path"].(string)] = true
			}
			if r, ok := action["remove"]; ok {
				delete(live, r["path"].(string))
			}
		}
		fh.Close()
	}
	var out []string
	for p := range live {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// rowsAsText renders records as sorted lines of PostgreSQL text values.
func rowsAsText(recs []arrow.Record, ts []types.T) []string {
	var out []string
	for _, rec := range recs {
		for i := 0; i < int(rec.NumRows()); i++ {
			var vals []string
			for c := 0; c < int(rec.NumCols()); c++ {
				col := rec.Column(c)
				if col.IsNull(i) {
					vals = append(vals, "NULL")
					continue
				}
				vals = append(vals, string(types.AppendText(nil, col, i, ts[c], time.UTC)))
			}
			out = append(out, strings.Join(vals, "|"))
		}
	}
	sort.Strings(out)
	return out
}

// TestDeltaFilesReadBackWithPqarrow checks that the data files the Delta
// log names as live, read with arrow-go's own Parquet reader, hold exactly
// the rows SELECT returns — for every column type and with NULLs.
func TestDeltaFilesReadBackWithPqarrow(t *testing.T) {
	wh := t.TempDir()
	eng, err := Open(Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	s, err := eng.NewSession("lode", "main")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE all_types (b boolean, i2 smallint, i4 integer NOT NULL, i8 bigint, f4 real, f8 double precision,
			n numeric(12,3), tx text, vc varchar(8), d date, ts timestamp, tz timestamptz)`,
		`INSERT INTO all_types VALUES
			(true, 1, 1, 10000000000, 1.5, 2.25, 123.456, 'hello', 'abc', '2024-02-29', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56+02'),
			(NULL, NULL, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
			(false, -32768, -3, -1, -0.5, 1e300, -0.001, '', 'x', '1999-12-31', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00')`,
		`INSERT INTO all_types SELECT x % 2 = 0, x % 100, x, x * 1000, x / 3.0, x / 7.0, x * 1.5, 'row ' || x, 'v' || x, '2020-01-01', NULL, NULL
			FROM generate_series(1, 5000) g(x)`,
	} {
		if _, err := s.Query(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	res, err := s.Query(ctx, "SELECT * FROM all_types")
	if err != nil {
		t.Fatal(err)
	}
	var ts []types.T
	for _, c := range res[0].Columns {
		ts = append(ts, c.Type)
	}
	want := rowsAsText(res[0].Records, ts)
	if len(want) != 5003 {
		t.Fatalf("SELECT returned %d rows, want 5003", len(want))
	}
	table := filepath.Join(wh, "main", "public", "all_types")
	var got []string
	for _, p := range liveFiles(t, table) {
		fr, err := file.OpenParquetFile(filepath.Join(table, p), false)
		if err != nil {
			t.Fatalf("pqarrow cannot open %s: %v", p, err)
		}
		ar, err := pqarrow.NewFileReader(fr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := ar.ReadTable(context.Background())
		if err != nil {
			t.Fatalf("pqarrow cannot read %s: %v", p, err)
		}
		tr := array.NewTableReader(tbl, 1024)
		var recs []arrow.Record
		for tr.Next() {
			rec := tr.Record()
			rec.Retain()
			recs = append(recs, rec)
		}
		got = append(got, rowsAsText(recs, ts)...)
		fr.Close()
	}
	sort.Strings(got)
	if len(got) != len(want) {
		t.Fatalf("pqarrow read %d rows from the live files, SELECT returned %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("row %d differs:\npqarrow: %s\nSELECT:  %s", i, got[i], want[i])
		}
	}
}
