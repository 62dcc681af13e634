package exec

import (
	"container/list"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// ColumnCache keeps decoded Parquet column chunks (one column of one row
// group of one file) as Arrow arrays, so a query over a hot table does not
// decompress and decode the same pages again. Delta data files are never
// modified in place, only added and removed, so a file's path names its
// contents for good and an entry needs no invalidation: entries of removed
// files simply age out. The cache holds at most its budget of bytes,
// evicting the least recently used chunks. It is safe for concurrent use.
type ColumnCache struct {
	budget int64

	mu      sync.Mutex
	used    int64
	entries map[chunkKey]*list.Element
	lru     list.List // of *chunkEntry, most recently used first
	hits    int64
	misses  int64
}

// chunkKey names one decoded column chunk. The Arrow type is part of it
// because a column whose type was widened reads older files converted; the
// file's size (from the Delta log) guards against a file some other writer
// replaced in place, which the Delta protocol forbids but a cache should
// not silently trust.
type chunkKey struct {
	path     string
	size     int64
	rowGroup int
	column   string
	typ      string
}

type chunkEntry struct {
	key  chunkKey
	arr  arrow.Array
	size int64
}

// NewColumnCache makes a cache of at most budget bytes; nil when budget is
// not positive (no caching).
func NewColumnCache(budget int64) *ColumnCache {
	if budget <= 0 {
		return nil
	}
	return &ColumnCache{budget: budget, entries: map[chunkKey]*list.Element{}}
}

func newChunkKey(path string, size int64, rowGroup int, column string, dt arrow.DataType) chunkKey {
	return chunkKey{path: path, size: size, rowGroup: rowGroup, column: column, typ: dt.Fingerprint()}
}

// get returns the cached array, retained for the caller, or nil.
func (c *ColumnCache) get(k chunkKey) arrow.Array {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		c.misses++
		return nil
	}
	c.hits++
	c.lru.MoveToFront(el)
	e := el.Value.(*chunkEntry)
	e.arr.Retain()
	return e.arr
}

// put adds a decoded chunk (the cache takes its own reference), evicting
// older chunks to stay within the budget. A chunk larger than the whole
// budget is not kept.
func (c *ColumnCache) put(k chunkKey, a arrow.Array) {
	size := arraySize(a.Data())
	if size > c.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; ok {
		return // another worker decoded it meanwhile
	}
	for c.used+size > c.budget {
		c.evictOldest()
	}
	a.Retain()
	c.entries[k] = c.lru.PushFront(&chunkEntry{key: k, arr: a, size: size})
	c.used += size
}

func (c *ColumnCache) evictOldest() {
	el := c.lru.Back()
	e := el.Value.(*chunkEntry)
	c.lru.Remove(el)
	delete(c.entries, e.key)
	c.used -= e.size
	e.arr.Release()
}

// ColumnCacheStats is a snapshot of a cache's use.
type ColumnCacheStats struct {
	Budget, Used, Chunks, Hits, Misses int64
}

// Stats reports the cache's size and hit counts.
func (c *ColumnCache) Stats() ColumnCacheStats {
	if c == nil {
		return ColumnCacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return ColumnCacheStats{Budget: c.budget, Used: c.used, Chunks: int64(len(c.entries)), Hits: c.hits, Misses: c.misses}
}

// arraySize is the bytes an array's buffers take, children included.
func arraySize(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Cap())
		}
	}
	for _, ch := range d.Children() {
		n += arraySize(ch)
	}
	return n
}
