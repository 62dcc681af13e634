package exec

import (
	"fmt"
	"os"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// spillSet is a set of temporary Arrow IPC files, one per partition key,
// that operators over the memory limit write rows to (from several
// goroutines at once) and read back a file at a time.
type spillSet struct {
	dir, prefix string
	schema      *arrow.Schema
	mu          sync.Mutex
	files       map[int]*spillFile
}

type spillFile struct {
	mu   sync.Mutex
	f    *os.File
	w    *ipc.FileWriter
	path string
	rows int64
}

func newSpillSet(dir, prefix string, schema *arrow.Schema) *spillSet {
	return &spillSet{dir: dir, prefix: prefix, schema: schema, files: map[int]*spillFile{}}
}

// write appends rec to file k, creating it.
func (s *spillSet) write(mem memory.Allocator, k int, rec arrow.Record) error {
	s.mu.Lock()
	sf := s.files[k]
	if sf == nil {
		f, err := os.CreateTemp(s.dir, s.prefix+"-*.arrow")
		if err != nil {
			s.mu.Unlock()
			return fmt.Errorf("cannot spill to disk: %w", err)
		}
		w, err := ipc.NewFileWriter(f, ipc.WithSchema(s.schema), ipc.WithAllocator(mem))
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			s.mu.Unlock()
			return err
		}
		sf = &spillFile{f: f, w: w, path: f.Name()}
		s.files[k] = sf
	}
	s.mu.Unlock()
	sf.mu.Lock()
	defer sf.mu.Unlock()
	sf.rows += rec.NumRows()
	return sf.w.Write(rec)
}

// finish closes every file for reading.
func (s *spillSet) finish() error {
	var first error
	for _, sf := range s.files {
		if err := sf.w.Close(); err != nil && first == nil {
			first = err
		}
		if err := sf.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// empty reports whether nothing was spilled.
func (s *spillSet) empty() bool { return len(s.files) == 0 }

// read feeds file k's records to fn in the order written.
func (s *spillSet) read(mem memory.Allocator, k int, fn func(arrow.Record) error) error {
	sf := s.files[k]
	if sf == nil {
		return nil
	}
	f, err := os.Open(sf.path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		return err
	}
	defer r.Close()
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.Record(i)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes file k (once read).
func (s *spillSet) remove(k int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sf := s.files[k]; sf != nil {
		os.Remove(sf.path)
	}
}

// removeAll deletes every file.
func (s *spillSet) removeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sf := range s.files {
		os.Remove(sf.path)
	}
}
