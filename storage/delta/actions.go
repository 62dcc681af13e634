// Package delta reads and writes Delta Lake tables: the _delta_log of
// newline-delimited JSON actions, snapshots replayed from it, and appends
// committed with put-if-absent so concurrent writers never lose data.
//
// Reading supports reader versions 1-3 with the reader features listed in
// protocol.go (column mapping, deletion vectors, timestampNtz, v2
// checkpoints, type widening, vacuumProtocolCheck); snapshots start from
// the newest readable checkpoint (classic, multi-part or v2 with sidecars)
// and replay the JSON commits after it. Writing stays at reader 1 /
// writer 2 (or 3/7 with timestampNtz).
package delta

import (
	"encoding/json"
)

// Action is one line of a commit file. Exactly one field is set. Actions
// Lode does not model (txn, cdc, domainMetadata, checkpointMetadata, …) are
// skipped on read, as the protocol allows.
type Action struct {
	CommitInfo map[string]any `json:"commitInfo,omitempty"`
	Protocol   *Protocol      `json:"protocol,omitempty"`
	MetaData   *Metadata      `json:"metaData,omitempty"`
	Add        *AddFile       `json:"add,omitempty"`
	Remove     *RemoveFile    `json:"remove,omitempty"`
	// Txn and DomainMetadata are carried into checkpoints (see
	// checkpoint_state.go); replay itself ignores them.
	Txn            *Txn            `json:"txn,omitempty"`
	DomainMetadata *DomainMetadata `json:"domainMetadata,omitempty"`
	// Sidecar and CheckpointMetadata appear only in v2 checkpoints.
	Sidecar            *Sidecar       `json:"sidecar,omitempty"`
	CheckpointMetadata map[string]any `json:"checkpointMetadata,omitempty"`
}

// Sidecar points a v2 checkpoint at a file of its add and remove actions
// in _delta_log/_sidecars/.
type Sidecar struct {
	Path             string `json:"path"`
	SizeInBytes      int64  `json:"sizeInBytes"`
	ModificationTime int64  `json:"modificationTime"`
}

// Protocol is the protocol action: the versions (and, from reader 3 /
// writer 7, the named features) a client must support.
type Protocol struct {
	MinReaderVersion int      `json:"minReaderVersion"`
	MinWriterVersion int      `json:"minWriterVersion"`
	ReaderFeatures   []string `json:"readerFeatures,omitempty"`
	WriterFeatures   []string `json:"writerFeatures,omitempty"`
}

// Format is the data file format of a table (always parquet).
type Format struct {
	Provider string            `json:"provider"`
	Options  map[string]string `json:"options"`
}

// Metadata is the metaData action: identity, schema and configuration.
type Metadata struct {
	ID               string            `json:"id"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	Format           Format            `json:"format"`
	SchemaString     string            `json:"schemaString"`
	PartitionColumns []string          `json:"partitionColumns"`
	Configuration    map[string]string `json:"configuration"`
	CreatedTime      *int64            `json:"createdTime,omitempty"`
}

// AddFile is the add action. Path is URL-encoded in the log.
type AddFile struct {
	Path             string             `json:"path"`
	PartitionValues  map[string]*string `json:"partitionValues"`
	Size             int64              `json:"size"`
	ModificationTime int64              `json:"modificationTime"`
	DataChange       bool               `json:"dataChange"`
	Stats            string             `json:"stats,omitempty"`
	Tags             map[string]string  `json:"tags,omitempty"`
	DeletionVector   json.RawMessage    `json:"deletionVector,omitempty"`
}

// RemoveFile is the remove action (a tombstone).
type RemoveFile struct {
	Path                 string `json:"path"`
	DeletionTimestamp    *int64 `json:"deletionTimestamp,omitempty"`
	DataChange           bool   `json:"dataChange"`
	ExtendedFileMetadata bool   `json:"extendedFileMetadata,omitempty"`
	// PartitionValues must be present (an empty object for an
	// unpartitioned table) when ExtendedFileMetadata is true, as Lode
	// always writes it; omitempty would drop an empty map.
	PartitionValues map[string]*string `json:"partitionValues"`
	Size            *int64             `json:"size,omitempty"`
	DeletionVector  json.RawMessage    `json:"deletionVector,omitempty"`
}

// encodeActions renders a commit file: one JSON document per line.
func encodeActions(actions []Action) ([]byte, error) {
	var out []byte
	for _, a := range actions {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
		out = append(out, '\n')
	}
	return out, nil
}
