package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// leafCol describes one top-level primitive column of a file as Lode reads
// it: where its chunks are, its physical encoding, and the Arrow type it
// naturally maps to.
type leafCol struct {
	name     string
	leaf     int // index among the file's leaf columns (column chunk index)
	phys     format.Type
	typeLen  int  // FIXED_LEN_BYTE_ARRAY width
	optional bool // max definition level is 1 (else 0)
	dt       arrow.DataType

	decimal   bool
	precision int32
	scale     int32
	tsNanos   int64 // INT64 timestamps: nanoseconds per unit (1e6 ms, 1e3 µs, 1 ns); 0 if not a timestamp
}

// nestedCol is a top-level column the flat decoder cannot read: a group
// (struct, list, map) or a repeated primitive. Its leaves are the column
// chunks [firstLeaf, firstLeaf+leaves); see readNested.
type nestedCol struct {
	firstLeaf, leaves int
}

// readSchema walks the flattened schema of a file. Nested columns (groups,
// repeated fields) are not decoded by the flat path; they are returned
// by name with their leaf range so readNested can assemble them, and their
// leaves stay counted so the chunk indexes of later columns stay right.
func readSchema(md *format.FileMetaData) ([]leafCol, map[string]nestedCol, error) {
	els := md.Schema
	if len(els) == 0 {
		return nil, nil, fmt.Errorf("parquet: file has no schema")
	}
	nroot, _ := els[0].NumChildren.Get()
	var cols []leafCol
	nested := map[string]nestedCol{}
	pos, leaf := 1, 0
	for range nroot {
		if pos >= len(els) {
			return nil, nil, fmt.Errorf("parquet: truncated schema")
		}
		el := &els[pos]
		if nc, ok := el.NumChildren.Get(); ok && nc > 0 {
			end, leaves := skipGroup(els, pos)
			nested[el.Name] = nestedCol{firstLeaf: leaf, leaves: leaves}
			pos, leaf = end, leaf+leaves
			continue
		}
		rep, _ := el.RepetitionType.Get()
		if rep == format.Repeated {
			nested[el.Name] = nestedCol{firstLeaf: leaf, leaves: 1}
		} else if c, ok := leafOf(el); ok {
			c.leaf = leaf
			c.optional = rep == format.Optional
			cols = append(cols, c)
		}
		pos++
		leaf++
	}
	return cols, nested, nil
}

// skipGroup returns the index after the subtree rooted at els[pos] and how
// many leaves it holds.
func skipGroup(els []format.SchemaElement, pos int) (end, leaves int) {
	nc, _ := els[pos].NumChildren.Get()
	if nc == 0 {
		return pos + 1, 1
	}
	pos++
	for range nc {
		var l int
		pos, l = skipGroup(els, pos)
		leaves += l
	}
	return pos, leaves
}

// leafOf maps a primitive schema element to its natural Arrow type, from
// the logical type if present, else the legacy converted type. Types Lode
// cannot carry yet report ok=false and are invisible to readers.
func leafOf(el *format.SchemaElement) (c leafCol, ok bool) {
	phys, _ := el.Type.Get()
	c.name, c.phys = el.Name, phys
	if n, ok := el.TypeLength.Get(); ok {
		c.typeLen = int(n)
	}
	conv, hasConv := el.ConvertedType.Get()
	lt := el.LogicalType.Value
	if d, isDec := lt.(*format.DecimalType); isDec {
		c.decimal, c.precision, c.scale = true, d.Precision, d.Scale
	} else if hasConv && conv == deprecated.Decimal {
		p, _ := el.Precision.Get()
		s, _ := el.Scale.Get()
		c.decimal, c.precision, c.scale = true, p, s
	}
	if c.decimal {
		if c.precision < 1 || c.precision > 38 {
			return c, false
		}
		c.dt = &arrow.Decimal128Type{Precision: c.precision, Scale: c.scale}
		return c, phys == format.Int32 || phys == format.Int64 || phys == format.FixedLenByteArray || phys == format.ByteArray
	}
	switch phys {
	case format.Boolean:
		c.dt = arrow.FixedWidthTypes.Boolean
	case format.Int32:
		switch t := lt.(type) {
		case *format.DateType:
			c.dt = arrow.FixedWidthTypes.Date32
		case *format.IntType:
			switch {
			case !t.IsSigned && t.BitWidth == 32:
				return c, false
			case t.BitWidth <= 16:
				c.dt = arrow.PrimitiveTypes.Int16
			default:
				c.dt = arrow.PrimitiveTypes.Int32
			}
		case nil:
			switch {
			case hasConv && conv == deprecated.Date:
				c.dt = arrow.FixedWidthTypes.Date32
			case hasConv && (conv == deprecated.Int8 || conv == deprecated.Int16 || conv == deprecated.Uint8):
				c.dt = arrow.PrimitiveTypes.Int16
			case hasConv && conv == deprecated.Uint32:
				return c, false
			default:
				c.dt = arrow.PrimitiveTypes.Int32
			}
		default:
			return c, false
		}
	case format.Int64:
		switch t := lt.(type) {
		case *format.TimestampType:
			c.tsNanos = int64(t.Unit.Value.Duration())
			c.dt = tsType(t.IsAdjustedToUTC)
		case *format.IntType:
			if !t.IsSigned {
				return c, false
			}
			c.dt = arrow.PrimitiveTypes.Int64
		case nil:
			switch {
			case hasConv && conv == deprecated.TimestampMillis:
				c.tsNanos, c.dt = 1e6, tsType(true)
			case hasConv && conv == deprecated.TimestampMicros:
				c.tsNanos, c.dt = 1e3, tsType(true)
			case hasConv && conv == deprecated.Uint64:
				return c, false
			default:
				c.dt = arrow.PrimitiveTypes.Int64
			}
		default:
			return c, false
		}
	case format.Int96:
		// Spark's legacy timestamps: instants, so they map to timestamptz.
		c.dt = tsType(true)
	case format.Float:
		c.dt = arrow.PrimitiveTypes.Float32
	case format.Double:
		c.dt = arrow.PrimitiveTypes.Float64
	case format.ByteArray:
		switch lt.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			c.dt = arrow.BinaryTypes.String
		case nil:
			if hasConv && (conv == deprecated.UTF8 || conv == deprecated.Enum || conv == deprecated.Json) {
				c.dt = arrow.BinaryTypes.String
			} else {
				c.dt = arrow.BinaryTypes.Binary
			}
		default:
			return c, false
		}
	default:
		return c, false
	}
	return c, true
}

func tsType(utc bool) arrow.DataType {
	if utc {
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	return &arrow.TimestampType{Unit: arrow.Microsecond}
}
