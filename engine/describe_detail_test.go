package engine

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// TestDescribeDetail: one row with the table's identity, location, file
// count and size, properties and protocol, which follow the table as it
// changes.
func TestDescribeDetail(t *testing.T) {
	wh := t.TempDir()
	q := newSQLTester(t, wh)
	before := time.Now().Add(-time.Second)
	q.run(`CREATE TABLE det (id integer, at timestamp, CHECK (id > 0)) TBLPROPERTIES ('owner.team' = 'data')`)
	q.run(`INSERT INTO det VALUES (1, NULL)`)
	q.run(`INSERT INTO det VALUES (2, NULL), (3, NULL)`)
	detail := func() map[string]string {
		res := q.run("DESCRIBE DETAIL det")[0]
		if len(res.Records) != 1 || res.Records[0].NumRows() != 1 {
			t.Fatalf("DESCRIBE DETAIL returned %d records", len(res.Records))
		}
		out := map[string]string{}
		rec := res.Records[0]
		for c, col := range res.Columns {
			if rec.Column(c).IsNull(0) {
				out[col.Name] = "NULL"
				continue
			}
			out[col.Name] = string(types.AppendText(nil, rec.Column(c), 0, col.Type, time.UTC))
		}
		return out
	}
	d := detail()
	abs, _ := filepath.Abs(filepath.Join(wh, "main", "public", "det"))
	want := map[string]string{
		"format": "delta", "name": "main.public.det", "description": "NULL", "location": abs,
		"partitionColumns": "{}", "numFiles": "2",
		"properties":       `{"delta.constraints.det_check":"id > 0","owner.team":"data"}`,
		"minReaderVersion": "3", "minWriterVersion": "7", "tableFeatures": "{checkConstraints,timestampNtz}",
	}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %q, want %q", k, d[k], v)
		}
	}
	if len(d["id"]) != 36 {
		t.Errorf("id = %q, want a UUID", d["id"])
	}
	tab, err := delta.Open(abs)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := tab.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	for _, f := range snap.Files() {
		size += f.Size
	}
	if d["sizeInBytes"] == "0" || d["sizeInBytes"] != strconv.FormatInt(size, 10) {
		t.Errorf("sizeInBytes = %s, files total %d", d["sizeInBytes"], size)
	}
	created, err1 := time.Parse("2006-01-02 15:04:05.999999-07", d["createdAt"])
	modified, err2 := time.Parse("2006-01-02 15:04:05.999999-07", d["lastModified"])
	if err1 != nil || err2 != nil || created.Before(before) || modified.Before(created) || modified.After(time.Now().Add(time.Second)) {
		t.Errorf("createdAt %s, lastModified %s (%v %v)", d["createdAt"], d["lastModified"], err1, err2)
	}
	q.run(`DELETE FROM det WHERE id = 1`)
	if d2 := detail(); d2["numFiles"] != "1" || d2["lastModified"] < d["lastModified"] {
		t.Errorf("after DELETE: numFiles %s, lastModified %s", d2["numFiles"], d2["lastModified"])
	}
	if _, err := q.s.Query(t.Context(), "DESCRIBE DETAIL nope"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("DESCRIBE DETAIL of a missing table: %v", err)
	}
}
