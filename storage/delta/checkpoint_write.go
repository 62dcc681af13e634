package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lodedb/lode/storage/objstore"
)

// checkpointBatchRows is how many actions go into one record batch (and
// Parquet row group) of a checkpoint, bounding memory for tables with
// many files.
const checkpointBatchRows = 16 << 10

// classicCheckpointName is the file of a single-file checkpoint.
func classicCheckpointName(v int64) string {
	return fmt.Sprintf("%s%020d.checkpoint.parquet", logDir, v)
}

// lastCheckpoint is the _last_checkpoint file (PROTOCOL.md "Last
// Checkpoint File Schema"); parts is absent for a single-file checkpoint.
type lastCheckpoint struct {
	Version       int64  `json:"version"`
	Size          int64  `json:"size"`
	Parts         *int64 `json:"parts,omitempty"`
	SizeInBytes   int64  `json:"sizeInBytes"`
	NumOfAddFiles int64  `json:"numOfAddFiles"`
}

// WriteCheckpoint writes a classic checkpoint of version (the table state
// after that commit) and points _last_checkpoint at it. Both files are
// published atomically; a checkpoint another writer already wrote for the
// version is left as is. A failure leaves the table readable: readers fall
// back to older checkpoints or the commits.
func (t *Table) WriteCheckpoint(ctx context.Context, version int64) error {
	st, err := t.loadCheckpointState(ctx, version)
	if err != nil {
		return err
	}
	if err := checkWrite(st.protocol); err != nil {
		return err
	}
	data, info, err := encodeCheckpoint(st, time.Now())
	if err != nil {
		return fmt.Errorf("delta: encoding checkpoint %d: %w", version, err)
	}
	if err := t.store.PutIfAbsent(ctx, classicCheckpointName(version), data); err != nil && !errors.Is(err, objstore.ErrExists) {
		return fmt.Errorf("delta: writing checkpoint %d: %w", version, err)
	}
	// _last_checkpoint is a hint; never move it back to an older version
	// when checkpoints of two writers finish out of order.
	if prev, ok := readLastCheckpoint(ctx, t.store); ok && prev.version >= version {
		return nil
	}
	lc, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := t.store.Put(ctx, logDir+"_last_checkpoint", lc); err != nil {
		return fmt.Errorf("delta: writing _last_checkpoint: %w", err)
	}
	return nil
}

// encodeCheckpoint renders the state as checkpoint Parquet: protocol,
// metaData, txns, domainMetadata, the live adds and the unexpired
// tombstones, one action per row.
func encodeCheckpoint(st *checkpointState, now time.Time) ([]byte, lastCheckpoint, error) {
	schema := checkpointSchema(len(st.domains) > 0)
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
	fw, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, lastCheckpoint{}, err
	}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	col := map[string]int{}
	for i, f := range schema.Fields() {
		col[f.Name] = i
	}
	var rows, pending int64
	var werr error
	flush := func() {
		if pending == 0 || werr != nil {
			return
		}
		rec := rb.NewRecord()
		werr = fw.Write(rec)
		rec.Release()
		pending = 0
	}
	// row appends one action: its struct in column name, nulls elsewhere.
	row := func(name string, fill func(*array.StructBuilder)) {
		for i := range schema.Fields() {
			if i == col[name] {
				sb := rb.Field(i).(*array.StructBuilder)
				sb.Append(true)
				fill(sb)
			} else {
				rb.Field(i).AppendNull()
			}
		}
		rows++
		if pending++; pending >= checkpointBatchRows {
			flush()
		}
	}

	p := st.protocol
	row("protocol", func(b *array.StructBuilder) {
		putInt32(b.FieldBuilder(0), int32(p.MinReaderVersion))
		putInt32(b.FieldBuilder(1), int32(p.MinWriterVersion))
		putStringList(b.FieldBuilder(2), p.ReaderFeatures)
		putStringList(b.FieldBuilder(3), p.WriterFeatures)
	})
	md := st.metadata
	row("metaData", func(b *array.StructBuilder) {
		putString(b.FieldBuilder(0), md.ID)
		putOptString(b.FieldBuilder(1), md.Name)
		putOptString(b.FieldBuilder(2), md.Description)
		fb := b.FieldBuilder(3).(*array.StructBuilder)
		fb.Append(true)
		putString(fb.FieldBuilder(0), md.Format.Provider)
		putStringMap(fb.FieldBuilder(1), plainMap(md.Format.Options), true)
		putString(b.FieldBuilder(4), md.SchemaString)
		putStringList(b.FieldBuilder(5), append([]string{}, md.PartitionColumns...))
		putStringMap(b.FieldBuilder(6), plainMap(md.Configuration), true)
		putOptInt64(b.FieldBuilder(7), md.CreatedTime)
	})
	for _, app := range sortedKeys(st.txns) {
		tx := st.txns[app]
		row("txn", func(b *array.StructBuilder) {
			putString(b.FieldBuilder(0), tx.AppID)
			putInt64(b.FieldBuilder(1), tx.Version)
			putOptInt64(b.FieldBuilder(2), tx.LastUpdated)
		})
	}
	for _, d := range sortedKeys(st.domains) {
		dm := st.domains[d]
		if dm.Removed { // a removed domain is gone from the state
			continue
		}
		row("domainMetadata", func(b *array.StructBuilder) {
			putString(b.FieldBuilder(0), dm.Domain)
			putString(b.FieldBuilder(1), dm.Configuration)
			putBool(b.FieldBuilder(2), false)
		})
	}
	adds := st.liveAdds()
	for _, a := range adds {
		dv, err := parseDV(a.DeletionVector)
		if err != nil {
			return nil, lastCheckpoint{}, fmt.Errorf("add %s: %w", a.Path, err)
		}
		row("add", func(b *array.StructBuilder) {
			putString(b.FieldBuilder(0), a.Path)
			putStringMap(b.FieldBuilder(1), a.PartitionValues, true)
			putInt64(b.FieldBuilder(2), a.Size)
			putInt64(b.FieldBuilder(3), a.ModificationTime)
			// A checkpoint is state, not a change.
			putBool(b.FieldBuilder(4), false)
			putOptString(b.FieldBuilder(5), a.Stats)
			putStringMap(b.FieldBuilder(6), plainMap(a.Tags), false)
			putDeletionVector(b.FieldBuilder(7), dv)
		})
	}
	for _, r := range st.liveTombstones(now) {
		dv, err := parseDV(r.DeletionVector)
		if err != nil {
			return nil, lastCheckpoint{}, fmt.Errorf("remove %s: %w", r.Path, err)
		}
		row("remove", func(b *array.StructBuilder) {
			putString(b.FieldBuilder(0), r.Path)
			putOptInt64(b.FieldBuilder(1), r.DeletionTimestamp)
			putBool(b.FieldBuilder(2), false)
			putBool(b.FieldBuilder(3), r.ExtendedFileMetadata)
			putStringMap(b.FieldBuilder(4), r.PartitionValues, false)
			putOptInt64(b.FieldBuilder(5), r.Size)
			putDeletionVector(b.FieldBuilder(6), dv)
		})
	}
	flush()
	if werr != nil {
		fw.Close()
		return nil, lastCheckpoint{}, werr
	}
	if err := fw.Close(); err != nil {
		return nil, lastCheckpoint{}, err
	}
	return buf.Bytes(), lastCheckpoint{Version: st.version, Size: rows, SizeInBytes: int64(buf.Len()),
		NumOfAddFiles: int64(len(adds))}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
