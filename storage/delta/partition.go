package delta

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ParsePartitionValue decodes a partition value as the protocol serializes
// it into the Go value type of ColumnStats (int16, int32, int64, float32,
// float64, decimal128.Num, string, bool, arrow.Date32, arrow.Timestamp in
// µs); nil is the NULL partition.
func ParsePartitionValue(dt arrow.DataType, v *string) (any, error) {
	if v == nil {
		return nil, nil
	}
	s := *v
	if s == "" && dt.ID() != arrow.STRING {
		return nil, nil // an empty non-string partition value is NULL
	}
	bad := func(err error) (any, error) {
		return nil, fmt.Errorf("bad %s partition value %q: %v", dt, s, err)
	}
	switch t := dt.(type) {
	case *arrow.StringType:
		return s, nil
	case *arrow.BooleanType:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad(err)
		}
		return b, nil
	case *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type:
		n, err := strconv.ParseInt(s, 10, t.(arrow.FixedWidthDataType).BitWidth())
		if err != nil {
			return bad(err)
		}
		switch dt.ID() {
		case arrow.INT16:
			return int16(n), nil
		case arrow.INT32:
			return int32(n), nil
		}
		return n, nil
	case *arrow.Float32Type, *arrow.Float64Type:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad(err)
		}
		if dt.ID() == arrow.FLOAT32 {
			return float32(f), nil
		}
		return f, nil
	case *arrow.Decimal128Type:
		d, err := decimal128.FromString(s, t.Precision, t.Scale)
		if err != nil {
			return bad(err)
		}
		return d, nil
	case *arrow.Date32Type:
		tm, err := time.Parse("2006-01-02", s)
		if err != nil {
			return bad(err)
		}
		return arrow.Date32FromTime(tm), nil
	case *arrow.TimestampType:
		// "2020-01-01 08:09:10[.ffffff]" (UTC) or ISO-8601 with a zone.
		for _, layout := range []string{"2006-01-02 15:04:05.999999999", time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if tm, err := time.Parse(layout, s); err == nil {
				return arrow.Timestamp(tm.UnixMicro()), nil
			}
		}
		return bad(fmt.Errorf("not a timestamp"))
	}
	return nil, fmt.Errorf("partition column of type %s is not supported", dt)
}

// ConstantArray is an array of n copies of v (nil = NULL), the Go value
// types of ParsePartitionValue; partition columns are added to scans so.
func ConstantArray(dt arrow.DataType, v any, n int, mem memory.Allocator) (arrow.Array, error) {
	if v == nil {
		return array.MakeArrayOfNull(mem, dt, n), nil
	}
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	b.Reserve(n)
	for range n {
		switch bb := b.(type) {
		case *array.StringBuilder:
			bb.Append(v.(string))
		case *array.BooleanBuilder:
			bb.Append(v.(bool))
		case *array.Int16Builder:
			bb.Append(v.(int16))
		case *array.Int32Builder:
			bb.Append(v.(int32))
		case *array.Int64Builder:
			bb.Append(v.(int64))
		case *array.Float32Builder:
			bb.Append(v.(float32))
		case *array.Float64Builder:
			bb.Append(v.(float64))
		case *array.Decimal128Builder:
			bb.Append(v.(decimal128.Num))
		case *array.Date32Builder:
			bb.Append(v.(arrow.Date32))
		case *array.TimestampBuilder:
			bb.Append(v.(arrow.Timestamp))
		default:
			return nil, fmt.Errorf("delta: cannot build a constant %s column", dt)
		}
	}
	return b.NewArray(), nil
}

// IsPartitionColumn reports whether column i of Schema is a partition
// column (its values live in DataFile.Partition, not in the data files).
func (s *Snapshot) IsPartitionColumn(i int) bool { return s.partCol[i] }

// PartitionColumns are the partition columns' logical names.
func (s *Snapshot) PartitionColumns() []string {
	return append([]string(nil), s.metadata.PartitionColumns...)
}

// partitionIndex maps the metadata's partition columns onto schema fields.
func partitionIndex(schema *arrow.Schema, cols []string) ([]bool, error) {
	out := make([]bool, schema.NumFields())
	for _, c := range cols {
		found := false
		for i, f := range schema.Fields() {
			if strings.EqualFold(f.Name, c) {
				out[i], found = true, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("delta: partition column %q is not in the schema", c)
		}
	}
	return out, nil
}
