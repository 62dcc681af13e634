package deltacheck

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lodedb/lode/storage/delta"
)

// checkDVDescriptor checks a DeletionVectorDescriptor's fields: storage
// type u (relative, a z85 UUID with an optional prefix), i (inline) or p
// (absolute path); offset for stored vectors; positive size and
// cardinality.
func checkDVDescriptor(loc reportf, v any) {
	dv, ok := v.(map[string]any)
	if !ok {
		loc("deletionVector is %s, not an object", typeName(v))
		return
	}
	requireField(loc, dv, "storageType", isString)
	requireField(loc, dv, "pathOrInlineDv", isString)
	requireField(loc, dv, "sizeInBytes", isInteger)
	requireField(loc, dv, "cardinality", isInteger)
	optionalField(loc, dv, "offset", isInteger)
	st, _ := dv["storageType"].(string)
	p, _ := dv["pathOrInlineDv"].(string)
	switch st {
	case "u":
		if len(p) < 20 {
			loc("deletionVector.pathOrInlineDv %q is too short for a z85-encoded UUID", p)
		}
	case "i", "p":
	default:
		loc("deletionVector.storageType %q is not u, i or p", st)
	}
	if st != "i" {
		if _, ok := dv["offset"]; !ok {
			loc("a stored deletion vector needs an offset")
		} else if intOf(dv["offset"]) < 0 {
			loc("negative deletionVector.offset")
		}
	}
	if intOf(dv["sizeInBytes"]) <= 0 || intOf(dv["cardinality"]) <= 0 {
		loc("deletionVector sizeInBytes and cardinality must be positive")
	}
}

// dvID is a descriptor's unique id (storage type, path, offset): a file
// with another deletion vector is another logical file.
func dvID(v any) string {
	dv, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	id := fmt.Sprint(dv["storageType"], dv["pathOrInlineDv"])
	if off, ok := dv["offset"]; ok {
		id += fmt.Sprint("@", off)
	}
	return id
}

// deletedRows reads an add's deletion vector (with Lode's roaring bitmap
// decoder, which checks the stored size, checksum and cardinality) and
// checks every position is a row of the file.
func deletedRows(dir string, a map[string]any, fileRows int64) (map[int64]bool, error) {
	raw, err := json.Marshal(a["deletionVector"])
	if err != nil {
		return nil, err
	}
	var dv delta.DeletionVector
	if err := json.Unmarshal(raw, &dv); err != nil {
		return nil, err
	}
	tbl, err := delta.Open(dir)
	if err != nil {
		return nil, err
	}
	p, _ := a["path"].(string)
	rows, err := tbl.DeletedRows(context.Background(), &delta.DataFile{Path: p, DeletionVector: &dv})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(rows))
	for _, r := range rows {
		if r < 0 || r >= fileRows {
			return nil, fmt.Errorf("deleted row %d is not a row of the file (%d rows)", r, fileRows)
		}
		out[r] = true
	}
	return out, nil
}

func concatChunks(chunks []arrow.Array) (arrow.Array, error) {
	return array.Concatenate(chunks, memory.DefaultAllocator)
}
