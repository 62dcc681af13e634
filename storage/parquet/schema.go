// Package parquet converts between Arrow records and Parquet files the way
// Spark lays them out for Delta tables, so files Lode writes are readable by
// Spark, DuckDB, delta-rs and Trino, and files they write are readable here.
//
// Writing goes through parquet-go's column writers one column at a time;
// reading decodes parquet-go pages straight into Arrow buffers.
package parquet

import (
	"fmt"
	"math/big"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/types"
	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
)

// decimalBytes is the smallest FIXED_LEN_BYTE_ARRAY width that holds every
// unscaled value of precision p (two's complement), as Spark sizes it.
func decimalBytes(p int32) int {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(p)), nil) // 10^p
	for n := 1; ; n++ {
		// the largest positive value of n bytes is 2^(8n-1)-1; it must be >= 10^p-1
		max := new(big.Int).Lsh(big.NewInt(1), uint(8*n-1))
		if max.Cmp(limit) >= 0 {
			return n
		}
	}
}

// isBytea reports whether a string field carries bytea values (Lode's SQL
// type in the field metadata), which are written as Parquet binary.
func isBytea(f arrow.Field) bool {
	t, err := types.FromField(f)
	return err == nil && t.Kind == types.Bytea
}

// nodeFor maps one top-level Arrow field to its Parquet leaf node.
func nodeFor(f arrow.Field) (pq.Node, error) {
	var n pq.Node
	switch t := f.Type.(type) {
	case *arrow.BooleanType:
		n = pq.Leaf(pq.BooleanType)
	case *arrow.Int16Type:
		n = pq.Int(16)
	case *arrow.Int32Type:
		n = pq.Leaf(pq.Int32Type)
	case *arrow.Int64Type:
		n = pq.Leaf(pq.Int64Type)
	case *arrow.Float32Type:
		n = pq.Leaf(pq.FloatType)
	case *arrow.Float64Type:
		n = pq.Leaf(pq.DoubleType)
	case *arrow.Decimal128Type:
		var phys pq.Type
		switch {
		case t.Precision <= 9:
			phys = pq.Int32Type
		case t.Precision <= 18:
			phys = pq.Int64Type
		default:
			phys = pq.FixedLenByteArrayType(decimalBytes(t.Precision))
		}
		n = pq.Decimal(int(t.Scale), int(t.Precision), phys)
	case *arrow.StringType:
		if isBytea(f) {
			// Plain BYTE_ARRAY without the UTF8 annotation: Spark's binary.
			n = pq.Encoded(pq.Leaf(pq.ByteArrayType), &pq.RLEDictionary)
			break
		}
		// Dictionary-encoded like Spark does (parquet-go would pick
		// DELTA_LENGTH_BYTE_ARRAY, which Spark before 3.3 cannot read
		// vectorized); the writer falls back to PLAIN past dictMaxBytes.
		n = pq.Encoded(pq.String(), &pq.RLEDictionary)
	case *arrow.Date32Type:
		n = pq.Date()
	case *arrow.TimestampType:
		if t.Unit != arrow.Microsecond {
			return nil, fmt.Errorf("parquet: column %q: only microsecond timestamps can be written, got %s", f.Name, t)
		}
		n = pq.TimestampAdjusted(pq.Microsecond, t.TimeZone != "")
	default:
		return nil, fmt.Errorf("parquet: column %q: unsupported Arrow type %s", f.Name, f.Type)
	}
	if f.Nullable {
		n = pq.Optional(n)
	} else {
		n = pq.Required(n)
	}
	return n, nil
}

// schemaFor builds the Parquet schema of an Arrow schema, keeping column
// order (parquet.Group would sort the columns by name).
func schemaFor(s *arrow.Schema) (*pq.Schema, error) {
	g := make(orderedGroup, s.NumFields())
	for i, f := range s.Fields() {
		n, err := nodeFor(f)
		if err != nil {
			return nil, err
		}
		g[i] = namedField{Node: n, name: f.Name}
	}
	return pq.NewSchema("spark_schema", g), nil
}

// orderedGroup is a root group node whose fields keep the caller's order.
type orderedGroup []pq.Field

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return fmt.Sprintf("group(%d fields)", len(g)) }
func (g orderedGroup) Type() pq.Type               { return pq.Group(nil).Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Fields() []pq.Field          { return g }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) GoType() reflect.Type        { return reflect.TypeOf(map[string]any(nil)) }

type namedField struct {
	pq.Node
	name string
}

func (f namedField) Name() string { return f.name }

// Value is only used by parquet-go's reflection paths, which Lode never takes.
func (f namedField) Value(base reflect.Value) reflect.Value { return reflect.Value{} }
