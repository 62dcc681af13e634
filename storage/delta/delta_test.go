package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/objstore"
	"github.com/lodedb/lode/storage/parquet"
)

func testSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		types.Field("id", types.TInt64, false),
		types.Field("flag", types.TBool, true),
		types.Field("small", types.TInt16, true),
		types.Field("n", types.TInt32, true),
		types.Field("r", types.TFloat32, true),
		types.Field("d", types.TFloat64, true),
		types.Field("price", types.NumericT(12, 2), true),
		types.Field("big", types.NumericT(0, types.NumericDefaultScale), true), // unconstrained numeric
		types.Field("name", types.VarcharT(10), true),
		types.Field("note", types.TText, true),
		types.Field("day", types.TDate, true),
		types.Field("at", types.TTimestampTZ, true),
		types.Field("local", types.TTimestamp, true),
	}, nil)
}

// makeRows builds rows [base, base+n) of testSchema; every 5th row has
// NULLs in the nullable columns.
func makeRows(schema *arrow.Schema, base, n int) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for r := base; r < base+n; r++ {
		for c := range schema.Fields() {
			fb := b.Field(c)
			if c > 0 && r%5 == 4 {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.Int64Builder:
				fb.Append(int64(r))
			case *array.BooleanBuilder:
				fb.Append(r%2 == 0)
			case *array.Int16Builder:
				fb.Append(int16(r % 300))
			case *array.Int32Builder:
				fb.Append(int32(-r))
			case *array.Float32Builder:
				fb.Append(float32(r) / 2)
			case *array.Float64Builder:
				fb.Append(float64(r) / 8)
			case *array.Decimal128Builder:
				fb.Append(decimal128.FromI64(int64(r*101 - 5000)))
			case *array.StringBuilder:
				if schema.Field(c).Name == "note" {
					fb.Append(strings.Repeat("x", r%50) + fmt.Sprint(r))
				} else {
					fb.Append(fmt.Sprintf("n%d", r))
				}
			case *array.Date32Builder:
				fb.Append(arrow.Date32(r - 100))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(int64(r)*3_600_000_000 + 123_456))
			}
		}
	}
	return b.NewRecord()
}

// readTable reads every live file of a snapshot and returns its rows as
// strings sorted by id.
func readTable(t *testing.T, snap *Snapshot, dir string) []string {
	t.Helper()
	var rows []string
	for _, f := range snap.Files() {
		pf, err := parquet.OpenFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		for i := range pf.NumRowGroups() {
			rec, err := pf.ReadRowGroup(i, nil, snap.Schema(), memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, recordRows(rec)...)
			rec.Release()
		}
		pf.Close()
	}
	sort.Slice(rows, func(i, j int) bool { return rowID(rows[i]) < rowID(rows[j]) })
	return rows
}

func recordRows(rec arrow.Record) []string {
	out := make([]string, rec.NumRows())
	for r := range out {
		var parts []string
		for c := range int(rec.NumCols()) {
			parts = append(parts, rec.Column(c).ValueStr(r))
		}
		out[r] = strings.Join(parts, "|")
	}
	return out
}

func rowID(s string) int {
	var id int
	fmt.Sscan(s[:strings.IndexByte(s, '|')], &id)
	return id
}

func TestCreateAppendReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	schema := testSchema()
	tbl, err := Create(ctx, dir, schema, CreateOptions{Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := snap.Protocol(); p.MinReaderVersion != 3 || p.MinWriterVersion != 7 || fmt.Sprint(p.ReaderFeatures, p.WriterFeatures) != "[timestampNtz] [timestampNtz]" {
		t.Errorf("protocol = %+v", p)
	}
	app := tbl.NewAppend(snap)
	app.TargetFileRows = 7
	const workers, perWorker = 4, 30
	var want []string
	var wg sync.WaitGroup
	errs := make(chan error, workers*3)
	for w := range workers {
		recs := []arrow.Record{makeRows(schema, w*perWorker, 10), makeRows(schema, w*perWorker+10, 20)}
		for _, r := range recs {
			want = append(want, recordRows(r)...)
		}
		fw := app.NewFileWriter()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range recs {
				if err := fw.Write(r); err != nil {
					errs <- err
				}
				r.Release()
			}
			errs <- fw.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := app.Commit(ctx, "WRITE", nil)
	if err != nil || v != 1 {
		t.Fatalf("commit = %d, %v", v, err)
	}

	tbl2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap2, err := tbl2.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap2.Version() != 1 || len(snap2.Files()) != workers*5 { // 30 rows in files of 7: 5 each
		t.Fatalf("version %d, %d files", snap2.Version(), len(snap2.Files()))
	}
	for i, f := range snap2.Schema().Fields() {
		got, _ := types.FromField(f)
		wantT, _ := types.FromField(schema.Field(i))
		if got != wantT || f.Nullable != schema.Field(i).Nullable || f.Name != schema.Field(i).Name {
			t.Errorf("column %d: %s %v nullable=%v, want %s %v", i, f.Name, got, f.Nullable, schema.Field(i).Name, wantT)
		}
	}
	sort.Slice(want, func(i, j int) bool { return rowID(want[i]) < rowID(want[j]) })
	got := readTable(t, snap2, dir)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows differ:\n%s\nwant\n%s", strings.Join(got[:3], "\n"), strings.Join(want[:3], "\n"))
	}
	var total int64
	for _, f := range snap2.Files() {
		total += f.NumRecords
		if cs := f.Columns["id"]; cs.Min == nil || cs.Max.(int64) < cs.Min.(int64) || cs.NullCount != 0 {
			t.Errorf("stats of %s: %+v", f.Path, cs)
		}
	}
	if total != workers*perWorker {
		t.Errorf("numRecords sum = %d", total)
	}

	old, err := tbl2.SnapshotAt(ctx, 0)
	if err != nil || old.Version() != 0 || len(old.Files()) != 0 {
		t.Errorf("SnapshotAt(0) = %v files, %v", old, err)
	}
	if _, err := tbl2.SnapshotAt(ctx, 5); err == nil {
		t.Errorf("SnapshotAt(5) succeeded")
	}
}

func TestCreateExistsAndOpenMissing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	schema := arrow.NewSchema([]arrow.Field{types.Field("a", types.TInt32, true)}, nil)
	if _, err := Open(dir); !errors.Is(err, ErrNotATable) {
		t.Errorf("Open empty dir: %v", err)
	}
	tbl, err := Create(ctx, dir, schema, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	if p := snap.Protocol(); p.MinReaderVersion != 1 || p.MinWriterVersion != 2 || p.ReaderFeatures != nil {
		t.Errorf("protocol = %+v", p)
	}
	if _, err := Create(ctx, dir, schema, CreateOptions{}); !errors.Is(err, ErrTableExists) {
		t.Errorf("second Create: %v", err)
	}
	// An empty append commits nothing.
	v, err := tbl.NewAppend(snap).Commit(ctx, "WRITE", nil)
	if err != nil || v != 0 {
		t.Errorf("empty append = %d, %v", v, err)
	}
}

func TestConcurrentAppendsFromTwoHandles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	schema := testSchema()
	if _, err := Create(ctx, dir, schema, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const writers = 6
	versions := make([]int64, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tbl, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			snap, err := tbl.SnapshotAt(ctx, 0) // every writer read version 0
			if err != nil {
				t.Error(err)
				return
			}
			app := tbl.NewAppend(snap)
			fw := app.NewFileWriter()
			rec := makeRows(schema, i*10, 10)
			defer rec.Release()
			if err := fw.Write(rec); err != nil {
				t.Error(err)
			}
			if err := fw.Close(); err != nil {
				t.Error(err)
			}
			versions[i], err = app.Commit(ctx, "WRITE", nil)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	if fmt.Sprint(versions) != "[1 2 3 4 5 6]" {
		t.Errorf("versions = %v", versions)
	}
	tbl, _ := Open(dir)
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Files()) != writers || len(readTable(t, snap, dir)) != writers*10 {
		t.Errorf("%d files", len(snap.Files()))
	}
}

func TestMetadataChangeConflicts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	schema := testSchema()
	tbl, err := Create(ctx, dir, schema, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	// Another writer changes the metadata at version 1.
	md := snap.Metadata()
	md.Configuration = map[string]string{"delta.appendOnly": "true"}
	data, _ := encodeActions([]Action{{CommitInfo: map[string]any{"operation": "SET TBLPROPERTIES"}}, {MetaData: &md}})
	if err := tbl.store.PutIfAbsent(ctx, commitName(1), data); err != nil {
		t.Fatal(err)
	}
	app := tbl.NewAppend(snap)
	fw := app.NewFileWriter()
	rec := makeRows(schema, 0, 3)
	defer rec.Release()
	fw.Write(rec)
	fw.Close()
	_, err = app.Commit(ctx, "WRITE", nil)
	if sqlerr.Code(err) != sqlerr.SerializationFailure {
		t.Fatalf("commit over a metadata change: %v", err)
	}
	if err := app.Abort(); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.parquet")); len(files) != 0 {
		t.Errorf("abort left %v", files)
	}
}

// TestInterruptedCommit simulates a crash after data files were written
// (and a half-published commit left as a temp file): no version appears.
func TestInterruptedCommit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	schema := testSchema()
	tbl, err := Create(ctx, dir, schema, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	app := tbl.NewAppend(snap)
	fw := app.NewFileWriter()
	rec := makeRows(schema, 0, 3)
	defer rec.Release()
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	// "Crash": the commit's temp file exists, the link never happened.
	tmp := filepath.Join(dir, "_delta_log", objstore.TempPrefix+"12345")
	if err := os.WriteFile(tmp, []byte(`{"add":{"path":"x"`), 0o644); err != nil {
		t.Fatal(err)
	}
	snap2, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap2.Version() != 0 || len(snap2.Files()) != 0 {
		t.Errorf("after crash: version %d, %d files", snap2.Version(), len(snap2.Files()))
	}
	// The next writer is not disturbed by the leftovers.
	app2 := tbl.NewAppend(snap2)
	fw2 := app2.NewFileWriter()
	fw2.Write(rec)
	fw2.Close()
	if v, err := app2.Commit(ctx, "WRITE", nil); err != nil || v != 1 {
		t.Errorf("commit after crash = %d, %v", v, err)
	}
}

