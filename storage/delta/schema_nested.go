package delta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/parquet"
)

// Nested Delta columns (struct, array, map) are read-only in Lode. An
// array of a primitive Lode has a type for becomes Lode's array type;
// anything else (structs, maps, arrays of those, arrays of arrays or of
// binary) becomes text holding each value as JSON, which the json
// operators (->, ->>, #>>) query. See sqltests/DIFFERENCES.md.

// metaDeltaType keeps a nested column's Delta type (its JSON, inner
// column mapping metadata included) on the Arrow field, so a schema
// change Lode commits (ALTER TABLE) writes the type back unchanged, and
// writes can tell the column is nested.
const metaDeltaType = "lode.delta_type"

// deltaType is a nested type of a Delta schemaString.
type deltaType struct {
	Type        string          `json:"type"`
	Fields      []structField   `json:"fields"`      // struct
	ElementType json.RawMessage `json:"elementType"` // array
	KeyType     json.RawMessage `json:"keyType"`     // map
	ValueType   json.RawMessage `json:"valueType"`   // map
}

// nestedColumnType is the Lode type and metadata of a column of the
// nested Delta type raw.
func nestedColumnType(raw json.RawMessage) (types.T, []string, []string, error) {
	shape, err := shapeOf(raw)
	if err != nil {
		return types.TUnknown, nil, nil, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return types.TUnknown, nil, nil, err
	}
	keys, vals := []string{metaDeltaType}, []string{compact.String()}
	if shape.Kind == "array" {
		if et, err := sqlTypeOf(shape.Elem.Kind); err == nil && shape.Elem.Elem == nil && shape.Elem.Fields == nil && shape.Elem.Key == nil {
			return types.ArrayOf(et), keys, vals, nil
		}
	}
	enc, err := json.Marshal(shape)
	if err != nil {
		return types.TUnknown, nil, nil, err
	}
	return types.TText, append(keys, parquet.MetaNestedShape), append(vals, string(enc)), nil
}

// shapeOf turns a Delta type into the parquet reader's Shape: logical
// names for the JSON, physical names (column mapping) to find the fields
// in the data files.
func shapeOf(raw json.RawMessage) (parquet.Shape, error) {
	var prim string
	if json.Unmarshal(raw, &prim) == nil {
		if _, err := sqlTypeOf(prim); err != nil && prim != "binary" {
			return parquet.Shape{}, err
		}
		return parquet.Shape{Kind: prim}, nil
	}
	var dt deltaType
	if err := json.Unmarshal(raw, &dt); err != nil {
		return parquet.Shape{}, fmt.Errorf("bad Delta type %s: %w", raw, err)
	}
	s := parquet.Shape{Kind: dt.Type}
	switch dt.Type {
	case "struct":
		s.Fields = make([]parquet.ShapeField, 0, len(dt.Fields))
		for _, f := range dt.Fields {
			ft, err := shapeOf(f.Type)
			if err != nil {
				return parquet.Shape{}, fmt.Errorf("field %q: %w", f.Name, err)
			}
			sf := parquet.ShapeField{Name: f.Name, Type: ft}
			if p, ok := f.Metadata[metaPhysicalName].(string); ok && p != f.Name {
				sf.Stored = p
			}
			s.Fields = append(s.Fields, sf)
		}
	case "array":
		e, err := shapeOf(dt.ElementType)
		if err != nil {
			return parquet.Shape{}, err
		}
		s.Elem = &e
	case "map":
		k, err := shapeOf(dt.KeyType)
		if err != nil {
			return parquet.Shape{}, err
		}
		v, err := shapeOf(dt.ValueType)
		if err != nil {
			return parquet.Shape{}, err
		}
		s.Key, s.Value = &k, &v
	default:
		return parquet.Shape{}, fmt.Errorf("Delta type %q is not supported", dt.Type)
	}
	return s, nil
}

// nestedDeltaType is the Delta type JSON recorded on a nested column's
// field ("" for other columns).
func nestedDeltaType(f arrow.Field) string {
	if i := f.Metadata.FindKey(metaDeltaType); i >= 0 {
		return f.Metadata.Values()[i]
	}
	return ""
}

// checkNestedWrite refuses writes to tables with nested columns: Lode
// cannot encode struct, array or map values in Parquet, and a data file
// missing or mistyping a column would lose data.
func checkNestedWrite(snap *Snapshot) error {
	for _, f := range snap.Schema().Fields() {
		if raw := nestedDeltaType(f); raw != "" {
			return sqlerr.New(sqlerr.FeatureNotSupported,
				"cannot write to this table: column %q has the nested Delta type %s, which Lode reads but does not write yet", f.Name, simpleTypeString(json.RawMessage(raw)))
		}
	}
	return nil
}

// simpleTypeString renders a Delta type as Spark's simpleString does
// (struct<a:int,b:array<string>>), for messages.
func simpleTypeString(raw json.RawMessage) string {
	var prim string
	if json.Unmarshal(raw, &prim) == nil {
		switch prim {
		case "integer":
			return "int"
		case "long":
			return "bigint"
		case "short":
			return "smallint"
		case "byte":
			return "tinyint"
		}
		return prim
	}
	var dt deltaType
	if json.Unmarshal(raw, &dt) != nil {
		return string(raw)
	}
	switch dt.Type {
	case "array":
		return "array<" + simpleTypeString(dt.ElementType) + ">"
	case "map":
		return "map<" + simpleTypeString(dt.KeyType) + "," + simpleTypeString(dt.ValueType) + ">"
	case "struct":
		parts := make([]string, len(dt.Fields))
		for i, f := range dt.Fields {
			parts[i] = f.Name + ":" + simpleTypeString(f.Type)
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	}
	return dt.Type
}

// checkNestedMappingSwitch refuses to turn column mapping on for a table
// with nested columns: the protocol wants a physical name on every nested
// field too, which Lode would have to add inside types it does not own.
func checkNestedMappingSwitch(snap *Snapshot, conf map[string]string) error {
	if snap.mapping.mode != "none" || conf[ConfColumnMappingMode] == "" || conf[ConfColumnMappingMode] == "none" {
		return nil
	}
	for _, f := range snap.Schema().Fields() {
		if nestedDeltaType(f) != "" {
			return sqlerr.New(sqlerr.FeatureNotSupported,
				"cannot enable column mapping (needed by DROP COLUMN and RENAME COLUMN): column %q has a nested Delta type, which Lode reads but does not change", f.Name)
		}
	}
	return nil
}
