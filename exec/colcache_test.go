package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func int64Chunk(n int) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := 0; i < n; i++ {
		b.Append(int64(i))
	}
	return b.NewArray()
}

func TestColumnCacheEvictsLeastRecentlyUsed(t *testing.T) {
	a := int64Chunk(1000)
	size := arraySize(a.Data())
	c := NewColumnCache(2 * size) // room for two chunks
	key := func(g int) chunkKey { return newChunkKey("/t/part-0.parquet", 100, g, "x", a.DataType()) }
	c.put(key(0), a)
	c.put(key(1), a)
	if got := c.get(key(0)); got == nil {
		t.Fatal("chunk 0 not cached")
	} else {
		got.Release()
	}
	c.put(key(2), a) // evicts chunk 1, the least recently used
	if got := c.get(key(1)); got != nil {
		t.Fatal("chunk 1 should have been evicted")
	}
	for _, g := range []int{0, 2} {
		got := c.get(key(g))
		if got == nil {
			t.Fatalf("chunk %d should still be cached", g)
		}
		if got.Len() != 1000 {
			t.Fatalf("chunk %d has %d rows", g, got.Len())
		}
		got.Release()
	}
	st := c.Stats()
	if st.Used > st.Budget || st.Chunks != 2 {
		t.Fatalf("stats %+v: want 2 chunks within the budget", st)
	}
	// Another type of the same column is another chunk.
	if got := c.get(newChunkKey("/t/part-0.parquet", 100, 0, "x", arrow.PrimitiveTypes.Int32)); got != nil {
		t.Fatal("a chunk read as int64 answered a read as int32")
	}
	a.Release()
}

func TestColumnCacheSkipsChunksOverBudget(t *testing.T) {
	a := int64Chunk(1000)
	defer a.Release()
	c := NewColumnCache(arraySize(a.Data()) - 1)
	k := newChunkKey("/t/f.parquet", 100, 0, "x", a.DataType())
	c.put(k, a)
	if got := c.get(k); got != nil {
		t.Fatal("a chunk larger than the budget was kept")
	}
	if NewColumnCache(0) != nil {
		t.Fatal("a zero budget should mean no cache")
	}
}
