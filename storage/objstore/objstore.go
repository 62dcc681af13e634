// Package objstore is the small blob interface the Delta log and data files
// are written through: local files first, object stores (ADLS, S3) later.
// Names are slash-separated paths relative to the store's root.
package objstore

import (
	"context"
	"errors"
	"io"
	"time"
)

var (
	// ErrNotExist is returned when a named object does not exist.
	ErrNotExist = errors.New("objstore: object does not exist")
	// ErrExists is returned by PutIfAbsent when the name is already taken.
	ErrExists = errors.New("objstore: object already exists")
)

// ObjectInfo describes a listed object.
type ObjectInfo struct {
	Name    string // relative to the store root
	Size    int64
	ModTime time.Time
}

// ObjectWriter streams a new object. Nothing is guaranteed durable until
// Commit returns; Abort discards what was written.
type ObjectWriter interface {
	io.Writer
	Commit() error
	Abort() error
}

// ReaderAtCloser is an open object for random reads (Parquet footers and
// column chunks).
type ReaderAtCloser interface {
	io.ReaderAt
	io.Closer
}

// Store is what Delta needs from storage. PutIfAbsent is the one primitive
// commits rely on: it must be atomic (all or nothing) and fail with
// ErrExists when another writer got the name first.
type Store interface {
	Get(ctx context.Context, name string) ([]byte, error)
	PutIfAbsent(ctx context.Context, name string, data []byte) error
	// Put publishes data under name atomically, replacing what is there
	// (hint files such as _delta_log/_last_checkpoint).
	Put(ctx context.Context, name string, data []byte) error
	// List returns the objects directly under the directory part of prefix
	// whose names start with prefix, sorted by name.
	List(ctx context.Context, prefix string) ([]ObjectInfo, error)
	Delete(ctx context.Context, name string) error
	// Create starts a new object; data files are written this way.
	Create(ctx context.Context, name string) (ObjectWriter, error)
	// Open opens an object for random reads and returns its size.
	Open(ctx context.Context, name string) (ReaderAtCloser, int64, error)
}
