package delta

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/uuid"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/objstore"
	"github.com/lodedb/lode/storage/parquet"
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
	// Rearrange marks a commit that only moves existing rows between
	// files (OPTIMIZE): its adds and removes say dataChange=false, so
	// streaming readers do not see the rows as new.
	Rearrange bool

	t     *Table
	snap  *Snapshot
	err   error // the table cannot be written by Lode
	part  atomic.Int64
	mu    sync.Mutex
	files []AddFile
	// removes are files of the read snapshot this commit replaces
	// (copy-on-write DELETE and UPDATE); see Remove.
	removes []RemoveFile
	rows    int64
	bytes   int64
	open    int  // FileWriters not yet closed
	done    bool // committed or aborted
	// published is set once a commit may have become visible; Abort must
	// not delete files from then on.
	published bool
}

// NewAppend starts an append on top of snap (the read version).
func (t *Table) NewAppend(snap *Snapshot) *Append {
	a := &Append{t: t, snap: snap}
	a.err = checkWrite(&snap.protocol)
	return a
}

// NewFileWriter returns a writer that owns its own sequence of data files.
// A FileWriter is not safe for concurrent use; several may run at once.
func (a *Append) NewFileWriter() *FileWriter {
	a.mu.Lock()
	a.open++
	a.mu.Unlock()
	return &FileWriter{a: a}
}

func (a *Append) targetRows() int64 {
	if a.TargetFileRows > 0 {
		return a.TargetFileRows
	}
	return DefaultTargetFileRows
}

// newDataFileName is Spark's naming: part-<n>-<uuid>-c000.snappy.parquet.
func (a *Append) newDataFileName() string {
	n := a.part.Add(1) - 1
	return fmt.Sprintf("part-%05d-%s-c000.snappy.parquet", n, uuid.NewString())
}

func (a *Append) addFile(f AddFile, rows int64) {
	a.mu.Lock()
	a.files = append(a.files, f)
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
	if params == nil {
		params = map[string]any{"mode": "Append", "partitionBy": "[]"}
	}
	actions := make([]Action, 0, len(a.files)+1)
	actions = append(actions, Action{CommitInfo: map[string]any{
		"timestamp":           time.Now().UnixMilli(),
		"operation":           operation,
		"operationParameters": params,
		"readVersion":         a.snap.version,
		"isolationLevel":      "Serializable",
		"isBlindAppend":       len(a.removes) == 0,
		// Spark writes metric values as strings; readers expect that.
		"operationMetrics": map[string]string{
			"numFiles":       strconv.Itoa(len(a.files)),
			"numOutputRows":  strconv.FormatInt(a.rows, 10),
			"numOutputBytes": strconv.FormatInt(a.bytes, 10),
		},
		"engineInfo": EngineInfo,
		"txnId":      uuid.NewString(),
	}})
	for i := range a.removes {
		a.removes[i].DataChange = !a.Rearrange
		actions = append(actions, Action{Remove: &a.removes[i]})
	}
	for i := range a.files {
		a.files[i].DataChange = !a.Rearrange
		actions = append(actions, Action{Add: &a.files[i]})
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
	for _, f := range a.files {
		if err := a.t.store.Delete(context.Background(), f.Path); err != nil && first == nil {
			first = err
		}
	}
	a.files = nil
	return first
}

// FileWriter writes a stream of records into data files of an Append,
// starting a new file every TargetFileRows rows.
type FileWriter struct {
	a      *Append
	name   string
	obj    objstore.ObjectWriter
	pw     *parquet.Writer
	rows   int64 // rows in the current file
	closed bool
	err    error
}

// Write appends rec's rows. Its columns must have the table's types.
func (w *FileWriter) Write(rec arrow.Record) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("delta: write to a closed FileWriter")
	}
	if err := w.a.err; err != nil {
		return err
	}
	if err := w.check(rec); err != nil {
		return err
	}
	target := w.a.targetRows()
	n := rec.NumRows()
	for off := int64(0); off < n; {
		if w.pw == nil {
			if err := w.startFile(); err != nil {
				return w.fail(err)
			}
		}
		take := min(n-off, target-w.rows)
		part := rec.NewSlice(off, off+take)
		err := w.pw.Write(part)
		part.Release()
		if err != nil {
			return w.fail(err)
		}
		off += take
		w.rows += take
		if w.rows >= target {
			if err := w.finishFile(); err != nil {
				return w.fail(err)
			}
		}
	}
	return nil
}

// check compares a record's columns with the table schema, so bad input
// fails before anything is written.
func (w *FileWriter) check(rec arrow.Record) error {
	schema := w.a.snap.schema
	if int(rec.NumCols()) != schema.NumFields() {
		return sqlerr.New(sqlerr.DatatypeMismatch, "record has %d columns, table has %d", rec.NumCols(), schema.NumFields())
	}
	for i, f := range schema.Fields() {
		col := rec.Column(i)
		if !arrow.TypeEqual(col.DataType(), f.Type) {
			return sqlerr.New(sqlerr.DatatypeMismatch, "column %q is %s, table expects %s", f.Name, col.DataType(), f.Type)
		}
		if !f.Nullable && col.NullN() > 0 {
			return sqlerr.New(sqlerr.NotNullViolation, "null value in column %q violates not-null constraint", f.Name)
		}
	}
	return nil
}

func (w *FileWriter) startFile() error {
	w.name = w.a.newDataFileName()
	obj, err := w.a.t.store.Create(context.Background(), w.name)
	if err != nil {
		return err
	}
	pw, err := parquet.NewWriter(obj, w.a.snap.schema, parquet.WriterOptions{RowGroupRows: w.a.RowGroupRows})
	if err != nil {
		obj.Abort()
		return err
	}
	w.obj, w.pw, w.rows = obj, pw, 0
	return nil
}

// finishFile writes the footer, makes the file durable (before any commit
// can name it) and records its add action.
func (w *FileWriter) finishFile() error {
	st, err := w.pw.Close()
	w.pw = nil
	if err != nil {
		return err
	}
	if err := w.obj.Commit(); err != nil {
		return err
	}
	w.obj = nil
	stats, err := encodeStats(w.a.snap.schema, st)
	if err != nil {
		return err
	}
	w.a.addFile(AddFile{
		Path:             w.name, // plain ASCII, so already URL-encoded
		PartitionValues:  map[string]*string{},
		Size:             st.Bytes,
		ModificationTime: time.Now().UnixMilli(),
		DataChange:       true,
		Stats:            stats,
	}, st.NumRecords)
	return nil
}

// fail abandons the current file and poisons the writer.
func (w *FileWriter) fail(err error) error {
	if w.obj != nil {
		w.obj.Abort()
		w.obj, w.pw = nil, nil
	}
	w.err = err
	return err
}

// Close finishes the current file. Closing twice is a no-op.
func (w *FileWriter) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	defer func() {
		w.a.mu.Lock()
		w.a.open--
		w.a.mu.Unlock()
	}()
	if w.err != nil {
		return w.err
	}
	if w.pw != nil && w.rows > 0 {
		if err := w.finishFile(); err != nil {
			return w.fail(err)
		}
	}
	return nil
}
