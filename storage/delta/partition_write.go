package delta

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
)

// partitionLayout says how a partitioned table's rows are laid out: the
// partition columns become directories and partitionValues, the other
// columns the data files.
type partitionLayout struct {
	cols     []int    // table columns that partition, in partitionColumns order
	names    []string // their physical names (partitionValues keys, directories)
	dataCols []int    // the other table columns
	data     *arrow.Schema
}

// hiveNull is the directory value of a NULL partition (Hive's, which
// Spark writes).
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

func newPartitionLayout(snap *Snapshot) (*partitionLayout, error) {
	if len(snap.metadata.PartitionColumns) == 0 {
		return nil, nil
	}
	l := &partitionLayout{}
	for _, name := range snap.metadata.PartitionColumns {
		found := false
		for i, f := range snap.schema.Fields() {
			if snap.mapping.physical[i] == name || f.Name == name {
				if err := checkPartitionType(f); err != nil {
					return nil, err
				}
				l.cols = append(l.cols, i)
				l.names = append(l.names, snap.mapping.physical[i])
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("delta: partition column %q is not in the schema", name)
		}
	}
	for i := range snap.schema.Fields() {
		if !snap.partCol[i] {
			l.dataCols = append(l.dataCols, i)
		}
	}
	l.data = fileSchema(snap, l.dataCols)
	return l, nil
}

// checkPartitionType refuses partition column types the protocol gives
// no serialization for.
func checkPartitionType(f arrow.Field) error {
	switch f.Type.ID() {
	case arrow.STRING, arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.DATE32, arrow.TIMESTAMP, arrow.BINARY:
		return nil
	}
	return fmt.Errorf("delta: column %q of type %s cannot be a partition column", f.Name, f.Type)
}

// split groups rec's rows by partition and calls fn once per partition
// with the rows' data columns (in first-seen order of partitions).
func (l *partitionLayout) split(rec arrow.Record, fn func(dir string, values map[string]*string, data arrow.Record) error) error {
	n := int(rec.NumRows())
	type group struct {
		values map[string]*string
		rows   []int32
	}
	groups := map[string]*group{}
	var order []string
	for r := 0; r < n; r++ {
		var dir strings.Builder
		var vals []*string
		for k, c := range l.cols {
			v := partitionValueText(rec.Column(c), r)
			vals = append(vals, v)
			dir.WriteString(hiveEscape(l.names[k]))
			dir.WriteByte('=')
			if v == nil {
				dir.WriteString(hiveNull)
			} else {
				dir.WriteString(hiveEscape(*v))
			}
			dir.WriteByte('/')
		}
		key := dir.String()
		g := groups[key]
		if g == nil {
			g = &group{values: map[string]*string{}}
			for k, v := range vals {
				g.values[l.names[k]] = v
			}
			groups[key] = g
			order = append(order, key)
		}
		g.rows = append(g.rows, int32(r))
	}
	for _, key := range order {
		g := groups[key]
		cols := make([]arrow.Array, len(l.dataCols))
		for k, c := range l.dataCols {
			if len(order) == 1 {
				cols[k] = rec.Column(c)
				cols[k].Retain()
			} else {
				cols[k] = batch.Take(memory.DefaultAllocator, rec.Column(c), g.rows)
			}
		}
		data := array.NewRecord(l.data, cols, int64(len(g.rows)))
		for _, c := range cols {
			c.Release()
		}
		err := fn(key, g.values, data)
		data.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// partitionValueText serializes a partition value as the protocol says
// (nil for NULL): numbers in decimal, dates as YYYY-MM-DD, timestamps
// with time zone as UTC ISO-8601 ("…T…Z"), without as "YYYY-MM-DD
// HH:MM:SS[.ffffff]", booleans as true/false.
func partitionValueText(col arrow.Array, r int) *string {
	if col.IsNull(r) {
		return nil
	}
	var s string
	switch a := col.(type) {
	case *array.String:
		s = a.Value(r)
	case *array.Binary:
		s = string(a.Value(r))
	case *array.Boolean:
		s = strconv.FormatBool(a.Value(r))
	case *array.Int8:
		s = strconv.FormatInt(int64(a.Value(r)), 10)
	case *array.Int16:
		s = strconv.FormatInt(int64(a.Value(r)), 10)
	case *array.Int32:
		s = strconv.FormatInt(int64(a.Value(r)), 10)
	case *array.Int64:
		s = strconv.FormatInt(a.Value(r), 10)
	case *array.Float32:
		s = strconv.FormatFloat(float64(a.Value(r)), 'g', -1, 32)
	case *array.Float64:
		s = strconv.FormatFloat(a.Value(r), 'g', -1, 64)
	case *array.Decimal128:
		s = a.Value(r).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		s = a.Value(r).ToTime().Format("2006-01-02")
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		t := a.Value(r).ToTime(tt.Unit).UTC()
		switch {
		case tt.TimeZone != "":
			// An instant: ISO-8601 adjusted to UTC with the Z suffix, as
			// the protocol recommends (a zone-less value would be read in
			// each reader's session zone).
			s = t.Format("2006-01-02T15:04:05.000000Z")
		case t.Nanosecond() != 0:
			s = t.Format("2006-01-02 15:04:05.000000")
		default:
			s = t.Format("2006-01-02 15:04:05")
		}
	default:
		s = col.ValueStr(r)
	}
	return &s
}

// hiveEscape escapes a directory name part the way Hive (and so Spark)
// does: characters with meaning in paths or partition specs become %XX.
func hiveEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7F || strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// escapeStorePath is a store name as the log holds it: a URL-encoded
// relative path.
func escapeStorePath(name string) string {
	return (&url.URL{Path: name}).EscapedPath()
}

func partitionColumns(cols []string) []string {
	if cols == nil {
		return []string{}
	}
	return cols
}

// checkPartitionColumns validates PARTITIONED BY: known columns, each
// once, of a partitionable type, and at least one column left for data.
func checkPartitionColumns(schema *arrow.Schema, cols []string) error {
	seen := map[string]bool{}
	for _, c := range cols {
		idx := schema.FieldIndices(c)
		if len(idx) == 0 {
			return sqlerr.New(sqlerr.UndefinedColumn, "partition column \"%s\" does not exist", c)
		}
		if seen[c] {
			return sqlerr.New(sqlerr.DuplicateColumn, "partition column \"%s\" specified more than once", c)
		}
		seen[c] = true
		if err := checkPartitionType(schema.Field(idx[0])); err != nil {
			return sqlerr.New(sqlerr.FeatureNotSupported, "%v", err)
		}
	}
	if len(cols) > 0 && len(cols) >= schema.NumFields() {
		return sqlerr.New(sqlerr.InvalidTableDefinition, "cannot partition by every column: a data file needs at least one column")
	}
	return nil
}
