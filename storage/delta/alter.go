package delta

import (
	"context"
	"maps"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/uuid"
)

// SetSchema commits a new schema for the table (ALTER TABLE ADD/DROP/
// RENAME COLUMN) with its configuration unchanged; see SetMetadata.
func (t *Table) SetSchema(ctx context.Context, snap *Snapshot, schema *arrow.Schema, operation string, params map[string]any) (int64, error) {
	return t.SetMetadata(ctx, snap, schema, snap.metadata.Configuration, operation, params)
}

// SetMetadata commits a new schema and configuration: a metaData action
// with the same table id, and a protocol action when the table now uses
// features its protocol lacks. Files written before keep their columns;
// readers fill columns a file lacks with NULLs. Under column mapping,
// columns new to the schema get a fresh physical name and id, and a
// table switching to it keeps its columns' current names as physical ones.
func (t *Table) SetMetadata(ctx context.Context, snap *Snapshot, schema *arrow.Schema, conf map[string]string, operation string, params map[string]any) (int64, error) {
	if err := checkWrite(&snap.protocol); err != nil {
		return 0, err
	}
	conf = maps.Clone(conf)
	if conf == nil {
		conf = map[string]string{}
	}
	if err := checkNestedMappingSwitch(snap, conf); err != nil {
		return 0, err
	}
	schema, err := assignColumnMapping(schema, conf, snap.mapping.mode == "none")
	if err != nil {
		return 0, err
	}
	s, err := schemaString(schema)
	if err != nil {
		return 0, err
	}
	md := snap.metadata
	md.SchemaString = s
	md.Configuration = conf
	md.PartitionColumns = renamedPartitionColumns(snap, schema)
	actions := []Action{
		{CommitInfo: map[string]any{
			"timestamp":           time.Now().UnixMilli(),
			"operation":           operation,
			"operationParameters": params,
			"readVersion":         snap.version,
			"isolationLevel":      "WriteSerializable",
			"isBlindAppend":       false,
			"engineInfo":          EngineInfo,
			"txnId":               uuid.NewString(),
		}},
		{MetaData: &md},
	}
	if p := upgradeProtocol(&snap.protocol, protocolFor(schema, conf)); p != nil {
		actions = append(actions, Action{Protocol: p})
	}
	return t.commit(ctx, snap, actions)
}

// renamedPartitionColumns follows the partition columns through a schema
// change by their physical names (a rename changes only the logical one).
func renamedPartitionColumns(snap *Snapshot, schema *arrow.Schema) []string {
	out := []string{}
	for _, old := range snap.metadata.PartitionColumns {
		name := old
		for i, f := range snap.schema.Fields() {
			if f.Name != old {
				continue
			}
			for _, nf := range schema.Fields() {
				if physicalNameOf(nf) == snap.mapping.physical[i] {
					name = nf.Name
				}
			}
		}
		out = append(out, name)
	}
	return out
}
