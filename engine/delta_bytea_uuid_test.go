package engine

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lodedb/lode/catalog/types"
)

// TestDeltaByteaUUIDReadBack writes bytea and uuid columns and reads the
// live Parquet files back with arrow-go's pqarrow: bytea must be a plain
// binary column (no UTF8 annotation, so Spark and DuckDB see binary)
// holding the exact bytes, uuid a string column holding the canonical
// text. The Delta schema names them "binary" and "string" (+ Lode's type
// in the field metadata), and a reopened engine sees bytea and uuid again.
func TestDeltaByteaUUIDReadBack(t *testing.T) {
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
		`CREATE TABLE blobs (id integer, b bytea, u uuid)`,
		`INSERT INTO blobs VALUES (1, '\x00ff5c80', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'), (2, NULL, NULL), (3, '', '00000000-0000-0000-0000-000000000000')`,
		`INSERT INTO blobs SELECT x, decode(md5(x::text), 'hex'), md5(x::text)::uuid FROM generate_series(10, 2000) g(x)`,
	} {
		if _, err := s.Query(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// What SELECT returns, as id|hex(bytes)|uuid text.
	res, err := s.Query(ctx, "SELECT id, encode(b, 'hex'), u::text FROM blobs")
	if err != nil {
		t.Fatal(err)
	}
	want := rowsAsText(res[0].Records, []types.T{types.TInt32, types.TText, types.TText})
	if len(want) != 1994 {
		t.Fatalf("SELECT returned %d rows", len(want))
	}

	table := filepath.Join(wh, "main", "public", "blobs")
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
		tbl, err := ar.ReadTable(ctx)
		if err != nil {
			t.Fatalf("pqarrow cannot read %s: %v", p, err)
		}
		sc := tbl.Schema()
		if dt := sc.Field(1).Type; dt.ID() != arrow.BINARY {
			t.Fatalf("bytea column is %s in Parquet, want binary", dt)
		}
		if dt := sc.Field(2).Type; dt.ID() != arrow.STRING {
			t.Fatalf("uuid column is %s in Parquet, want string", dt)
		}
		tr := array.NewTableReader(tbl, 1024)
		for tr.Next() {
			rec := tr.Record()
			ids := rec.Column(0).(*array.Int32)
			bs := rec.Column(1).(*array.Binary)
			us := rec.Column(2).(*array.String)
			for i := 0; i < int(rec.NumRows()); i++ {
				line := []string{strconv.Itoa(int(ids.Value(i))), "NULL", "NULL"}
				if bs.IsValid(i) {
					line[1] = hex.EncodeToString(bs.Value(i))
				}
				if us.IsValid(i) {
					line[2] = us.Value(i)
				}
				got = append(got, strings.Join(line, "|"))
			}
		}
		tr.Release()
		fr.Close()
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("pqarrow rows differ from SELECT (%d vs %d rows); first pqarrow row %q, first SELECT row %q",
			len(got), len(want), got[0], want[0])
	}

	// The Delta schema: binary for bytea, string + lode.sql_type for uuid.
	log, err := os.ReadFile(filepath.Join(table, "_delta_log", "00000000000000000000.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`\"name\":\"b\",\"type\":\"binary\"`, `\"name\":\"u\",\"type\":\"string\"`, `\"lode.sql_type\":\"uuid\"`} {
		if !strings.Contains(string(log), frag) {
			t.Errorf("Delta schema lacks %s:\n%s", frag, log)
		}
	}

	// A fresh engine on the same warehouse reads the columns as bytea and uuid.
	eng2, err := Open(Config{Warehouse: wh})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := eng2.NewSession("lode", "main")
	if err != nil {
		t.Fatal(err)
	}
	res, err = s2.Query(ctx, "SELECT b, u FROM blobs WHERE id = 1")
	if err != nil {
		t.Fatal(err)
	}
	if c := res[0].Columns; c[0].Type != types.TBytea || c[1].Type != types.TUUID {
		t.Fatalf("reopened column types %s, %s", c[0].Type, c[1].Type)
	}
	rec := res[0].Records[0]
	if b := string(types.AppendText(nil, rec.Column(0), 0, types.TBytea, nil)); b != `\x00ff5c80` {
		t.Fatalf("bytea read back as %s", b)
	}
	if u := rec.Column(1).(*array.String).Value(0); u != "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" {
		t.Fatalf("uuid read back as %s", u)
	}
}
