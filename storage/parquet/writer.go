package parquet

import (
	"fmt"
	"io"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	pq "github.com/parquet-go/parquet-go"
)

// DefaultRowGroupRows is the default row-group size: about what Spark's
// 128 MiB row groups hold for narrow tables, and a good morsel for scans.
const DefaultRowGroupRows = 1 << 20

// chunkRows bounds how many values are staged per column writer call, so the
// staging slice stays small (24 bytes a value) and pages stay near their
// configured size.
const chunkRows = 4096

// dictMaxBytes caps a column chunk's dictionary, as parquet-mr's 1 MiB
// dictionary page size does; past it the chunk continues in PLAIN.
const dictMaxBytes = 1 << 20

// WriterOptions tunes a Writer. The zero value is the default.
type WriterOptions struct {
	RowGroupRows int64 // rows per row group; 0 = DefaultRowGroupRows
}

// Writer streams Arrow records into one Parquet file.
type Writer struct {
	schema  *arrow.Schema
	out     *countingWriter
	pw      *pq.Writer
	cols    []*pq.ColumnWriter
	rgRows  int64 // rows in the open row group
	rgLimit int64
	rows    int64
	stats   []statsAcc
	vals    []pq.Value // staging, reused
	scratch []byte     // big-endian decimal bytes, reused
	closed  bool
}

// NewWriter starts a Snappy-compressed Parquet file on w. Data pages are
// version 1 because that is what Spark writes and every reader accepts.
func NewWriter(w io.Writer, schema *arrow.Schema, opts WriterOptions) (*Writer, error) {
	ps, err := schemaFor(schema)
	if err != nil {
		return nil, err
	}
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = DefaultRowGroupRows
	}
	cw := &countingWriter{w: w}
	pw := pq.NewWriter(cw, ps,
		pq.Compression(&pq.Snappy),
		pq.DataPageVersion(1),
		pq.CreatedBy("Lode", "0.1", ""),
		pq.DictionaryMaxBytes(dictMaxBytes),
	)
	stats := make([]statsAcc, schema.NumFields())
	for i, f := range schema.Fields() {
		// bytea min/max would be arbitrary bytes in Delta's JSON stats;
		// Spark keeps none for binary columns either.
		stats[i].countOnly = isBytea(f)
	}
	return &Writer{
		schema:  schema,
		out:     cw,
		pw:      pw,
		cols:    pw.ColumnWriters(),
		rgLimit: opts.RowGroupRows,
		stats:   stats,
		vals:    make([]pq.Value, chunkRows),
	}, nil
}

// Write appends the rows of rec, cutting row groups at RowGroupRows.
func (w *Writer) Write(rec arrow.Record) error {
	if w.closed {
		return fmt.Errorf("parquet: write after close")
	}
	if rec.NumCols() != int64(w.schema.NumFields()) {
		return fmt.Errorf("parquet: record has %d columns, file has %d", rec.NumCols(), w.schema.NumFields())
	}
	for c := range w.schema.NumFields() {
		f := w.schema.Field(c)
		col := rec.Column(c)
		if !arrow.TypeEqual(col.DataType(), f.Type) {
			return fmt.Errorf("parquet: column %q is %s, file expects %s", f.Name, col.DataType(), f.Type)
		}
		if !f.Nullable && col.NullN() > 0 {
			return fmt.Errorf("parquet: NULL in non-nullable column %q", f.Name)
		}
	}
	n := rec.NumRows()
	for off := int64(0); off < n; {
		take := min(n-off, w.rgLimit-w.rgRows)
		for c := range w.schema.NumFields() {
			if err := w.writeColumn(c, rec.Column(c), int(off), int(off+take)); err != nil {
				return err
			}
		}
		off += take
		w.rgRows += take
		w.rows += take
		if w.rgRows == w.rgLimit {
			if err := w.pw.Flush(); err != nil {
				return err
			}
			w.rgRows = 0
		}
	}
	return nil
}

