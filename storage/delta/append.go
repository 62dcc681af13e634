package delta

import (
	"context"
	"errors"
	"fmt"
	"github.com/apache/arrow-go/v18/arrow"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/lodedb/lode/catalog/sqlerr"
)

// DefaultTargetFileRows is how many rows a data file gets before a
// FileWriter starts the next one.
const DefaultTargetFileRows = 4 << 20

// Append adds data files to a table in one commit. Create FileWriters (one
// per goroutine), write, close them, then Commit; or Abort to delete what
// was written.
type Append struct {
	// TargetFileRows and RowGroupRows size the files; set them before the
	// first NewFileWriter. Zero means the defaults.
	TargetFileRows int64
	RowGroupRows   int64
	// Metrics are extra operationMetrics for the commit (e.g. MERGE's
	// numTargetRowsUpdated), as strings like Spark writes them.
	Metrics map[string]string
	// Rearrange marks a commit that only moves existing rows between
	// files (OPTIMIZE): its adds and removes say dataChange=false, so
	// streaming readers do not see the rows as new.
	Rearrange bool

	t      *Table
	snap   *Snapshot
	layout *partitionLayout // nil: the table is not partitioned
	// newMeta and newProto are committed with the files when the append
	// evolves the schema (EvolveSchema).
	newMeta  *Metadata
	newProto *Protocol
	// fileSchema is the data files' schema: the stored columns under their
	// physical names (column mapping).
	fileSchema *arrow.Schema
	err        error // the table cannot be written by Lode
	part       atomic.Int64
	mu         sync.Mutex
	files      []AddFile
	// written are the store names of the data files written (for Abort).
	written []string
	// removes are files of the read snapshot this commit replaces
	// (copy-on-write DELETE and UPDATE); see Remove.
	removes []RemoveFile
	// dvs are files of the read snapshot re-added with new deletion
	// vectors (see DeleteRows); dvFile is the vectors' file once written.
	dvs    []pendingDV
	dvFile string
	rows   int64
	bytes  int64
	open   int  // FileWriters not yet closed
	done   bool // committed or aborted
	// published is set once a commit may have become visible; Abort must
	// not delete files from then on.
	published bool
}

// NewAppend starts an append on top of snap (the read version).
func (t *Table) NewAppend(snap *Snapshot) *Append {
	a := &Append{t: t, snap: snap}
	a.err = checkWrite(&snap.protocol)
	if a.err == nil {
		a.err = checkMappingWrite(snap)
	}
	if a.err == nil {
		a.err = checkNestedWrite(snap)
	}
	if a.err == nil {
		a.layout, a.err = newPartitionLayout(snap)
	}
	a.fileSchema = fileSchemaOf(snap, a.layout)
	return a
}

// NewFileWriter returns a writer that owns its own sequence of data files.
// A FileWriter is not safe for concurrent use; several may run at once.
func (a *Append) NewFileWriter() *FileWriter {
	a.mu.Lock()
	a.open++
	a.mu.Unlock()
	return &FileWriter{a: a, layout: a.layout, sinks: map[string]*fileSink{}}
}

// ConfTargetFileRows is the table property that sizes data files in rows
// (Lode's; Spark's delta.targetFileSize counts bytes).
const ConfTargetFileRows = "lode.targetFileRows"

func (a *Append) targetRows() int64 {
	if a.TargetFileRows > 0 {
		return a.TargetFileRows
	}
	if v, err := strconv.ParseInt(a.snap.metadata.Configuration[ConfTargetFileRows], 10, 64); err == nil && v > 0 {
		return v
	}
	return DefaultTargetFileRows
}

// newDataFileName is Spark's naming: part-<n>-<uuid>-c000.snappy.parquet.
func (a *Append) newDataFileName() string {
	n := a.part.Add(1) - 1
	return fmt.Sprintf("part-%05d-%s-c000.snappy.parquet", n, uuid.NewString())
}

