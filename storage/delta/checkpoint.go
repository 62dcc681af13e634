package delta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lodedb/lode/storage/objstore"
)

// checkpointKind orders checkpoints of one version by preference.
type checkpointKind int

const (
	checkpointV2      checkpointKind = iota // N.checkpoint.UUID.(json|parquet), may point at sidecars
	checkpointClassic                       // N.checkpoint.parquet
	checkpointMulti                         // N.checkpoint.PART.PARTS.parquet
)

// checkpointRef is one checkpoint: the state of the table at version,
// stored in one file or (multi-part) in parts files.
type checkpointRef struct {
	version int64
	kind    checkpointKind
	parts   int      // multi-part: how many parts
	files   []string // store names; multi-part in part order
}

// complete reports whether every part was listed.
func (c *checkpointRef) complete() bool {
	for _, f := range c.files {
		if f == "" {
			return false
		}
	}
	return len(c.files) > 0
}

// readCheckpoint returns the actions of a checkpoint: the protocol,
// metaData, live adds and tombstones (and, for v2 checkpoints, the
// actions of their sidecar files).
func readCheckpoint(ctx context.Context, store objstore.Store, c *checkpointRef) ([]Action, error) {
	var out []Action
	for _, name := range c.files {
		acts, err := readCheckpointFile(ctx, store, name)
		if err != nil {
			return nil, fmt.Errorf("delta: checkpoint %s: %w", name, err)
		}
		for _, a := range acts {
			if a.Sidecar == nil {
				out = append(out, a)
				continue
			}
			side, err := sidecarName(a.Sidecar.Path)
			if err != nil {
				return nil, fmt.Errorf("delta: checkpoint %s: %w", name, err)
			}
			sacts, err := readCheckpointFile(ctx, store, side)
			if err != nil {
				return nil, fmt.Errorf("delta: checkpoint %s: sidecar %s: %w", name, a.Sidecar.Path, err)
			}
			out = append(out, sacts...)
		}
	}
	return out, nil
}

// sidecarName resolves a sidecar path: a file name in _delta_log/_sidecars/
// or a URI under the table's _delta_log/_sidecars.
func sidecarName(p string) (string, error) {
	if i := strings.Index(p, "/_delta_log/_sidecars/"); i >= 0 {
		p = p[i+len("/_delta_log/_sidecars/"):]
	}
	dec, err := url.PathUnescape(p)
	if err != nil || dec == "" || strings.Contains(dec, "/") {
		return "", fmt.Errorf("unsupported sidecar path %q", p)
	}
	return logDir + "_sidecars/" + dec, nil
}

// readCheckpointFile reads one checkpoint or sidecar file, JSON lines or
// Parquet.
func readCheckpointFile(ctx context.Context, store objstore.Store, name string) ([]Action, error) {
	data, err := store.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, ".json") {
		return parseActions(data)
	}
	return parquetActions(ctx, data)
}

// parquetActions converts the rows of a checkpoint Parquet file into
// actions. A checkpoint's columns are the action kinds (add, remove,
// metaData, protocol, txn, …), each a nested struct; every row sets one.
// Rows are turned into the JSON form of the action and decoded like a
// commit line, so both paths share one definition of an action.
func parquetActions(ctx context.Context, data []byte) ([]Action, error) {
	tbl, err := pqarrow.ReadTable(ctx, bytes.NewReader(data), nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 64<<10)
	defer tr.Release()
	var out []Action
	for tr.Next() {
		rec := tr.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			for c, col := range rec.Columns() {
				name := rec.ColumnName(c)
				if !knownCheckpointColumn[name] || col.IsNull(i) {
					continue
				}
				v := arrowValue(col, i)
				if m, ok := v.(map[string]any); ok && name == "add" {
					statsFromParsed(m)
				}
				line, err := json.Marshal(map[string]any{name: v})
				if err != nil {
					return nil, err
				}
				var a Action
				if err := json.Unmarshal(line, &a); err != nil {
					return nil, fmt.Errorf("bad %s action: %w", name, err)
				}
				out = append(out, a)
			}
		}
	}
	return out, tr.Err()
}

// knownCheckpointColumn are the action kinds replay (and the checkpoint
// writer, which carries txn and domainMetadata forward) uses.
var knownCheckpointColumn = map[string]bool{
	"add": true, "remove": true, "metaData": true, "protocol": true,
	"sidecar": true, "checkpointMetadata": true, "txn": true, "domainMetadata": true,
}

// statsFromParsed fills an add's JSON stats from stats_parsed when a
// checkpoint writer kept only the parsed form.
func statsFromParsed(add map[string]any) {
	sp, ok := add["stats_parsed"]
	delete(add, "stats_parsed")
	delete(add, "partitionValues_parsed")
	if s, _ := add["stats"].(string); s != "" || !ok || sp == nil {
		return
	}
	if b, err := json.Marshal(sp); err == nil {
		add["stats"] = string(b)
	}
}

// arrowValue is element i of a as a JSON-ready Go value: structs become
// objects (null fields left out), maps objects, lists arrays.
func arrowValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		m := make(map[string]any, a.NumField())
		for k := 0; k < a.NumField(); k++ {
			if v := arrowValue(a.Field(k), i); v != nil {
				m[st.Field(k).Name] = v
			}
		}
		return m
	case *array.Map:
		start, end := a.ValueOffsets(i)
		m := make(map[string]any, end-start)
		for j := int(start); j < int(end); j++ {
			m[fmt.Sprint(arrowValue(a.Keys(), j))] = arrowValue(a.Items(), j)
		}
		return m
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		vals := a.ListValues()
		l := make([]any, 0, end-start)
		for j := int(start); j < int(end); j++ {
			l = append(l, arrowValue(vals, j))
		}
		return l
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return a.Value(i)
	case *array.Int16:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Decimal128:
		return json.Number(a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale))
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	return a.ValueStr(i)
}
