package delta

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

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
	mapping  columnMapping
	partCol  []bool // per schema field
	files    []DataFile
}

// DataFile is one live data file of a snapshot.
type DataFile struct {
	Path             string // relative to the table root (or an absolute path), URL-decoded
	Size             int64
	ModificationTime int64 // ms since the epoch
	// PartitionValues are the raw partition values by logical column name
	// (nil = NULL); Partition holds them decoded (ParsePartitionValue).
	PartitionValues map[string]*string
	Partition       map[string]any
	NumRecords      int64                  // -1 when the file has no stats
	Columns         map[string]ColumnStats // per top-level logical column; absent = unknown
	// DeletionVector marks deleted rows (Table.DeletedRows reads them);
	// nil when none are.
	DeletionVector *DeletionVector
	// add is the live add action as logged: a commit that re-adds the file
	// with a new deletion vector keeps its stats and partition values.
	add AddFile
}

// ColumnStats are a column's statistics in one data file. Min and Max are
// nil when unknown; their Go types follow parquet.ColumnStats (int16,
// int32, int64, float32, float64, decimal128.Num, string, arrow.Date32,
// arrow.Timestamp in µs). Strings may be truncated prefixes and timestamps
// are truncated to milliseconds, so they bound values loosely (see the
// protocol's tightBounds); NullCount is -1 when unknown. Partition columns
// have Min = Max = their value.
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
	r := newReplay()
	seg, err := t.walkLog(ctx, upTo, func(actions []Action) error {
		r.applyCheckpoint(actions)
		return nil
	}, r.apply)
	if err != nil {
		return nil, err
	}
	return r.finish(t, seg.version)
}

// walkLog reads the log segment that makes up version upTo: the newest
// readable checkpoint (an unreadable one — truncated, half-written — falls
// back to an older one, or to version 0), then every commit after it in
// order. Snapshots and checkpoint writing reconcile the actions
// differently; the walk is the same.
func (t *Table) walkLog(ctx context.Context, upTo int64, checkpoint, commit func([]Action) error) (logSegment, error) {
	seg, err := listLog(ctx, t.store, upTo)
	if err != nil {
		return seg, err
	}
	for seg.checkpoint != nil {
		actions, err := readCheckpoint(ctx, t.store, seg.checkpoint)
		if err == nil {
			if err := checkpoint(actions); err != nil {
				return seg, fmt.Errorf("delta: checkpoint %d: %w", seg.checkpoint.version, err)
			}
			break
		}
		if ctx.Err() != nil || !seg.hasFallback() {
			return seg, err
		}
		if err := seg.next(); err != nil {
			return seg, err
		}
	}
	for _, v := range seg.commits {
		if err := ctx.Err(); err != nil {
			return seg, err
		}
		actions, err := readCommit(ctx, t.store, v)
		if err != nil {
			return seg, err
		}
		if err := commit(actions); err != nil {
			return seg, fmt.Errorf("delta: version %d: %w", v, err)
		}
	}
	return seg, nil
}

// replay reconciles actions in log order: the last add or remove of a file
// wins, and the latest protocol and metaData win. A file is its canonical
// path plus its deletion vector's id, so re-adding a path with a new
// deletion vector replaces it.
type replay struct {
	protocol *Protocol
	metadata *Metadata
	adds     map[string]*AddFile
	order    []string // first-seen order of live keys, for stable file lists
}

func newReplay() *replay { return &replay{adds: map[string]*AddFile{}} }

// fileKey is the reconciliation key of a file action.
func fileKey(path string, dv json.RawMessage) (string, error) {
	p := canonicalPath(path)
	d, err := parseDV(dv)
	if err != nil {
		return "", err
	}
	return p + "\x00" + d.uniqueID(), nil
}

// canonicalPath is a log path URL-decoded and without a file: scheme, so
// "file:/a%20b", "file:///a b" and "/a b" are one file.
func canonicalPath(p string) string {
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	switch {
	case strings.HasPrefix(p, "file://"):
		p = p[len("file://"):]
	case strings.HasPrefix(p, "file:"):
		p = p[len("file:"):]
	}
	return p
}

