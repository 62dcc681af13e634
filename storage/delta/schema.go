package delta

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/lodedb/lode/catalog/types"
)

// Field metadata keys. Spark records char/varchar in the first; Lode also
// records its own SQL type name where the Delta type alone would lose it
// (varchar length, numeric without a declared precision).
const (
	metaCharVarchar = "__CHAR_VARCHAR_TYPE_STRING"
	metaSQLType     = "lode.sql_type"
)

type structType struct {
	Type   string        `json:"type"`
	Fields []structField `json:"fields"`
}

type structField struct {
	Name     string          `json:"name"`
	Type     json.RawMessage `json:"type"`
	Nullable bool            `json:"nullable"`
	Metadata map[string]any  `json:"metadata"`
}

// schemaString renders an Arrow schema (of types.Field fields) as Delta's
// JSON schema.
func schemaString(s *arrow.Schema) (string, error) {
	st := structType{Type: "struct", Fields: make([]structField, 0, s.NumFields())}
	seen := map[string]bool{}
	for _, f := range s.Fields() {
		if seen[strings.ToLower(f.Name)] {
			return "", fmt.Errorf("delta: duplicate column name %q (names must be unique ignoring case)", f.Name)
		}
		seen[strings.ToLower(f.Name)] = true
		t, err := types.FromField(f)
		if err != nil {
			return "", fmt.Errorf("delta: column %q: %w", f.Name, err)
		}
		var typ json.RawMessage
		if raw := nestedDeltaType(f); raw != "" && (t.Kind == types.Text || t.Kind == types.Array) {
			// A nested column Lode only reads: its Delta type as it was.
			typ = json.RawMessage(raw)
		} else {
			name, err := deltaTypeName(t)
			if err != nil {
				return "", fmt.Errorf("delta: column %q: %w", f.Name, err)
			}
			typ, _ = json.Marshal(name)
		}
		md := map[string]any{}
		switch {
		case t.Kind == types.Varchar && t.Length > 0:
			md[metaCharVarchar] = fmt.Sprintf("varchar(%d)", t.Length)
			md[metaSQLType] = t.String()
		case t.Kind == types.Numeric && t.Precision == 0:
			md[metaSQLType] = t.String()
		case t.Kind == types.UUID || t.Alias != types.AliasNone:
			// Delta has no uuid, oid or json: the values are stored as
			// Delta "string" (canonical uuid text, the JSON text) or
			// "long", and the metadata gives Lode its type back; other
			// engines see the plain string or long.
			md[metaSQLType] = t.String()
		}
		if i := f.Metadata.FindKey(MetaColumnDefault); i >= 0 {
			md[MetaColumnDefault] = f.Metadata.Values()[i]
		}
		if i := f.Metadata.FindKey(metaPhysicalName); i >= 0 {
			md[metaPhysicalName] = f.Metadata.Values()[i]
		}
		if i := f.Metadata.FindKey(metaColumnID); i >= 0 {
			id, err := strconv.ParseInt(f.Metadata.Values()[i], 10, 64)
			if err != nil {
				return "", fmt.Errorf("delta: column %q: bad column id %q", f.Name, f.Metadata.Values()[i])
			}
			md[metaColumnID] = id
		}
		st.Fields = append(st.Fields, structField{Name: f.Name, Type: typ, Nullable: f.Nullable, Metadata: md})
	}
	b, err := json.Marshal(st)
	return string(b), err
}

// deltaTypeName is the Delta primitive type carrying a SQL type.
func deltaTypeName(t types.T) (string, error) {
	switch t.Kind {
	case types.Bool:
		return "boolean", nil
	case types.Int16:
		return "short", nil
	case types.Int32:
		return "integer", nil
	case types.Int64:
		return "long", nil
	case types.Float32:
		return "float", nil
	case types.Float64:
		return "double", nil
	case types.Numeric:
		return fmt.Sprintf("decimal(%d,%d)", t.DecimalPrecision(), t.Scale), nil
	case types.Text, types.Varchar, types.UUID:
		return "string", nil
	case types.Bytea:
		return "binary", nil
	case types.Date:
		return "date", nil
	case types.Timestamp:
		return "timestamp_ntz", nil
	case types.TimestampTZ:
		return "timestamp", nil
	}
	return "", fmt.Errorf("type %s cannot be stored in a Delta table", t)
}

var decimalRE = regexp.MustCompile(`^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$`)

