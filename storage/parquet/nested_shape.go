package parquet

import (
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// MetaNestedShape is the field metadata key a table format sets on a
// string field to read a nested Parquet column (struct, list, map) as JSON
// text. Its value is the column's logical Shape, JSON-encoded: the names
// the JSON objects get and the names the file stores them under may
// differ (Delta column mapping gives nested fields physical names too).
const MetaNestedShape = "lode.nested_shape"

// Shape is the logical type of a nested value, in Spark's vocabulary
// (which Delta and most lakehouse formats share). Kind is "struct",
// "array", "map", or a primitive type name (boolean, byte, short,
// integer, long, float, double, decimal(p,s), string, binary, date,
// timestamp, timestamp_ntz). Of the primitives only "timestamp" changes
// the JSON: it is an instant, rendered in UTC with an offset whatever
// zone the file records.
type Shape struct {
	Kind   string       `json:"kind"`
	Fields []ShapeField `json:"fields,omitempty"` // struct
	Elem   *Shape       `json:"elem,omitempty"`   // array
	Key    *Shape       `json:"key,omitempty"`    // map
	Value  *Shape       `json:"value,omitempty"`  // map
}

// ShapeField is one field of a struct Shape.
type ShapeField struct {
	Name   string `json:"name"`             // the JSON object key
	Stored string `json:"stored,omitempty"` // the name in the file, if not Name
	Type   Shape  `json:"type"`
}

// storedName is the name the file gives the field.
func (f *ShapeField) storedName() string {
	if f.Stored != "" {
		return f.Stored
	}
	return f.Name
}

// NestedShapeOf returns the Shape recorded on a field, or nil.
func NestedShapeOf(f arrow.Field) (*Shape, error) {
	i := f.Metadata.FindKey(MetaNestedShape)
	if i < 0 {
		return nil, nil
	}
	var s Shape
	if err := json.Unmarshal([]byte(f.Metadata.Values()[i]), &s); err != nil {
		return nil, fmt.Errorf("bad %s metadata: %w", MetaNestedShape, err)
	}
	return &s, nil
}
