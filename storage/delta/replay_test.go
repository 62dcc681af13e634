package delta

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lodedb/lode/catalog/types"
)

// TestReplayForeignLog replays a log as Spark writes it: char/varchar
// metadata, URL-encoded paths, removes, and actions Lode ignores.
func TestReplayForeignLog(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "_delta_log")
	os.MkdirAll(log, 0o755)
	v0 := `{"commitInfo":{"timestamp":1,"operation":"CREATE TABLE"}}
{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[{\"name\":\"c\",\"type\":\"string\",\"nullable\":true,\"metadata\":{\"__CHAR_VARCHAR_TYPE_STRING\":\"varchar(10)\"}},{\"name\":\"p\",\"type\":\"decimal(10,2)\",\"nullable\":false,\"metadata\":{}}]}","partitionColumns":[],"configuration":{},"createdTime":1}}
`
	v1 := `{"txn":{"appId":"a","version":3}}
{"add":{"path":"a%20b.parquet","partitionValues":{},"size":10,"modificationTime":5,"dataChange":true,"stats":"{\"numRecords\":4,\"minValues\":{\"c\":\"aa\",\"p\":-1.5},\"maxValues\":{\"c\":\"zz\",\"p\":12.25},\"nullCount\":{\"c\":1,\"p\":0}}"}}
{"add":{"path":"gone.parquet","partitionValues":{},"size":10,"modificationTime":5,"dataChange":true}}
{"domainMetadata":{"domain":"d","configuration":"{}","removed":false}}
`
	v2 := `{"remove":{"path":"gone.parquet","deletionTimestamp":9,"dataChange":true}}
`
	for i, s := range []string{v0, v1, v2} {
		if err := os.WriteFile(filepath.Join(dir, commitName(int64(i))), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Names that are not commits are ignored.
	os.WriteFile(filepath.Join(log, "00000000000000000002.crc"), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(log, ".tmp-1"), []byte("{"), 0o644)

	tbl, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := tbl.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version() != 2 || len(snap.Files()) != 1 {
		t.Fatalf("version %d, files %+v", snap.Version(), snap.Files())
	}
	f := snap.Files()[0]
	if f.Path != "a b.parquet" || f.NumRecords != 4 {
		t.Errorf("file = %+v", f)
	}
	if c := f.Columns["c"]; c.Min != "aa" || c.Max != "zz" || c.NullCount != 1 {
		t.Errorf("c stats = %+v", c)
	}
	if p := f.Columns["p"]; p.Min == nil || p.Max == nil {
		t.Errorf("p stats = %+v", p)
	}
	ct, _ := types.FromField(snap.Schema().Field(0))
	pt, _ := types.FromField(snap.Schema().Field(1))
	if ct != types.VarcharT(10) || pt != types.NumericT(10, 2) || snap.Schema().Field(1).Nullable {
		t.Errorf("schema = %v", snap.Schema())
	}
}
