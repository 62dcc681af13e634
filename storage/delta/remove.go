package delta

import (
	"net/url"
	"strings"
	"time"
)

// Remove records that this commit removes f, a file of the read snapshot:
// copy-on-write DELETE and UPDATE write the surviving rows to new files and
// remove the old ones in the same commit. A concurrent commit that removed
// the same file makes Commit fail with 40001.
func (a *Append) Remove(f DataFile) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now().UnixMilli()
	size := f.Size
	a.removes = append(a.removes, RemoveFile{
		Path:                 logPath(f.Path),
		DeletionTimestamp:    &now,
		DataChange:           true,
		ExtendedFileMetadata: true,
		PartitionValues:      orEmpty(addActionOf(f).PartitionValues),
		Size:                 &size,
		// The file's current deletion vector is part of its identity:
		// without it the remove would not match the live add.
		DeletionVector: f.add.DeletionVector,
	})
}

// AddExisting re-adds a file of an older snapshot (RESTORE): the commit
// references it again, with its deletion vector and statistics as they
// were logged, without rewriting it.
func (a *Append) AddExisting(f DataFile) error {
	add := addActionOf(f)
	add.DataChange = true
	add.ModificationTime = f.ModificationTime
	a.mu.Lock()
	defer a.mu.Unlock()
	a.files = append(a.files, add)
	if f.NumRecords > 0 {
		a.rows += f.NumRecords
	}
	a.bytes += f.Size
	return nil
}

func orEmpty(m map[string]*string) map[string]*string {
	if m == nil {
		return map[string]*string{}
	}
	return m
}

// logPath is a DataFile path (URL-decoded) as the log writes it: relative
// paths URL-encoded, as the protocol requires of add and remove paths.
func logPath(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	return (&url.URL{Path: p}).EscapedPath()
}
