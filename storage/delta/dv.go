package delta

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"net/url"
	"strings"

	"github.com/lodedb/lode/storage/objstore"
)

// DeletionVector describes the rows of a data file that are deleted (the
// protocol's DeletionVectorDescriptor).
type DeletionVector struct {
	StorageType    string `json:"storageType"`    // u: relative path from a UUID, i: inline, p: absolute path
	PathOrInlineDv string `json:"pathOrInlineDv"` // per StorageType
	Offset         *int64 `json:"offset,omitempty"`
	SizeInBytes    int64  `json:"sizeInBytes"`
	Cardinality    int64  `json:"cardinality"`
}

// parseDV decodes an add's deletionVector field; nil when absent.
func parseDV(raw json.RawMessage) (*DeletionVector, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var dv DeletionVector
	if err := json.Unmarshal(raw, &dv); err != nil {
		return nil, err
	}
	switch dv.StorageType {
	case "u", "i", "p":
	default:
		return nil, fmt.Errorf("unknown deletion vector storage type %q", dv.StorageType)
	}
	return &dv, nil
}

// uniqueID identifies the deletion vector for log reconciliation: a file
// is (path, deletion vector), so an add with a new DV replaces the old.
func (dv *DeletionVector) uniqueID() string {
	if dv == nil {
		return ""
	}
	if dv.Offset != nil {
		return fmt.Sprintf("%s%s@%d", dv.StorageType, dv.PathOrInlineDv, *dv.Offset)
	}
	return dv.StorageType + dv.PathOrInlineDv
}

// location is where a stored (u or p) deletion vector lives: a store name
// relative to the table root, or an absolute local path.
func (dv *DeletionVector) location() (string, error) {
	switch dv.StorageType {
	case "u":
		s := dv.PathOrInlineDv
		if len(s) < 20 {
			return "", fmt.Errorf("deletion vector path %q is too short", s)
		}
		id, err := z85UUID(s[len(s)-20:])
		if err != nil {
			return "", err
		}
		name := "deletion_vector_" + id.String() + ".bin"
		if prefix := s[:len(s)-20]; prefix != "" {
			name = prefix + "/" + name
		}
		return name, nil
	case "p":
		u, err := url.Parse(dv.PathOrInlineDv)
		if err != nil {
			return "", err
		}
		if u.Scheme != "" && u.Scheme != "file" {
			return "", fmt.Errorf("deletion vector at %q: only local files are supported", dv.PathOrInlineDv)
		}
		return u.Path, nil
	}
	return "", fmt.Errorf("deletion vector has no location")
}

// DeletedRows returns the file-wide positions of f's deleted rows,
// ascending; nil when f has no deletion vector.
func (t *Table) DeletedRows(ctx context.Context, f *DataFile) ([]int64, error) {
	dv := f.DeletionVector
	if dv == nil {
		return nil, nil
	}
	data, err := t.dvBytes(ctx, dv)
	if err != nil {
		return nil, fmt.Errorf("delta: deletion vector of %s: %w", f.Path, err)
	}
	vals, err := decodeRoaringArray(data)
	if err != nil {
		return nil, fmt.Errorf("delta: deletion vector of %s: %w", f.Path, err)
	}
	if int64(len(vals)) != dv.Cardinality {
		return nil, fmt.Errorf("delta: deletion vector of %s has %d rows, its descriptor says %d", f.Path, len(vals), dv.Cardinality)
	}
	out := make([]int64, len(vals))
	for i, v := range vals {
		out[i] = int64(v)
	}
	return out, nil
}

// dvBytes returns the serialized RoaringBitmapArray of a deletion vector.
// A stored one sits at offset in its file as a big-endian 32-bit size, the
// bitmap, and a big-endian CRC-32 of the bitmap.
func (t *Table) dvBytes(ctx context.Context, dv *DeletionVector) ([]byte, error) {
	if dv.StorageType == "i" {
		b, err := z85Decode(dv.PathOrInlineDv)
		if err != nil {
			return nil, err
		}
		if dv.SizeInBytes > int64(len(b)) {
			return nil, fmt.Errorf("inline deletion vector is shorter than %d bytes", dv.SizeInBytes)
		}
		return b[:dv.SizeInBytes], nil
	}
	loc, err := dv.location()
	if err != nil {
		return nil, err
	}
	var r objstore.ReaderAtCloser
	if dv.StorageType == "p" || strings.HasPrefix(loc, "/") {
		r, _, err = objstore.NewLocal("/").Open(ctx, strings.TrimPrefix(loc, "/"))
	} else {
		r, _, err = t.store.Open(ctx, loc)
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	off := int64(1) // after the file's version byte
	if dv.Offset != nil {
		off = *dv.Offset
	}
	head := make([]byte, 4)
	if _, err := r.ReadAt(head, off); err != nil {
		return nil, err
	}
	size := int64(binary.BigEndian.Uint32(head))
	if size != dv.SizeInBytes {
		return nil, fmt.Errorf("stored size %d, descriptor says %d", size, dv.SizeInBytes)
	}
	buf := make([]byte, size+4)
	if _, err := r.ReadAt(buf, off+4); err != nil && err != io.EOF {
		return nil, err
	}
	if crc32.ChecksumIEEE(buf[:size]) != binary.BigEndian.Uint32(buf[size:]) {
		return nil, fmt.Errorf("checksum mismatch")
	}
	return buf[:size], nil
}
