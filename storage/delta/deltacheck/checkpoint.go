package deltacheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// cpRequired are the fields each action column of a checkpoint must have,
// with their Arrow type names as pqarrow reads them (PROTOCOL.md
// "Checkpoint Schema"); optional fields are checked when present.
var (
	cpRequired = map[string]map[string]string{
		"add":    {"path": "utf8", "partitionValues": "map", "size": "int64", "modificationTime": "int64", "dataChange": "bool"},
		"remove": {"path": "utf8", "dataChange": "bool"},
		"metaData": {"id": "utf8", "format": "struct", "schemaString": "utf8", "partitionColumns": "list",
			"configuration": "map"},
		"protocol": {"minReaderVersion": "int32", "minWriterVersion": "int32"},
		"txn":      {"appId": "utf8", "version": "int64"},
	}
	cpOptional = map[string]map[string]string{
		"add": {"stats": "utf8", "tags": "map", "deletionVector": "struct", "baseRowId": "int64",
			"defaultRowCommitVersion": "int64", "stats_parsed": "struct", "partitionValues_parsed": "struct"},
		"remove": {"deletionTimestamp": "int64", "extendedFileMetadata": "bool", "partitionValues": "map",
			"size": "int64", "deletionVector": "struct", "stats": "utf8", "tags": "map", "baseRowId": "int64",
			"defaultRowCommitVersion": "int64"},
		"metaData": {"name": "utf8", "description": "utf8", "createdTime": "int64"},
		"protocol": {"readerFeatures": "list", "writerFeatures": "list"},
		"txn":      {"lastUpdated": "int64"},
	}
	cpDVFields = map[string]string{"storageType": "utf8", "pathOrInlineDv": "utf8", "offset": "int32",
		"sizeInBytes": "int32", "cardinality": "int64", "maxRowIndex": "int64"}
)

func checkpointFile(v int64) string { return fmt.Sprintf("_delta_log/%020d.checkpoint.parquet", v) }

// readCheckpointRows reads a classic checkpoint, checks its schema and
// returns its rows as actions ({kind: fields}) in generic JSON form.
func readCheckpointRows(r *Report, dir string, v int64) ([]map[string]any, bool) {
	name := checkpointFile(v)
	tbl, err := readParquet(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		r.addf(name, 0, "arrow-go cannot read the checkpoint: %v", err)
		return nil, false
	}
	defer tbl.Release()
	sch := tbl.Schema()
	for _, col := range []string{"add", "remove", "metaData", "protocol"} {
		if len(sch.FieldIndices(col)) != 1 {
			r.addf(name, 0, "checkpoint has no %s column", col)
		}
	}
	for _, f := range sch.Fields() {
		req, known := cpRequired[f.Name]
		if !known {
			if f.Name != "domainMetadata" && f.Name != "checkpointMetadata" && f.Name != "sidecar" {
				r.addf(name, 0, "unexpected checkpoint column %q", f.Name)
			}
			continue
		}
		st, ok := f.Type.(*arrow.StructType)
		if !ok {
			r.addf(name, 0, "column %s is %s, not a struct", f.Name, f.Type)
			continue
		}
		for field, typ := range req {
			sf, ok := st.FieldByName(field)
			switch {
			case !ok:
				r.addf(name, 0, "%s lacks required field %s", f.Name, field)
			case sf.Type.Name() != typ:
				r.addf(name, 0, "%s.%s is %s, want %s", f.Name, field, sf.Type.Name(), typ)
			}
		}
		for _, sf := range st.Fields() {
			if _, ok := req[sf.Name]; ok {
				continue
			}
			typ, ok := cpOptional[f.Name][sf.Name]
			if !ok {
				r.addf(name, 0, "%s has unexpected field %s", f.Name, sf.Name)
			} else if sf.Type.Name() != typ {
				r.addf(name, 0, "%s.%s is %s, want %s", f.Name, sf.Name, sf.Type.Name(), typ)
			}
			if sf.Name == "deletionVector" {
				for _, dvf := range sf.Type.(*arrow.StructType).Fields() {
					if want := cpDVFields[dvf.Name]; want != dvf.Type.Name() {
						r.addf(name, 0, "%s.deletionVector.%s is %s, want %s", f.Name, dvf.Name, dvf.Type.Name(), want)
					}
				}
			}
		}
	}
	var rows []map[string]any
	tr := array.NewTableReader(tbl, 1<<16)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			row := map[string]any{}
			for c, col := range rec.Columns() {
				if col.IsValid(i) {
					row[rec.ColumnName(c)] = arrowToJSON(col, i)
				}
			}
			if len(row) != 1 {
				r.addf(name, 0, "row %d sets %d actions, want exactly one", len(rows), len(row))
			}
			rows = append(rows, row)
		}
	}
	return rows, true
}

