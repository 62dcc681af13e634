package delta

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/uuid"

	"github.com/lodedb/lode/catalog/sqlerr"
)

// Column mapping configuration keys.
const (
	ConfColumnMappingMode = "delta.columnMapping.mode"
	confMaxColumnID       = "delta.columnMapping.maxColumnId"
)

// ColumnMappingEnabled reports whether a configuration maps columns by
// physical name or id.
func ColumnMappingEnabled(conf map[string]string) bool {
	m := conf[ConfColumnMappingMode]
	return m == "name" || m == "id"
}

// physicalNameOf is a field's physical name under column mapping ("" when
// it has none yet).
func physicalNameOf(f arrow.Field) string {
	if i := f.Metadata.FindKey(metaPhysicalName); i >= 0 {
		return f.Metadata.Values()[i]
	}
	return ""
}

// assignColumnMapping gives every field of schema a physical name and id
// when conf enables column mapping, updating the maxColumnId property.
// Fields that already have them keep them. Otherwise the physical name is
// the column's own name when the table is switching to column mapping
// (its data files hold that name) and a fresh unique one for a new column
// (so a dropped column's data can never be read under a new column).
func assignColumnMapping(schema *arrow.Schema, conf map[string]string, switching bool) (*arrow.Schema, error) {
	if !ColumnMappingEnabled(conf) {
		return schema, nil
	}
	if conf[ConfColumnMappingMode] == "id" && switching {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "column mapping mode id is not supported for writing; use 'name'")
	}
	maxID := int64(0)
	if v, ok := conf[confMaxColumnID]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("delta: bad %s %q", confMaxColumnID, v)
		}
		maxID = n
	}
	for _, f := range schema.Fields() {
		if i := f.Metadata.FindKey(metaColumnID); i >= 0 {
			if n, err := strconv.ParseInt(f.Metadata.Values()[i], 10, 64); err == nil && n > maxID {
				maxID = n
			}
		}
	}
	fields := make([]arrow.Field, schema.NumFields())
	for i, f := range schema.Fields() {
		keys, vals := f.Metadata.Keys(), f.Metadata.Values()
		if physicalNameOf(f) == "" {
			phys := "col-" + uuid.NewString()
			if switching {
				phys = f.Name
			}
			keys, vals = append(keys, metaPhysicalName), append(vals, phys)
		}
		if f.Metadata.FindKey(metaColumnID) < 0 {
			maxID++
			keys, vals = append(keys, metaColumnID), append(vals, strconv.FormatInt(maxID, 10))
		}
		f.Metadata = arrow.NewMetadata(keys, vals)
		fields[i] = f
	}
	conf[confMaxColumnID] = strconv.FormatInt(maxID, 10)
	return arrow.NewSchema(fields, nil), nil
}

// fileSchema is the schema data files are written with: the given table
// columns under their physical names.
func fileSchema(snap *Snapshot, cols []int) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for k, c := range cols {
		f := snap.schema.Field(c)
		f.Name = snap.mapping.physical[c]
		fields[k] = f
	}
	return arrow.NewSchema(fields, nil)
}

// checkMappingWrite refuses writing under column mapping mode id: Lode
// writes no Parquet field ids, which readers of id-mapped tables need.
func checkMappingWrite(snap *Snapshot) error {
	if snap.mapping.mode == "id" {
		return sqlerr.New(sqlerr.FeatureNotSupported, "writing tables with column mapping mode id is not supported")
	}
	return nil
}

// PinPhysicalNames gives fields without a physical name their current
// name as one: switching a table to column mapping must keep reading
// what its data files hold under those names.
func PinPhysicalNames(fields []arrow.Field) []arrow.Field {
	out := make([]arrow.Field, len(fields))
	for i, f := range fields {
		if physicalNameOf(f) == "" {
			f.Metadata = arrow.NewMetadata(append(f.Metadata.Keys(), metaPhysicalName), append(f.Metadata.Values(), f.Name))
		}
		out[i] = f
	}
	return out
}
