package objstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// TempPrefix starts the names of the temporary files WriteFileAtomic stages.
// They never match a Delta log name, so readers ignore those a crash
// leaves behind.
const TempPrefix = ".tmp-"

// Local is a Store on the local file system rooted at a directory.
type Local struct {
	root string
}

// NewLocal returns a store rooted at dir (which need not exist yet).
func NewLocal(dir string) *Local { return &Local{root: dir} }

// Root is the directory the store is rooted at.
func (l *Local) Root() string { return l.root }

func (l *Local) path(name string) string { return filepath.Join(l.root, filepath.FromSlash(name)) }

// Get reads a whole object.
func (l *Local) Get(ctx context.Context, name string) ([]byte, error) {
	b, err := os.ReadFile(l.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotExist
	}
	return b, err
}

// PutIfAbsent publishes data under name atomically: the bytes go to a
// temporary file that is fsynced, then hard-linked to the final name. A
// link fails if the name exists, so of two racing writers exactly one
// wins, and a crash leaves either no object or a complete one.
func (l *Local) PutIfAbsent(ctx context.Context, name string, data []byte) error {
	err := WriteFileAtomic(l.path(name), data, false)
	if errors.Is(err, fs.ErrExist) {
		return ErrExists
	}
	return err
}

// Put publishes data under name atomically, replacing an existing object:
// readers see the old bytes or the new ones.
func (l *Local) Put(ctx context.Context, name string, data []byte) error {
	return WriteFileAtomic(l.path(name), data, true)
}

// List lists the directory part of prefix (not recursively).
func (l *Local) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	dir, base := path.Split(prefix)
	entries, err := os.ReadDir(l.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []ObjectInfo
	for _, e := range entries {
		if e.IsDir() || !strings.HasPrefix(e.Name(), base) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // removed meanwhile
				continue
			}
			return nil, err
		}
		out = append(out, ObjectInfo{Name: dir + e.Name(), Size: info.Size(), ModTime: info.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Delete removes an object; deleting a missing object is not an error.
func (l *Local) Delete(ctx context.Context, name string) error {
	err := os.Remove(l.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Create starts a new object written in place: data files have unique
// names and only become part of a table when a commit names them, so no
// rename is needed. Commit fsyncs the file and its directory.
func (l *Local) Create(ctx context.Context, name string) (ObjectWriter, error) {
	p := l.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return &localWriter{f: f}, nil
}

// Open opens an object for random reads.
func (l *Local) Open(ctx context.Context, name string) (ReaderAtCloser, int64, error) {
	f, err := os.Open(l.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, ErrNotExist
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

type localWriter struct {
	f    *os.File
	done bool
}

func (w *localWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

func (w *localWriter) Commit() error {
	w.done = true
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	return syncDir(filepath.Dir(w.f.Name()))
}

func (w *localWriter) Abort() error {
	if !w.done {
		w.done = true
		w.f.Close()
	}
	return os.Remove(w.f.Name())
}

// syncDir makes a directory entry durable (a new or linked file name).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