var (
	dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	tsRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	ntzRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$`)
)

// TestActionsMatchProtocol checks every line of the log against the
// protocol's required fields and formats.
func TestActionsMatchProtocol(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	schema := testSchema()
	tbl, err := Create(ctx, dir, schema, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	app := tbl.NewAppend(snap)
	fw := app.NewFileWriter()
	rec := makeRows(schema, 0, 60)
	defer rec.Release()
	fw.Write(rec)
	fw.Close()
	if _, err := app.Commit(ctx, "WRITE", nil); err != nil {
		t.Fatal(err)
	}
	need := func(m map[string]any, kind string, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s action lacks %q: %v", kind, k, m)
			}
		}
	}
	seen := map[string]int{}
	for v := range int64(2) {
		raw, err := os.ReadFile(filepath.Join(dir, commitName(v)))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var a map[string]map[string]any
			if err := json.Unmarshal([]byte(line), &a); err != nil || len(a) != 1 {
				t.Fatalf("line %q: %v", line, err)
			}
			for kind, body := range a {
				seen[kind]++
				switch kind {
				case "commitInfo":
					need(body, kind, "timestamp", "operation", "operationParameters", "engineInfo")
				case "protocol":
					need(body, kind, "minReaderVersion", "minWriterVersion")
				case "metaData":
					need(body, kind, "id", "format", "schemaString", "partitionColumns", "configuration", "createdTime")
					if body["format"].(map[string]any)["provider"] != "parquet" {
						t.Errorf("format = %v", body["format"])
					}
				case "add":
					need(body, kind, "path", "partitionValues", "size", "modificationTime", "dataChange", "stats")
					checkStats(t, body["stats"].(string))
				default:
					t.Errorf("unexpected action %s", kind)
				}
			}
		}
	}
	if seen["commitInfo"] != 2 || seen["protocol"] != 1 || seen["metaData"] != 1 || seen["add"] != 1 {
		t.Errorf("actions = %v", seen)
	}
}

func checkStats(t *testing.T, s string) {
	t.Helper()
	var st struct {
		NumRecords *int64                     `json:"numRecords"`
		MinValues  map[string]json.RawMessage `json:"minValues"`
		MaxValues  map[string]json.RawMessage `json:"maxValues"`
		NullCount  map[string]int64           `json:"nullCount"`
	}
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		t.Fatalf("stats %q: %v", s, err)
	}
	if st.NumRecords == nil || *st.NumRecords != 60 || st.NullCount["note"] != 12 || st.NullCount["id"] != 0 {
		t.Errorf("stats = %s", s)
	}
	str := func(m map[string]json.RawMessage, k string) string {
		var v string
		if err := json.Unmarshal(m[k], &v); err != nil {
			t.Errorf("%s is not a string: %s", k, m[k])
		}
		return v
	}
	for _, m := range []map[string]json.RawMessage{st.MinValues, st.MaxValues} {
		if d := str(m, "day"); !dateRE.MatchString(d) {
			t.Errorf("date stat %q", d)
		}
		if ts := str(m, "at"); !tsRE.MatchString(ts) {
			t.Errorf("timestamp stat %q", ts)
		}
		if ts := str(m, "local"); !ntzRE.MatchString(ts) {
			t.Errorf("timestamp_ntz stat %q", ts)
		}
		if _, ok := m["flag"]; ok {
			t.Errorf("boolean min/max written")
		}
	}
	if string(st.MinValues["price"]) != "-50.00" || string(st.MaxValues["price"]) != "8.58" {
		t.Errorf("decimal stats %s %s", st.MinValues["price"], st.MaxValues["price"])
	}
	if string(st.MinValues["id"]) != "0" || string(st.MaxValues["id"]) != "59" {
		t.Errorf("id stats %s %s", st.MinValues["id"], st.MaxValues["id"])
	}
	if mx := str(st.MaxValues, "note"); len([]rune(mx)) != statsPrefixLen+1 || !strings.HasSuffix(mx, string(maxRune)) {
		t.Errorf("truncated max %q", mx)
	}
	if mn := str(st.MinValues, "note"); mn != "0" {
		t.Errorf("min note %q", mn)
	}
}

func TestTimestampStatTruncation(t *testing.T) {
	tz := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	for v, want := range map[int64]string{
		1_500:  "1970-01-01T00:00:00.001Z",
		-1_500: "1969-12-31T23:59:59.998Z",
		0:      "1970-01-01T00:00:00.000Z",
	} {
		got, _ := statValue(tz, arrow.Timestamp(v), false)
		if got != want {
			t.Errorf("%d → %v, want %s", v, got, want)
		}
		if back := parseStatTimestamp(want).(arrow.Timestamp); int64(back) > v || v-int64(back) >= 1000 {
			t.Errorf("%s parsed to %d", want, back)
		}
	}
}
