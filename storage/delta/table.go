package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/uuid"
	"github.com/lodedb/lode/storage/objstore"
)

// EngineInfo is recorded in every commitInfo Lode writes.
const EngineInfo = "Lode/0.1"

var (
	// ErrTableExists is returned by Create when version 0 already exists.
	ErrTableExists = errors.New("delta: table already exists")
	// ErrNotATable is returned by Open when the directory has no Delta log.
	ErrNotATable = errors.New("delta: not a Delta table (no _delta_log versions)")
)

// Table is a handle on a Delta table at a location. It holds no state
// beyond the store: every Snapshot re-reads the log, so several handles
// (or processes) on one table are fine.
type Table struct {
	store objstore.Store
	dir   string
}

// CreateOptions are the optional parts of a new table's metadata.
type CreateOptions struct {
	Name          string
	Description   string
	Configuration map[string]string
	// PartitionColumns partition the table (logical column names): rows
	// are laid out in col=value/ directories.
	PartitionColumns []string
	// Operation and OperationParameters go to commitInfo; the default is
	// "CREATE TABLE".
	Operation           string
	OperationParameters map[string]any
}

// Open returns the table in dir, failing with ErrNotATable when there is no
// log to read.
func Open(dir string) (*Table, error) {
	return OpenStore(objstore.NewLocal(dir), dir)
}

// OpenStore is Open on any store; dir is only used in messages.
func OpenStore(store objstore.Store, dir string) (*Table, error) {
	t := &Table{store: store, dir: dir}
	if _, err := listLog(context.Background(), store, -1); err != nil {
		if errors.Is(err, ErrNotATable) {
			return nil, fmt.Errorf("%w: %s", ErrNotATable, dir)
		}
		return nil, err
	}
	return t, nil
}

// Create writes version 0 of a new table in dir. The protocol is the
// lowest that can carry the schema: 1/2, or 3/7 with timestampNtz when a
// column is a timestamp without time zone.
func Create(ctx context.Context, dir string, schema *arrow.Schema, opts CreateOptions) (*Table, error) {
	return CreateStore(ctx, objstore.NewLocal(dir), dir, schema, opts)
}

// CreateStore is Create on any store.
func CreateStore(ctx context.Context, store objstore.Store, dir string, schema *arrow.Schema, opts CreateOptions) (*Table, error) {
	conf := maps.Clone(opts.Configuration)
	if conf == nil {
		conf = map[string]string{}
	}
	schema, err := assignColumnMapping(schema, conf, false)
	if err != nil {
		return nil, err
	}
	ss, err := schemaString(schema)
	if err != nil {
		return nil, err
	}
	now := time.Now().UnixMilli()
	md := &Metadata{
		ID:               uuid.NewString(),
		Name:             opts.Name,
		Description:      opts.Description,
		Format:           Format{Provider: "parquet", Options: map[string]string{}},
		SchemaString:     ss,
		PartitionColumns: partitionColumns(opts.PartitionColumns),
		Configuration:    conf,
		CreatedTime:      &now,
	}
	op := opts.Operation
	if op == "" {
		op = "CREATE TABLE"
	}
	if err := checkPartitionColumns(schema, opts.PartitionColumns); err != nil {
		return nil, err
	}
	params := opts.OperationParameters
	if params == nil {
		pb, _ := json.Marshal(partitionColumns(opts.PartitionColumns))
		params = map[string]any{"isManaged": "true", "description": nil, "partitionBy": string(pb), "properties": "{}"}
	}
	actions := []Action{
		{CommitInfo: map[string]any{
			"timestamp":           now,
			"operation":           op,
			"operationParameters": params,
			"isBlindAppend":       true,
			"engineInfo":          EngineInfo,
			"txnId":               uuid.NewString(),
		}},
		{Protocol: protocolFor(schema, conf)},
		{MetaData: md},
	}
	data, err := encodeActions(actions)
	if err != nil {
		return nil, err
	}
	if err := store.PutIfAbsent(ctx, commitName(0), data); err != nil {
		if errors.Is(err, objstore.ErrExists) {
			return nil, fmt.Errorf("%w: %s", ErrTableExists, dir)
		}
		return nil, err
	}
	return &Table{store: store, dir: dir}, nil
}

// MetaColumnDefault is the Delta field metadata key holding a column's
// default expression as SQL text (the allowColumnDefaults feature).
const MetaColumnDefault = "CURRENT_DEFAULT"

// Dir is the table's location as given to Open or Create.
func (t *Table) Dir() string { return t.dir }

// Store is the store the table lives in.
func (t *Table) Store() objstore.Store { return t.store }

// writerFeatures are the writer features Lode can write under.
var writerFeatures = []string{"timestampNtz", "appendOnly", "invariants", "allowColumnDefaults", "checkConstraints", "deletionVectors", "columnMapping"}

// checkWrite fails if writing needs protocol features Lode lacks.
func checkWrite(p *Protocol) error {
	switch {
	case p.MinWriterVersion <= 2:
		return nil
	case p.MinWriterVersion == 7:
		for _, f := range p.WriterFeatures {
			if !slices.Contains(writerFeatures, f) {
				return fmt.Errorf("delta: table needs writer feature %q, which Lode does not support yet", f)
			}
		}
		return nil
	}
	return fmt.Errorf("delta: table needs writer version %d, Lode writes versions 2 and 7", p.MinWriterVersion)
}

// CheckConstraints returns the table's CHECK constraints: name → SQL text.
func (s *Snapshot) CheckConstraints() map[string]string {
	out := map[string]string{}
	for k, v := range s.metadata.Configuration {
		if name, ok := strings.CutPrefix(k, "delta.constraints."); ok {
			out[name] = v
		}
	}
	return out
}
