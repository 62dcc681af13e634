package delta

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/uuid"
)

// SetSchema commits a new schema for the table (ALTER TABLE ADD COLUMN):
// a metaData action with the same table id. Files written before keep
// their columns; readers fill columns a file lacks with NULLs.
func (t *Table) SetSchema(ctx context.Context, snap *Snapshot, schema *arrow.Schema, operation string, params map[string]any) (int64, error) {
	if err := checkWrite(&snap.protocol); err != nil {
		return 0, err
	}
	s, err := schemaString(schema)
	if err != nil {
		return 0, err
	}
	md := snap.metadata
	md.SchemaString = s
	actions := []Action{
		{CommitInfo: map[string]any{
			"timestamp":           time.Now().UnixMilli(),
			"operation":           operation,
			"operationParameters": params,
			"readVersion":         snap.version,
			"isolationLevel":      "Serializable",
			"isBlindAppend":       false,
			"engineInfo":          EngineInfo,
			"txnId":               uuid.NewString(),
		}},
		{MetaData: &md},
	}
	if p := protocolFor(schema); p.MinWriterVersion > snap.protocol.MinWriterVersion || p.MinReaderVersion > snap.protocol.MinReaderVersion {
		actions = append(actions, Action{Protocol: p})
	}
	return t.commit(ctx, snap, actions)
}