// sqlTypeOf maps a Delta primitive type name to the SQL type Lode gives it.
func sqlTypeOf(name string) (types.T, error) {
	switch name {
	case "boolean":
		return types.TBool, nil
	case "byte", "short":
		return types.TInt16, nil
	case "integer":
		return types.TInt32, nil
	case "long":
		return types.TInt64, nil
	case "float":
		return types.TFloat32, nil
	case "double":
		return types.TFloat64, nil
	case "string":
		return types.TText, nil
	case "binary":
		return types.TBytea, nil
	case "date":
		return types.TDate, nil
	case "timestamp":
		return types.TTimestampTZ, nil
	case "timestamp_ntz":
		return types.TTimestamp, nil
	case "decimal": // Spark's shorthand for decimal(10,0)
		return types.NumericT(10, 0), nil
	}
	if m := decimalRE.FindStringSubmatch(name); m != nil {
		p, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		if p < 1 || p > types.NumericMaxPrecision || s > p {
			return types.TUnknown, fmt.Errorf("invalid Delta type %s", name)
		}
		return types.NumericT(int32(p), int32(s)), nil
	}
	return types.TUnknown, fmt.Errorf("Delta type %s is not supported yet", name)
}

// parseSchema turns a Delta schemaString into an Arrow schema whose fields
// carry Lode's SQL types (types.Field), recovering varchar(n) and
// unconstrained numeric from the field metadata.
func parseSchema(s string) (*arrow.Schema, error) {
	if s == "" {
		// Some writers' log-only tables carry no schema; they have no
		// columns to read.
		return arrow.NewSchema(nil, nil), nil
	}
	var st structType
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return nil, fmt.Errorf("delta: bad schemaString: %w", err)
	}
	if st.Type != "struct" {
		return nil, fmt.Errorf("delta: schemaString is a %q, not a struct", st.Type)
	}
	fields := make([]arrow.Field, 0, len(st.Fields))
	for _, f := range st.Fields {
		var name string
		if err := json.Unmarshal(f.Type, &name); err != nil {
			t, keys, vals, err := nestedColumnType(f.Type)
			if err != nil {
				return nil, fmt.Errorf("delta: column %q: %w", f.Name, err)
			}
			fields = append(fields, withDeltaMetadata(types.Field(f.Name, t, f.Nullable), f, keys, vals))
			continue
		}
		t, err := sqlTypeOf(name)
		if err != nil {
			return nil, fmt.Errorf("delta: column %q: %w", f.Name, err)
		}
		if v, ok := f.Metadata[metaSQLType].(string); ok {
			if lt, err := types.ParseName(v); err == nil && sameStorage(lt, t) {
				t = lt
			}
		} else if v, ok := f.Metadata[metaCharVarchar].(string); ok && t.Kind == types.Text {
			if lt, err := types.ParseName(v); err == nil && lt.Kind == types.Varchar {
				t = lt
			}
		}
		fields = append(fields, withDeltaMetadata(types.Field(f.Name, t, f.Nullable), f, nil, nil))
	}
	return arrow.NewSchema(fields, nil), nil
}

// withDeltaMetadata adds to field the metadata a schema change must carry
// over: extra keys, the default, and the column mapping identity (a
// renamed column keeps its physical name and id).
func withDeltaMetadata(field arrow.Field, f structField, extraKeys, extraVals []string) arrow.Field {
	keys := append(field.Metadata.Keys(), extraKeys...)
	vals := append(field.Metadata.Values(), extraVals...)
	if d, ok := f.Metadata[MetaColumnDefault].(string); ok {
		keys, vals = append(keys, MetaColumnDefault), append(vals, d)
	}
	if p, ok := f.Metadata[metaPhysicalName].(string); ok {
		keys, vals = append(keys, metaPhysicalName), append(vals, p)
	}
	if id, ok := f.Metadata[metaColumnID].(float64); ok {
		keys, vals = append(keys, metaColumnID), append(vals, strconv.FormatInt(int64(id), 10))
	}
	field.Metadata = arrow.NewMetadata(keys, vals)
	return field
}

// sameStorage reports whether a recorded SQL type still matches the Delta
// type (another engine may have changed the column since Lode wrote it).
func sameStorage(recorded, delta types.T) bool {
	return arrow.TypeEqual(recorded.ArrowType(), delta.ArrowType())
}
