package objstore

import (
	"os"
	"path/filepath"
)

// WriteFileAtomic puts data at path all at once: a reader, or the process
// after a crash, sees the old file or the new one, never a part of either.
// The data is staged in a TempPrefix file in the same directory, synced,
// then renamed over path (replace) or hard-linked to it, which fails with
// an error matching fs.ErrExist when path is already there; the directory
// is synced last so the new name itself survives a crash.
func WriteFileAtomic(path string, data []byte, replace bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, TempPrefix+"*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		err = os.Rename(tmpName, path)
	} else {
		err = os.Link(tmpName, path)
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}
