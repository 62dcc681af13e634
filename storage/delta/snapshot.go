package delta

import (
	"context"
	"fmt"
	"net/url"

	"github.com/apache/arrow-go/v18/arrow"
)

// Snapshot is the table at one version: protocol, metadata and live files.
// It is immutable.
type Snapshot struct {
	table    *Table
	version  int64
	protocol Protocol
	metadata Metadata
	schema   *arrow.Schema
	files    []DataFile
}

// DataFile is one live data file of a snapshot.
type DataFile struct {
	Path             string // relative to the table root (or an absolute URI), URL-decoded
	Size             int64
	ModificationTime int64 // ms since the epoch
	PartitionValues  map[string]*string
	NumRecords       int64                  // -1 when the file has no stats
	Columns          map[string]ColumnStats // per top-level column; absent = unknown
}

// ColumnStats are a column's statistics in one data file. Min and Max are
// nil when unknown; their Go types follow parquet.ColumnStats (int16,
// int32, int64, float32, float64, decimal128.Num, string, arrow.Date32,
// arrow.Timestamp in µs). Strings may be truncated prefixes and timestamps
// are truncated to milliseconds, so they bound values loosely (see the
// protocol's tightBounds); NullCount is -1 when unknown.
type ColumnStats struct {
	Min, Max  any
	NullCount int64
}

// Snapshot reads the latest version of the table.
func (t *Table) Snapshot(ctx context.Context) (*Snapshot, error) {
	return t.snapshot(ctx, -1)
}

// SnapshotAt reads the table as of version.
func (t *Table) SnapshotAt(ctx context.Context, version int64) (*Snapshot, error) {
	if version < 0 {
		return nil, fmt.Errorf("delta: version %d does not exist", version)
	}
	return t.snapshot(ctx, version)
}

func (t *Table) snapshot(ctx context.Context, upTo int64) (*Snapshot, error) {
	seg, err := listLog(ctx, t.store, upTo)
	if err != nil {
		return nil, err
	}
	r := newReplay()
	for _, v := range seg.commits {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		actions, err := readCommit(ctx, t.store, v)
		if err != nil {
			return nil, err
		}
		r.apply(actions)
	}
	return r.finish(t, seg.version)
}

// replay reconciles actions in log order: the last add or remove of a path
// wins, and the latest protocol and metaData win.
type replay struct {
	protocol *Protocol
	metadata *Metadata
	adds     map[string]*AddFile
	order    []string // first-seen order of live paths, for stable file lists
}

func newReplay() *replay { return &replay{adds: map[string]*AddFile{}} }

func (r *replay) apply(actions []Action) {
	for i := range actions {
		a := &actions[i]
		switch {
		case a.Protocol != nil:
			r.protocol = a.Protocol
		case a.MetaData != nil:
			r.metadata = a.MetaData
		case a.Add != nil:
			if _, ok := r.adds[a.Add.Path]; !ok {
				r.order = append(r.order, a.Add.Path)
			}
			r.adds[a.Add.Path] = a.Add
		case a.Remove != nil:
			delete(r.adds, a.Remove.Path)
		}
	}
}

func (r *replay) finish(t *Table, version int64) (*Snapshot, error) {
	if r.protocol == nil || r.metadata == nil {
		return nil, fmt.Errorf("delta: version %d has no protocol or metaData action", version)
	}
	if err := checkRead(r.protocol); err != nil {
		return nil, err
	}
	if mode := r.metadata.Configuration["delta.columnMapping.mode"]; mode != "" && mode != "none" {
		return nil, fmt.Errorf("delta: column mapping mode %q is not supported yet", mode)
	}
	schema, err := parseSchema(r.metadata.SchemaString)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{table: t, version: version, protocol: *r.protocol, metadata: *r.metadata, schema: schema}
	for _, p := range r.order {
		add, ok := r.adds[p]
		if !ok {
			continue
		}
		if len(add.DeletionVector) > 0 && string(add.DeletionVector) != "null" {
			return nil, fmt.Errorf("delta: file %s has a deletion vector, which Lode does not read yet", add.Path)
		}
		path, err := url.PathUnescape(add.Path)
		if err != nil {
			return nil, fmt.Errorf("delta: bad path %q: %w", add.Path, err)
		}
		df := DataFile{Path: path, Size: add.Size, ModificationTime: add.ModificationTime,
			PartitionValues: add.PartitionValues, NumRecords: -1}
		if add.Stats != "" {
			if err := parseStats(add.Stats, schema, &df); err != nil {
				return nil, fmt.Errorf("delta: stats of %s: %w", add.Path, err)
			}
		}
		s.files = append(s.files, df)
		delete(r.adds, p) // a path re-added later appears once
	}
	return s, nil
}

// Version is the snapshot's table version.
func (s *Snapshot) Version() int64 { return s.version }

// Schema is the table schema, fields built with types.Field so they carry
// their SQL types.
func (s *Snapshot) Schema() *arrow.Schema { return s.schema }

// Metadata is the table's metaData action as of this version.
func (s *Snapshot) Metadata() Metadata { return s.metadata }

// Protocol is the table's protocol action as of this version.
func (s *Snapshot) Protocol() Protocol { return s.protocol }

// Files are the live data files, in the order they were first added.
func (s *Snapshot) Files() []DataFile { return s.files }

// Table is the table the snapshot was read from.
func (s *Snapshot) Table() *Table { return s.table }