// addFile records a data file written under store name (f.Path is the
// URL-encoded form the log holds).
func (a *Append) addFile(name string, f AddFile, rows int64) {
	a.mu.Lock()
	a.files = append(a.files, f)
	a.written = append(a.written, name)
	a.rows += rows
	a.bytes += f.Size
	a.mu.Unlock()
}

// Commit writes one commit adding every file written. With no files it
// commits nothing and returns the read version. Params default to
// {"mode": "Append"}.
func (a *Append) Commit(ctx context.Context, operation string, params map[string]any) (int64, error) {
	if a.err != nil {
		return 0, a.err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done {
		return 0, errors.New("delta: append already committed or aborted")
	}
	if a.open > 0 {
		return 0, fmt.Errorf("delta: %d FileWriters are still open", a.open)
	}
	if len(a.files) == 0 && len(a.removes) == 0 {
		a.done = true
		return a.snap.version, nil
	}
	readds, err := a.writeDeletionVectors(ctx)
	if err != nil {
		return 0, err
	}
	if params == nil {
		params = map[string]any{"mode": "Append", "partitionBy": "[]"}
	}
	metrics := map[string]string{
		"numFiles":       strconv.Itoa(len(a.files)),
		"numOutputRows":  strconv.FormatInt(a.rows, 10),
		"numOutputBytes": strconv.FormatInt(a.bytes, 10),
	}
	if len(a.removes) > 0 {
		metrics["numRemovedFiles"] = strconv.Itoa(len(a.removes))
	}
	if len(a.dvs) > 0 {
		metrics["numDeletionVectorsAdded"] = strconv.Itoa(len(a.dvs))
	}
	for k, v := range a.Metrics {
		metrics[k] = v
	}
	actions := make([]Action, 0, len(a.files)+1)
	actions = append(actions, Action{CommitInfo: map[string]any{
		"timestamp":           time.Now().UnixMilli(),
		"operation":           operation,
		"operationParameters": params,
		"readVersion":         a.snap.version,
		"isolationLevel":      "WriteSerializable",
		"isBlindAppend":       len(a.removes) == 0 && a.newMeta == nil,
		// Spark writes metric values as strings; readers expect that.
		"operationMetrics": metrics,
		"engineInfo":       EngineInfo,
		"txnId":            uuid.NewString(),
	}})
	if a.newProto != nil {
		actions = append(actions, Action{Protocol: a.newProto})
	}
	if a.newMeta != nil {
		actions = append(actions, Action{MetaData: a.newMeta})
	}
	for i := range a.removes {
		a.removes[i].DataChange = !a.Rearrange
		actions = append(actions, Action{Remove: &a.removes[i]})
	}
	for i := range a.files {
		a.files[i].DataChange = !a.Rearrange
		actions = append(actions, Action{Add: &a.files[i]})
	}
	for i := range readds {
		actions = append(actions, Action{Add: &readds[i]})
	}
	v, err := a.t.commit(ctx, a.snap, actions)
	if err != nil {
		// A conflict or cancellation means nothing was published; other
		// errors may have happened after the commit became visible.
		if sqlerr.Code(err) != sqlerr.SerializationFailure && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			a.published = true
		}
		return 0, err
	}
	a.done, a.published = true, true
	return v, nil
}

// Abort deletes the data files written so far. It is a no-op after a
// successful Commit (and keeps the files when a failed Commit may still
// have published them; VACUUM collects real orphans later).
func (a *Append) Abort() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.published {
		a.done = true
		return nil
	}
	a.done = true
	var first error
	for _, name := range a.written {
		if err := a.t.store.Delete(context.Background(), name); err != nil && first == nil {
			first = err
		}
	}
	a.files, a.written = nil, nil
	if a.dvFile != "" {
		if err := a.t.store.Delete(context.Background(), a.dvFile); err != nil && first == nil {
			first = err
		}
	}
	return first
}