// validateCheckpoint compares the checkpoint of version v with the state
// the commits replay to: the same protocol, metaData and live files.
func validateCheckpoint(r *Report, dir string, v int64, st *state) {
	r.Checkpoints = append(r.Checkpoints, v)
	name := checkpointFile(v)
	rows, ok := readCheckpointRows(r, dir, v)
	if !ok {
		return
	}
	counts := map[string]int{}
	var paths []string
	for _, row := range rows {
		for kind, body := range row {
			counts[kind]++
			act, _ := body.(map[string]any)
			loc := func(format string, args ...any) { r.addf(name, 0, kind+": "+format, args...) }
			switch kind {
			case "add":
				checkAdd(loc, act, st)
				paths = append(paths, fileKey(act))
			case "remove":
				checkRemove(loc, act)
				if _, live := st.live[fileKey(act)]; live {
					loc("tombstone for %v, which is live", act["path"])
				}
			case "metaData":
				if act["id"] != st.metadata["id"] || act["schemaString"] != st.metadata["schemaString"] {
					loc("differs from the latest metaData of the commits")
				}
			case "protocol":
				if fmt.Sprint(act["minReaderVersion"], act["minWriterVersion"]) !=
					fmt.Sprint(st.protocol["minReaderVersion"], st.protocol["minWriterVersion"]) {
					loc("versions differ from the latest protocol of the commits")
				}
			}
		}
	}
	if counts["protocol"] != 1 || counts["metaData"] != 1 {
		r.addf(name, 0, "%d protocol and %d metaData rows, want one each", counts["protocol"], counts["metaData"])
	}
	var want []string
	for k := range st.live {
		want = append(want, k)
	}
	sort.Strings(paths)
	sort.Strings(want)
	if fmt.Sprint(paths) != fmt.Sprint(want) {
		r.addf(name, 0, "checkpoint has %d live files, the commits replay to %d (or different ones)", len(paths), len(want))
	}
}

// loadCheckpointState starts a replay from the checkpoint of version v
// (for a log whose older commits were cleaned up).
func loadCheckpointState(r *Report, dir string, v int64, st *state) error {
	if !isCheckpointed(dir, v) {
		return fmt.Errorf("no classic checkpoint at version %d", v)
	}
	rows, ok := readCheckpointRows(r, dir, v)
	if !ok {
		return fmt.Errorf("unreadable checkpoint")
	}
	r.Checkpoints = append(r.Checkpoints, v)
	for _, row := range rows {
		for kind, body := range row {
			act, _ := body.(map[string]any)
			switch kind {
			case "protocol":
				st.protocol = act
			case "metaData":
				st.metadata = act
				st.schema = checkMetadata(func(string, ...any) {}, act)
			case "add":
				st.applyAdd(act)
			case "remove":
				st.everAdd[fileKey(act)] = true // removed before the checkpoint
			}
		}
	}
	return nil
}

// validateLastCheckpoint checks _last_checkpoint against the checkpoint
// it names.
func validateLastCheckpoint(r *Report, dir string) {
	const name = "_delta_log/_last_checkpoint"
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return
	}
	obj, err := decodeObject(data)
	if err != nil {
		r.addf(name, 0, "not a JSON object: %v", err)
		return
	}
	loc := func(format string, args ...any) { r.addf(name, 0, format, args...) }
	requireField(loc, obj, "version", isInteger)
	requireField(loc, obj, "size", isInteger)
	optionalField(loc, obj, "parts", isInteger)
	optionalField(loc, obj, "sizeInBytes", isInteger)
	optionalField(loc, obj, "numOfAddFiles", isInteger)
	if _, multi := obj["parts"]; multi {
		return // multi-part checkpoints are not Lode's to check here
	}
	v := intOf(obj["version"])
	fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(checkpointFile(v))))
	if err != nil {
		loc("names version %d, which has no checkpoint", v)
		return
	}
	if sb, ok := obj["sizeInBytes"]; ok && intOf(sb) != fi.Size() {
		loc("sizeInBytes %d, the checkpoint has %d bytes", intOf(sb), fi.Size())
	}
	sub := &Report{dir: dir}
	rows, ok := readCheckpointRows(sub, dir, v)
	if !ok {
		return
	}
	adds := 0
	for _, row := range rows {
		if _, ok := row["add"]; ok {
			adds++
		}
	}
	if intOf(obj["size"]) != int64(len(rows)) {
		loc("size %d, the checkpoint has %d actions", intOf(obj["size"]), len(rows))
	}
	if n, ok := obj["numOfAddFiles"]; ok && intOf(n) != int64(adds) {
		loc("numOfAddFiles %d, the checkpoint has %d adds", intOf(n), adds)
	}
}

// arrowToJSON is element i of a in the generic JSON form commit lines
// decode to (integers as json.Number, null struct fields left out).
func arrowToJSON(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		m := map[string]any{}
		for k := 0; k < a.NumField(); k++ {
			if a.Field(k).IsValid(i) {
				m[st.Field(k).Name] = arrowToJSON(a.Field(k), i)
			}
		}
		return m
	case *array.Map:
		s, e := a.ValueOffsets(i)
		m := map[string]any{}
		for j := int(s); j < int(e); j++ {
			m[fmt.Sprint(arrowToJSON(a.Keys(), j))] = arrowToJSON(a.Items(), j)
		}
		return m
	case *array.List:
		s, e := a.ValueOffsets(i)
		l := []any{}
		for j := int(s); j < int(e); j++ {
			l = append(l, arrowToJSON(a.ListValues(), j))
		}
		return l
	case *array.String:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Int32:
		return json.Number(strconv.FormatInt(int64(a.Value(i)), 10))
	case *array.Int64:
		return json.Number(strconv.FormatInt(a.Value(i), 10))
	}
	return a.ValueStr(i)
}
