package delta

import (
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
		Path:                 f.Path,
		DeletionTimestamp:    &now,
		DataChange:           true,
		ExtendedFileMetadata: true,
		PartitionValues:      f.PartitionValues,
		Size:                 &size,
	})
}