// writeColumn writes rows [from, to) of one column and folds them into its
// statistics.
func (w *Writer) writeColumn(c int, col arrow.Array, from, to int) error {
	part := array.NewSlice(col, int64(from), int64(to))
	defer part.Release()
	w.stats[c].update(part)
	def := 0
	if w.schema.Field(c).Nullable {
		def = 1
	}
	for lo := 0; lo < part.Len(); lo += chunkRows {
		hi := min(lo+chunkRows, part.Len())
		vals := w.fill(part, lo, hi, c, def)
		if _, err := w.cols[c].WriteRowValues(vals); err != nil {
			return fmt.Errorf("parquet: column %q: %w", w.schema.Field(c).Name, err)
		}
	}
	return nil
}

// fill stages rows [lo, hi) of a as parquet values with their levels.
// Values of byte arrays alias the Arrow buffers; the column writer copies
// them before fill is called again.
func (w *Writer) fill(a arrow.Array, lo, hi, c, def int) []pq.Value {
	vals := w.vals[:hi-lo]
	null := pq.Value{}.Level(0, 0, c)
	hasNulls := a.NullN() > 0
	switch a := a.(type) {
	case *array.Boolean:
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.BooleanValue(a.Value(i)).Level(0, def, c)
		}
	case *array.Int16:
		vs := a.Int16Values()
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.Int32Value(int32(vs[i])).Level(0, def, c)
		}
	case *array.Int32:
		vs := a.Int32Values()
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.Int32Value(vs[i]).Level(0, def, c)
		}
	case *array.Int64:
		vs := a.Int64Values()
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.Int64Value(vs[i]).Level(0, def, c)
		}
	case *array.Float32:
		vs := a.Float32Values()
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.FloatValue(vs[i]).Level(0, def, c)
		}
	case *array.Float64:
		vs := a.Float64Values()
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.DoubleValue(vs[i]).Level(0, def, c)
		}
	case *array.Date32:
		vs := a.Date32Values()
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.Int32Value(int32(vs[i])).Level(0, def, c)
		}
	case *array.Timestamp:
		vs := a.TimestampValues()
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.Int64Value(int64(vs[i])).Level(0, def, c)
		}
	case *array.String:
		for i := lo; i < hi; i++ {
			s := a.Value(i)
			vals[i-lo] = pq.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))).Level(0, def, c)
		}
	case *array.Decimal128:
		w.fillDecimal(a, vals, lo, hi, c, def)
	}
	if hasNulls {
		for i := lo; i < hi; i++ {
			if a.IsNull(i) {
				vals[i-lo] = null
			}
		}
	}
	return vals
}

func (w *Writer) fillDecimal(a *array.Decimal128, vals []pq.Value, lo, hi, c, def int) {
	p := a.DataType().(*arrow.Decimal128Type).Precision
	vs := a.Values()
	switch {
	case p <= 9:
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.Int32Value(int32(vs[i].LowBits())).Level(0, def, c)
		}
	case p <= 18:
		for i := lo; i < hi; i++ {
			vals[i-lo] = pq.Int64Value(int64(vs[i].LowBits())).Level(0, def, c)
		}
	default:
		size := decimalBytes(p)
		if cap(w.scratch) < size*(hi-lo) {
			w.scratch = make([]byte, size*chunkRows)
		}
		buf := w.scratch[:size*(hi-lo)]
		var be [16]byte
		for i := lo; i < hi; i++ {
			putBE128(be[:], vs[i].HighBits(), vs[i].LowBits())
			b := buf[(i-lo)*size : (i-lo+1)*size]
			copy(b, be[16-size:])
			vals[i-lo] = pq.FixedLenByteArrayValue(b).Level(0, def, c)
		}
	}
}

// Close finishes the file (last row group and footer) and returns what was
// written. The underlying io.Writer is not closed.
func (w *Writer) Close() (FileStats, error) {
	if w.closed {
		return FileStats{}, fmt.Errorf("parquet: writer already closed")
	}
	w.closed = true
	if err := w.pw.Close(); err != nil {
		return FileStats{}, err
	}
	st := FileStats{NumRecords: w.rows, Bytes: w.out.n, Columns: make([]ColumnStats, len(w.stats))}
	for i := range w.stats {
		st.Columns[i] = w.stats[i].result(w.schema.Field(i).Name)
	}
	return st, nil
}

// NumRows is the number of rows written so far.
func (w *Writer) NumRows() int64 { return w.rows }

// BytesWritten is how much has reached the underlying writer so far (row
// groups are buffered until they are cut).
func (w *Writer) BytesWritten() int64 { return w.out.n }

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
