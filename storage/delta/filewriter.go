package delta

import (
	"context"
	"errors"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/storage/objstore"
	"github.com/lodedb/lode/storage/parquet"
)

// FileWriter writes a stream of table records into data files of an
// Append, starting a new file every TargetFileRows rows. On a partitioned
// table it routes each row to its partition's directory (col=value/…) and
// writes the data files without the partition columns, as the protocol
// lays tables out.
type FileWriter struct {
	a      *Append
	layout *partitionLayout // nil: unpartitioned
	sinks  map[string]*fileSink
	closed bool
	err    error
}

// fileSink is the data file being written for one partition.
type fileSink struct {
	dir    string             // "" or "col=value/…/" (store name prefix)
	values map[string]*string // partition values by physical column name
	name   string
	obj    objstore.ObjectWriter
	pw     *parquet.Writer
	rows   int64 // rows in the current file
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
	if w.layout == nil {
		// Label the columns with their physical names.
		data := array.NewRecord(w.a.fileSchema, rec.Columns(), rec.NumRows())
		defer data.Release()
		return w.writeTo(w.sink("", nil), data)
	}
	return w.layout.split(rec, func(dir string, values map[string]*string, part arrow.Record) error {
		return w.writeTo(w.sink(dir, values), part)
	})
}

func (w *FileWriter) sink(dir string, values map[string]*string) *fileSink {
	s := w.sinks[dir]
	if s == nil {
		s = &fileSink{dir: dir, values: values}
		w.sinks[dir] = s
	}
	return s
}

// dataSchema is the schema of the data files: the table's columns less
// the partition columns, under their physical names.
func (w *FileWriter) dataSchema() *arrow.Schema {
	return w.a.fileSchema
}

func (w *FileWriter) writeTo(s *fileSink, rec arrow.Record) error {
	target := w.a.targetRows()
	n := rec.NumRows()
	for off := int64(0); off < n; {
		if s.pw == nil {
			if err := w.startFile(s); err != nil {
				return w.fail(err)
			}
		}
		take := min(n-off, target-s.rows)
		part := rec.NewSlice(off, off+take)
		err := s.pw.Write(part)
		part.Release()
		if err != nil {
			return w.fail(err)
		}
		off += take
		s.rows += take
		if s.rows >= target {
			if err := w.finishFile(s); err != nil {
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

func (w *FileWriter) startFile(s *fileSink) error {
	s.name = s.dir + w.a.newDataFileName()
	obj, err := w.a.t.store.Create(context.Background(), s.name)
	if err != nil {
		return err
	}
	pw, err := parquet.NewWriter(obj, w.dataSchema(), parquet.WriterOptions{RowGroupRows: w.a.RowGroupRows})
	if err != nil {
		obj.Abort()
		return err
	}
	s.obj, s.pw, s.rows = obj, pw, 0
	return nil
}

// finishFile writes the footer, makes the file durable (before any commit
// can name it) and records its add action.
func (w *FileWriter) finishFile(s *fileSink) error {
	st, err := s.pw.Close()
	s.pw = nil
	if err != nil {
		return err
	}
	if err := s.obj.Commit(); err != nil {
		return err
	}
	s.obj = nil
	stats, err := encodeStats(w.dataSchema(), st)
	if err != nil {
		return err
	}
	values := s.values
	if values == nil {
		values = map[string]*string{}
	}
	w.a.addFile(s.name, AddFile{
		Path:             escapeStorePath(s.name),
		PartitionValues:  values,
		Size:             st.Bytes,
		ModificationTime: time.Now().UnixMilli(),
		DataChange:       true,
		Stats:            stats,
	}, st.NumRecords)
	return nil
}

// fail abandons the current files and poisons the writer.
func (w *FileWriter) fail(err error) error {
	for _, s := range w.sinks {
		if s.obj != nil {
			s.obj.Abort()
			s.obj, s.pw = nil, nil
		}
	}
	w.err = err
	return err
}

// Close finishes the current files. Closing twice is a no-op.
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
	for _, s := range w.sinks {
		if s.pw != nil && s.rows > 0 {
			if err := w.finishFile(s); err != nil {
				return w.fail(err)
			}
		}
	}
	return nil
}
