package delta

import (
	"encoding/json"
	"fmt"
)

// Column mapping field metadata keys.
const (
	metaPhysicalName = "delta.columnMapping.physicalName"
	metaColumnID     = "delta.columnMapping.id"
)

// columnMapping is the logical → physical naming of a table's top-level
// columns. With mode none, physical names are the logical ones. Data files,
// stats and partition values all use physical names.
type columnMapping struct {
	mode     string   // none, id or name
	physical []string // per schema field
	ids      []int64  // per schema field; 0 = none
}

// parseColumnMapping reads the physical names and ids of the top-level
// fields of a schemaString under the table's mapping mode.
func parseColumnMapping(schemaString, mode string) (columnMapping, error) {
	if mode == "" {
		mode = "none"
	}
	switch mode {
	case "none", "id", "name":
	default:
		return columnMapping{}, fmt.Errorf("delta: unknown column mapping mode %q", mode)
	}
	var st structType
	if schemaString == "" {
		return columnMapping{mode: mode}, nil
	}
	if err := json.Unmarshal([]byte(schemaString), &st); err != nil {
		return columnMapping{}, fmt.Errorf("delta: bad schemaString: %w", err)
	}
	cm := columnMapping{mode: mode, physical: make([]string, len(st.Fields)), ids: make([]int64, len(st.Fields))}
	for i, f := range st.Fields {
		cm.physical[i] = f.Name
		if mode == "none" {
			continue
		}
		p, ok := f.Metadata[metaPhysicalName].(string)
		if !ok || p == "" {
			return columnMapping{}, fmt.Errorf("delta: column %q has no %s under column mapping mode %s", f.Name, metaPhysicalName, mode)
		}
		cm.physical[i] = p
		if id, ok := f.Metadata[metaColumnID].(float64); ok {
			cm.ids[i] = int64(id)
		}
	}
	return cm, nil
}

// ColumnMappingMode is the table's column mapping mode: none, id or name.
func (s *Snapshot) ColumnMappingMode() string { return s.mapping.mode }

// PhysicalName is the name column i of Schema has in data files, stats
// and partition values.
func (s *Snapshot) PhysicalName(i int) string { return s.mapping.physical[i] }

// PhysicalNames are the physical names of all columns, in schema order.
func (s *Snapshot) PhysicalNames() []string { return append([]string(nil), s.mapping.physical...) }

// ColumnID is the field id of column i under column mapping (0 = none).
func (s *Snapshot) ColumnID(i int) int64 { return s.mapping.ids[i] }
