package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lodedb/lode/storage/objstore"
)

// commitRows appends rows [base, base+n) of testSchema in one commit.
func commitRows(t *testing.T, tbl *Table, base, n int) int64 {
	t.Helper()
	ctx := context.Background()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	app := tbl.NewAppend(snap)
	fw := app.NewFileWriter()
	rec := makeRows(snap.Schema(), base, n)
	defer rec.Release()
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	v, err := app.Commit(ctx, "WRITE", nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// removeFirstFile commits the removal of the table's first live file.
func removeFirstFile(t *testing.T, tbl *Table) int64 {
	t.Helper()
	ctx := context.Background()
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	app := tbl.NewAppend(snap)
	app.Remove(snap.Files()[0])
	v, err := app.Commit(ctx, "DELETE", nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func logNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "_delta_log"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// replayOnlySnapshot reads the table from its commit files alone, in a
// copy of the log without checkpoints: the reference a checkpoint must
// reproduce.
func replayOnlySnapshot(t *testing.T, dir string) *Snapshot {
	t.Helper()
	cp := t.TempDir()
	os.MkdirAll(filepath.Join(cp, "_delta_log"), 0o755)
	for _, n := range logNames(t, dir) {
		if _, ok := parseCommitName(logDir + n); !ok {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, "_delta_log", n))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(cp, "_delta_log", n), b, 0o644)
	}
	snap, err := openSnapshot(context.Background(), cp)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func filesOf(s *Snapshot) string {
	var out []string
	for _, f := range s.Files() {
		out = append(out, fmt.Sprintf("%s size=%d rows=%d", f.Path, f.Size, f.NumRecords))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestCheckpointEveryInterval commits 23 versions at the default interval:
// checkpoints appear at 10 and 20 only, _last_checkpoint names 20, and
// the snapshot started from the checkpoint equals a pure replay.
func TestCheckpointEveryInterval(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 23; i++ {
		if i%7 == 0 {
			removeFirstFile(t, tbl)
			continue
		}
		commitRows(t, tbl, i*10, 5)
	}
	var cps []string
	for _, n := range logNames(t, dir) {
		if strings.Contains(n, "checkpoint.parquet") {
			cps = append(cps, n)
		}
	}
	if want := []string{"00000000000000000010.checkpoint.parquet", "00000000000000000020.checkpoint.parquet"}; !slices.Equal(cps, want) {
		t.Fatalf("checkpoints = %v, want %v", cps, want)
	}
	var lc map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "_delta_log", "_last_checkpoint"))
	if err := json.Unmarshal(b, &lc); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, "_delta_log", cps[1]))
	snap20, err := tbl.SnapshotAt(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	// 1 protocol + 1 metaData + live adds + 2 tombstones (versions 7, 14).
	if lc["version"] != 20.0 || lc["sizeInBytes"] != float64(st.Size()) || lc["numOfAddFiles"] != float64(len(snap20.Files())) ||
		lc["size"] != float64(2+len(snap20.Files())+2) || lc["parts"] != nil {
		t.Errorf("_last_checkpoint = %s (checkpoint %d bytes, %d files)", b, st.Size(), len(snap20.Files()))
	}

	seg, err := listLog(ctx, tbl.store, -1)
	if err != nil || seg.checkpoint == nil || seg.checkpoint.version != 20 || !slices.Equal(seg.commits, []int64{21, 22, 23}) {
		t.Fatalf("log segment = %+v, %v", seg, err)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := filesOf(snap), filesOf(replayOnlySnapshot(t, dir)); got != want {
		t.Errorf("checkpointed snapshot files:\n%s\nreplayed:\n%s", got, want)
	}
	if got, want := strings.Join(readTable(t, snap, dir), "\n"), strings.Join(readTable(t, replayOnlySnapshot(t, dir), dir), "\n"); got != want {
		t.Errorf("rows differ between checkpointed and replayed snapshots")
	}
}

// TestCheckpointReadByPqarrow reads a Lode checkpoint with arrow-go's
// Parquet reader, independent of Lode's, and checks the schema and
// columns PROTOCOL.md's "Checkpoint Schema" requires.
func TestCheckpointReadByPqarrow(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{Name: "t",
		Configuration: map[string]string{PropCheckpointInterval: "3", "delta.constraints.positive": "id >= 0"}})
	if err != nil {
		t.Fatal(err)
	}
	commitRows(t, tbl, 0, 10)
	removeFirstFile(t, tbl)
	commitRows(t, tbl, 100, 10) // version 3: checkpoint
	data, err := os.ReadFile(filepath.Join(dir, "_delta_log", "00000000000000000003.checkpoint.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := fr.ReadTable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Release()
	schema := tab.Schema()
	wantFields := map[string]string{
		"add":      "path:utf8 partitionValues:map size:int64 modificationTime:int64 dataChange:bool stats:utf8 tags:map deletionVector:struct",
		"remove":   "path:utf8 deletionTimestamp:int64 dataChange:bool extendedFileMetadata:bool partitionValues:map size:int64 deletionVector:struct",
		"metaData": "id:utf8 name:utf8 description:utf8 format:struct schemaString:utf8 partitionColumns:list configuration:map createdTime:int64",
		"protocol": "minReaderVersion:int32 minWriterVersion:int32 readerFeatures:list writerFeatures:list",
		"txn":      "appId:utf8 version:int64 lastUpdated:int64",
	}
	for col, want := range wantFields {
		idx := schema.FieldIndices(col)
		if len(idx) != 1 {
			t.Errorf("checkpoint has no %s column: %s", col, schema)
			continue
		}
		st, ok := schema.Field(idx[0]).Type.(*arrow.StructType)
		if !ok {
			t.Errorf("%s is %s, not a struct", col, schema.Field(idx[0]).Type)
			continue
		}
		var got []string
		for _, f := range st.Fields() {
			got = append(got, f.Name+":"+f.Type.Name())
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s fields = %s, want %s", col, strings.Join(got, " "), want)
		}
	}
	dvFields := schema.Field(schema.FieldIndices("add")[0]).Type.(*arrow.StructType).Field(7).Type.(*arrow.StructType)
	var dvNames []string
	for _, f := range dvFields.Fields() {
		dvNames = append(dvNames, f.Name+":"+f.Type.Name())
	}
	if got := strings.Join(dvNames, " "); got != "storageType:utf8 pathOrInlineDv:utf8 offset:int32 sizeInBytes:int32 cardinality:int64" {
		t.Errorf("deletionVector fields = %s", got)
	}

	// Exactly one action per row; count them by kind and check the values.
	tr := array.NewTableReader(tab, 1<<20)
	defer tr.Release()
	counts := map[string]int{}
	snap, _ := tbl.Snapshot(ctx)
	live := map[string]bool{}
	for _, f := range snap.Files() {
		live[f.Path] = true
	}
	for tr.Next() {
		r := tr.Record()
		for i := 0; i < int(r.NumRows()); i++ {
			set := 0
			for c := range r.Columns() {
				col := r.Column(c).(*array.Struct)
				if col.IsNull(i) {
					continue
				}
				set++
				name := r.ColumnName(c)
				counts[name]++
				switch name {
				case "add":
					path := col.Field(0).(*array.String).Value(i)
					stats := col.Field(5).(*array.String).Value(i)
					var parsed map[string]any
					if !live[path] || json.Unmarshal([]byte(stats), &parsed) != nil || parsed["numRecords"] != 10.0 ||
						col.Field(1).IsNull(i) || col.Field(7).IsValid(i) {
						t.Errorf("add row %d: path %s live=%v stats %s", i, path, live[path], stats)
					}
				case "remove":
					if live[col.Field(0).(*array.String).Value(i)] || col.Field(1).IsNull(i) {
						t.Errorf("remove row %d is not a tombstone of a dead file", i)
					}
				case "protocol":
					if col.Field(1).(*array.Int32).Value(i) != 7 {
						t.Errorf("protocol writer version %d", col.Field(1).(*array.Int32).Value(i))
					}
				case "metaData":
					conf := col.Field(6).(*array.Map)
					s, e := conf.ValueOffsets(i)
					found := false
					for j := s; j < e; j++ {
						if conf.Keys().(*array.String).Value(int(j)) == "delta.constraints.positive" {
							found = conf.Items().(*array.String).Value(int(j)) == "id >= 0"
						}
					}
					if !found {
						t.Errorf("metaData configuration lost the constraint")
					}
				}
			}
			if set != 1 {
				t.Errorf("row %d sets %d actions", i, set)
			}
		}
	}
	if fmt.Sprint(counts) != "map[add:1 metaData:1 protocol:1 remove:1]" {
		t.Errorf("action counts = %v", counts)
	}
}

// failingCheckpointStore refuses to write checkpoint files.
type failingCheckpointStore struct{ objstore.Store }

var errInjected = errors.New("injected checkpoint failure")

func (s failingCheckpointStore) PutIfAbsent(ctx context.Context, name string, data []byte) error {
	if strings.Contains(name, ".checkpoint.") {
		return errInjected
	}
	return s.Store.PutIfAbsent(ctx, name, data)
}

// TestCheckpointFailureKeepsCommit: a checkpoint that cannot be written
// is reported but the commit that triggered it stands and reads back.
func TestCheckpointFailureKeepsCommit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := failingCheckpointStore{objstore.NewLocal(dir)}
	tbl, err := CreateStore(ctx, store, dir, testSchema(), CreateOptions{Configuration: map[string]string{PropCheckpointInterval: "2"}})
	if err != nil {
		t.Fatal(err)
	}
	var reported []error
	maintenanceErrorHook = func(v int64, err error) { reported = append(reported, err) }
	defer func() { maintenanceErrorHook = nil }()
	for i := range 3 {
		commitRows(t, tbl, i*10, 5)
	}
	if len(reported) != 1 || !errors.Is(reported[0], errInjected) {
		t.Errorf("reported = %v", reported)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil || snap.Version() != 3 || len(readTable(t, snap, dir)) != 15 {
		t.Fatalf("snapshot after failed checkpoint: %v, %v", snap, err)
	}
	for _, n := range logNames(t, dir) {
		if strings.Contains(n, "checkpoint") {
			t.Errorf("unexpected %s", n)
		}
	}
}

// TestCheckpointTombstoneRetention: removes older than
// delta.deletedFileRetentionDuration leave the checkpoint.
func TestCheckpointTombstoneRetention(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{Configuration: map[string]string{
		PropCheckpointInterval: "100", PropDeletedFileRetention: "interval 1 hour"}})
	if err != nil {
		t.Fatal(err)
	}
	commitRows(t, tbl, 0, 5)
	commitRows(t, tbl, 10, 5)
	v := removeFirstFile(t, tbl)
	st, err := tbl.loadCheckpointState(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.liveTombstones(time.Now())); n != 1 {
		t.Errorf("fresh tombstones = %d, want 1", n)
	}
	if n := len(st.liveTombstones(time.Now().Add(2 * 3600e9))); n != 0 {
		t.Errorf("tombstones after the retention = %d, want 0", n)
	}
}

// TestCheckpointCarriesTxnAndDomains: the latest txn per application and
// the live domainMetadata (not removed ones) survive into a checkpoint,
// and a snapshot started from it still has the live files.
func TestCheckpointCarriesTxnAndDomains(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tbl, err := Create(ctx, dir, testSchema(), CreateOptions{Configuration: map[string]string{PropCheckpointInterval: "100"}})
	if err != nil {
		t.Fatal(err)
	}
	commitRows(t, tbl, 0, 3)
	ts := int64(1700000000000)
	for v, acts := range map[int64][]Action{
		2: {{Txn: &Txn{AppID: "stream-a", Version: 4, LastUpdated: &ts}}, {Txn: &Txn{AppID: "stream-b", Version: 1}},
			{DomainMetadata: &DomainMetadata{Domain: "keep", Configuration: `{"k":1}`}},
			{DomainMetadata: &DomainMetadata{Domain: "gone", Configuration: `{}`}}},
		3: {{Txn: &Txn{AppID: "stream-a", Version: 5}}, {DomainMetadata: &DomainMetadata{Domain: "gone", Configuration: `{}`, Removed: true}}},
	} {
		data, _ := encodeActions(acts)
		if err := tbl.store.PutIfAbsent(ctx, commitName(v), data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tbl.WriteCheckpoint(ctx, 3); err != nil {
		t.Fatal(err)
	}
	acts, err := readCheckpoint(ctx, tbl.store, &checkpointRef{version: 3, kind: checkpointClassic, files: []string{classicCheckpointName(3)}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		switch {
		case a.Txn != nil:
			got = append(got, fmt.Sprintf("txn %s@%d", a.Txn.AppID, a.Txn.Version))
		case a.DomainMetadata != nil:
			got = append(got, fmt.Sprintf("domain %s %s removed=%v", a.DomainMetadata.Domain, a.DomainMetadata.Configuration, a.DomainMetadata.Removed))
		}
	}
	if want := `[txn stream-a@5 txn stream-b@1 domain keep {"k":1} removed=false]`; fmt.Sprint(got) != want {
		t.Errorf("checkpoint txn/domains = %v, want %s", got, want)
	}
	snap, err := tbl.Snapshot(ctx)
	if err != nil || snap.Version() != 3 || len(readTable(t, snap, dir)) != 3 {
		t.Errorf("snapshot from the checkpoint: %v, %v", snap, err)
	}
}

// snapshotSummary renders a snapshot's files with everything a checkpoint
// must carry: path, size, partition values, record count and deletion
// vector.
func snapshotSummary(s *Snapshot) string {
	var out []string
	for _, f := range s.Files() {
		dv := "-"
		if f.DeletionVector != nil {
			d := f.DeletionVector
			dv = fmt.Sprintf("%s:%s size=%d card=%d", d.StorageType, d.PathOrInlineDv, d.SizeInBytes, d.Cardinality)
			if d.Offset != nil {
				dv += fmt.Sprint("@", *d.Offset)
			}
		}
		var pv []string
		for k, v := range f.PartitionValues {
			if v == nil {
				pv = append(pv, k+"=NULL")
			} else {
				pv = append(pv, k+"="+*v)
			}
		}
		slices.Sort(pv)
		out = append(out, fmt.Sprintf("%s size=%d rows=%d part=%v dv=%s", f.Path, f.Size, f.NumRecords, pv, dv))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestCheckpointOfForeignDVTable checkpoints Delta Spark's partitioned
// table with deletion vectors at its latest version (15) and checks a
// snapshot started from Lode's checkpoint equals one from Spark's
// checkpoint at 10 plus commits 11-15: partition values, stats and
// deletion vector descriptors all survive.
func TestCheckpointOfForeignDVTable(t *testing.T) {
	ctx := context.Background()
	dir := copyLog(t, "dv-partitioned-with-checkpoint")
	tbl, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want.Version() != 15 {
		t.Fatalf("golden table at version %d", want.Version())
	}
	dvs := 0
	for _, f := range want.Files() {
		if f.DeletionVector != nil {
			dvs++
		}
	}
	if dvs == 0 || len(want.Metadata().PartitionColumns) == 0 {
		t.Fatalf("the golden table lacks deletion vectors (%d) or partitions", dvs)
	}
	// Lode does not write deletion vectors yet, so WriteCheckpoint
	// refuses the table; encode the state directly.
	st, err := tbl.loadCheckpointState(ctx, 15)
	if err != nil {
		t.Fatal(err)
	}
	data, info, err := encodeCheckpoint(st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if info.NumOfAddFiles != int64(len(want.Files())) {
		t.Errorf("numOfAddFiles %d, snapshot has %d files", info.NumOfAddFiles, len(want.Files()))
	}
	if err := tbl.store.PutIfAbsent(ctx, classicCheckpointName(15), data); err != nil {
		t.Fatal(err)
	}
	// Only Lode's checkpoint and no commits remain to start from.
	for _, n := range logNames(t, dir) {
		if !strings.HasPrefix(n, "00000000000000000015.checkpoint") {
			os.Remove(filepath.Join(dir, "_delta_log", n))
		}
	}
	got, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version() != 15 || snapshotSummary(got) != snapshotSummary(want) {
		t.Errorf("from Lode's checkpoint (version %d):\n%s\nwant:\n%s", got.Version(), snapshotSummary(got), snapshotSummary(want))
	}
	if got.Metadata().SchemaString != want.Metadata().SchemaString || fmt.Sprint(got.Protocol()) != fmt.Sprint(want.Protocol()) {
		t.Errorf("metadata or protocol differ")
	}
}
