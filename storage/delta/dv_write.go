package delta

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/url"
	"strings"

	"github.com/google/uuid"
)

// pendingDV is a data file whose deleted rows this commit changes.
type pendingDV struct {
	file    DataFile
	deleted []int64 // every deleted row after the commit, ascending
}

// DeleteRows records that this commit deletes rows of f, a file of the
// read snapshot, with a deletion vector instead of rewriting it: positions
// (file-wide row numbers, ascending) join the rows f's vector already
// deletes. The commit removes f and re-adds it with the new vector; a file
// left without live rows is only removed.
func (a *Append) DeleteRows(ctx context.Context, f DataFile, positions []int64) error {
	old, err := a.t.DeletedRows(ctx, &f)
	if err != nil {
		return err
	}
	all := unionPositions(old, positions)
	a.Remove(f)
	if f.NumRecords >= 0 && int64(len(all)) >= f.NumRecords {
		return nil
	}
	a.mu.Lock()
	a.dvs = append(a.dvs, pendingDV{file: f, deleted: all})
	a.mu.Unlock()
	return nil
}

// writeDeletionVectors stores the pending vectors in one new file (the
// protocol's format: a version byte, then per vector its big-endian size,
// the RoaringBitmapArray and its big-endian CRC-32) and returns the adds
// that attach them to their data files. Called by Commit with a.mu held.
func (a *Append) writeDeletionVectors(ctx context.Context) ([]AddFile, error) {
	if len(a.dvs) == 0 {
		return nil, nil
	}
	id := uuid.New()
	name := "deletion_vector_" + id.String() + ".bin"
	buf := []byte{1}
	adds := make([]AddFile, 0, len(a.dvs))
	for _, p := range a.dvs {
		bitmap := encodeRoaringArray(p.deleted)
		off := int64(len(buf))
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(bitmap)))
		buf = append(buf, bitmap...)
		buf = binary.BigEndian.AppendUint32(buf, crc32.ChecksumIEEE(bitmap))
		raw, err := json.Marshal(DeletionVector{StorageType: "u", PathOrInlineDv: z85Encode(id[:]),
			Offset: &off, SizeInBytes: int64(len(bitmap)), Cardinality: int64(len(p.deleted))})
		if err != nil {
			return nil, err
		}
		add := addActionOf(p.file)
		add.DeletionVector = raw
		add.DataChange = true
		add.Stats = withLooseBounds(add.Stats)
		adds = append(adds, add)
	}
	w, err := a.t.store.Create(ctx, name)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(buf); err != nil {
		w.Abort()
		return nil, err
	}
	if err := w.Commit(); err != nil {
		return nil, err
	}
	a.dvFile = name
	return adds, nil
}

// addActionOf is the add action that put f in the table, as logged.
func addActionOf(f DataFile) AddFile {
	if f.add.Path != "" {
		add := f.add
		return add
	}
	path := f.Path
	if !strings.HasPrefix(path, "/") {
		path = (&url.URL{Path: f.Path}).EscapedPath()
	}
	stats := ""
	if f.NumRecords >= 0 {
		stats = fmt.Sprintf(`{"numRecords":%d}`, f.NumRecords)
	}
	return AddFile{Path: path, PartitionValues: orEmpty(f.PartitionValues), Size: f.Size,
		ModificationTime: f.ModificationTime, DataChange: true, Stats: stats}
}

// withLooseBounds marks a file's statistics as no longer tight: with rows
// deleted, min/max and null counts bound the live rows only loosely.
func withLooseBounds(stats string) string {
	if stats == "" {
		return ""
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stats), &m); err != nil {
		return stats
	}
	m["tightBounds"] = json.RawMessage("false")
	b, err := json.Marshal(m)
	if err != nil {
		return stats
	}
	return string(b)
}

// DeletionVectorFile is the table-relative name of the file holding f's
// deletion vector, or "" when it has none or keeps it inline or outside
// the table (VACUUM must keep the files live vectors are in).
func (f DataFile) DeletionVectorFile() string {
	if f.DeletionVector == nil || f.DeletionVector.StorageType != "u" {
		return ""
	}
	loc, err := f.DeletionVector.location()
	if err != nil {
		return ""
	}
	return loc
}

// Key identifies a logical file of a snapshot: its path and its deletion
// vector (the same data file with another vector is another file).
func (f DataFile) Key() string { return f.Path + "\x00" + f.DeletionVector.uniqueID() }