func (r *replay) apply(actions []Action) error {
	for i := range actions {
		a := &actions[i]
		switch {
		case a.Protocol != nil:
			r.protocol = a.Protocol
		case a.MetaData != nil:
			r.metadata = a.MetaData
		case a.Add != nil:
			k, err := fileKey(a.Add.Path, a.Add.DeletionVector)
			if err != nil {
				return fmt.Errorf("add %s: %w", a.Add.Path, err)
			}
			// A path is live once: a new deletion vector for it (the
			// remove of the old one is in the same commit) replaces it.
			if _, ok := r.adds[k]; !ok {
				r.order = append(r.order, k)
			}
			r.adds[k] = a.Add
		case a.Remove != nil:
			k, err := fileKey(a.Remove.Path, a.Remove.DeletionVector)
			if err != nil {
				return fmt.Errorf("remove %s: %w", a.Remove.Path, err)
			}
			delete(r.adds, k)
		}
	}
	return nil
}

// applyCheckpoint loads a checkpoint's state: its adds are the live files
// and its removes only tombstones.
func (r *replay) applyCheckpoint(actions []Action) {
	for i := range actions {
		if actions[i].Remove != nil {
			continue
		}
		// A checkpoint's adds are already reconciled; a bad deletion
		// vector surfaces when the file is listed (finish).
		_ = r.apply(actions[i : i+1])
	}
}

func (r *replay) finish(t *Table, version int64) (*Snapshot, error) {
	switch {
	case r.protocol == nil && r.metadata == nil:
		return nil, errState(version, "the log has no protocol and no metaData action")
	case r.protocol == nil:
		return nil, errState(version, "the log has no protocol action")
	case r.metadata == nil:
		return nil, errState(version, "the log has no metaData action")
	}
	if err := checkRead(r.protocol); err != nil {
		return nil, err
	}
	schema, err := parseSchema(r.metadata.SchemaString)
	if err != nil {
		return nil, err
	}
	mapping, err := parseColumnMapping(r.metadata.SchemaString, r.metadata.Configuration["delta.columnMapping.mode"])
	if err != nil {
		return nil, err
	}
	partCol, err := partitionIndex(schema, r.metadata.PartitionColumns)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{table: t, version: version, protocol: *r.protocol, metadata: *r.metadata,
		schema: schema, mapping: mapping, partCol: partCol}
	for _, k := range r.order {
		add, ok := r.adds[k]
		if !ok {
			continue
		}
		df, err := s.dataFile(add)
		if err != nil {
			return nil, fmt.Errorf("delta: file %s: %w", add.Path, err)
		}
		s.files = append(s.files, df)
		delete(r.adds, k) // a key re-added later appears once
	}
	return s, nil
}

// dataFile turns a live add into a DataFile: decoded path, deletion
// vector, typed partition values and stats by logical column name.
func (s *Snapshot) dataFile(add *AddFile) (DataFile, error) {
	dv, err := parseDV(add.DeletionVector)
	if err != nil {
		return DataFile{}, err
	}
	df := DataFile{Path: canonicalPath(add.Path), Size: add.Size, ModificationTime: add.ModificationTime,
		NumRecords: -1, DeletionVector: dv, add: *add}
	if add.Stats != "" {
		if err := parseStats(add.Stats, s.schema, s.mapping.physical, &df); err != nil {
			return DataFile{}, fmt.Errorf("stats: %w", err)
		}
	}
	if len(s.metadata.PartitionColumns) == 0 {
		df.PartitionValues = add.PartitionValues
		return df, nil
	}
	df.PartitionValues = make(map[string]*string, len(s.metadata.PartitionColumns))
	df.Partition = make(map[string]any, len(s.metadata.PartitionColumns))
	if df.Columns == nil {
		df.Columns = map[string]ColumnStats{}
	}
	for i, f := range s.schema.Fields() {
		if !s.partCol[i] {
			continue
		}
		raw, ok := add.PartitionValues[s.mapping.physical[i]]
		if !ok && s.mapping.physical[i] != f.Name {
			raw, ok = add.PartitionValues[f.Name]
		}
		v, err := ParsePartitionValue(f.Type, raw)
		if err != nil {
			return DataFile{}, fmt.Errorf("partition column %q: %w", f.Name, err)
		}
		df.PartitionValues[f.Name], df.Partition[f.Name] = raw, v
		cs := ColumnStats{Min: v, Max: v, NullCount: 0}
		if v == nil {
			cs.NullCount = df.NumRecords // all rows (-1 when unknown)
		}
		df.Columns[f.Name] = cs
	}
	return df, nil
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
