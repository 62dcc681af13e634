package delta

import (
	"errors"
	"fmt"
	"maps"

	"github.com/apache/arrow-go/v18/arrow"
)

// EvolveSchema makes this append also change the table's schema in the
// same commit (schema evolution on append): schema must be the table's
// columns followed by new ones, which the files written now carry and the
// older files read as NULL. Call it before the first NewFileWriter.
func (a *Append) EvolveSchema(schema *arrow.Schema) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.err != nil {
		return a.err
	}
	if a.open > 0 || len(a.files) > 0 {
		return errors.New("delta: EvolveSchema after writing started")
	}
	old := a.snap
	n := old.schema.NumFields()
	if schema.NumFields() < n {
		return errors.New("delta: schema evolution cannot drop columns")
	}
	for i, f := range old.schema.Fields() {
		if nf := schema.Field(i); nf.Name != f.Name || !arrow.TypeEqual(nf.Type, f.Type) {
			return fmt.Errorf("delta: schema evolution changes column %q", f.Name)
		}
	}
	// Existing columns keep their metadata (physical names, defaults).
	fields := append(append([]arrow.Field{}, old.schema.Fields()...), schema.Fields()[n:]...)
	conf := maps.Clone(old.metadata.Configuration)
	if conf == nil {
		conf = map[string]string{}
	}
	evolved, err := assignColumnMapping(arrow.NewSchema(fields, nil), conf, false)
	if err != nil {
		return err
	}
	ss, err := schemaString(evolved)
	if err != nil {
		return err
	}
	md := old.metadata
	md.SchemaString, md.Configuration = ss, conf
	snap := *old
	if snap.schema, err = parseSchema(ss); err != nil {
		return err
	}
	if snap.mapping, err = parseColumnMapping(ss, conf[ConfColumnMappingMode]); err != nil {
		return err
	}
	snap.metadata = md
	snap.partCol = append(append([]bool{}, old.partCol...), make([]bool, schema.NumFields()-n)...)
	a.snap = &snap
	a.newMeta = &md
	a.newProto = upgradeProtocol(&old.protocol, protocolFor(snap.schema, conf))
	if a.layout, err = newPartitionLayout(&snap); err != nil {
		return err
	}
	a.fileSchema = fileSchemaOf(&snap, a.layout)
	return nil
}

// fileSchemaOf is the schema an append's data files are written with.
func fileSchemaOf(snap *Snapshot, layout *partitionLayout) *arrow.Schema {
	if layout != nil {
		return layout.data
	}
	all := make([]int, snap.schema.NumFields())
	for i := range all {
		all[i] = i
	}
	return fileSchema(snap, all)
}
