package exec

import (
	"sync"
	"sync/atomic"
)

// A join's build side is indexed by several hash tables, one per radix
// partition of the key hash (bits the slot index does not use), built by
// the workers in parallel: a build of millions of rows no longer runs on one
// core while the others wait. Group ids are numbered across the tables
// (partition p's local group g is base[p]+g), so the CSR of build rows by
// group stays one array.

// minPartitionedBuild is the build size below which one table is built:
// under it the goroutines cost more than they save.
const minPartitionedBuild = 1 << 16

// buildTables is how many tables a build of n rows gets with the given
// workers: one per worker, and for builds of a million rows and more,
// enough that each holds about 64K rows.
func buildTables(n, workers int) int {
	if n < minPartitionedBuild {
		return 1
	}
	t := max(workers, 1)
	for n/t > 1<<16 && t < 256 {
		t *= 2
	}
	return t
}

// partitionedTable is the build side's index.
type partitionedTable struct {
	tables []*hashTable
	base   []int32 // first global group id of each table
}

func (pt *partitionedTable) groups() int {
	last := len(pt.tables) - 1
	return int(pt.base[last]) + pt.tables[last].groups()
}

// buildPartitioned inserts the n encoded build rows into parts tables,
// workers goroutines taking tables in turn, and returns each row's global
// group id (-1 for a NULL key, which never matches). More tables than
// workers keep each table small enough for the cache while it is filled.
func buildPartitioned(enc *keyEncoder, n, parts, workers int) (*partitionedTable, []int32) {
	pt := &partitionedTable{tables: make([]*hashTable, parts), base: make([]int32, parts)}
	gids := make([]int32, n)
	// Counting sort of row indexes by partition.
	counts := make([]int32, parts+1)
	part := make([]int32, n)
	for i := 0; i < n; i++ {
		if enc.hasNulls && enc.nulls[i] {
			part[i] = -1
			continue
		}
		p := int32(radixPart(enc.hashes[i], parts))
		part[i] = p
		counts[p+1]++
	}
	for p := 0; p < parts; p++ {
		counts[p+1] += counts[p]
	}
	order := make([]int32, counts[parts])
	fill := append([]int32(nil), counts[:parts]...)
	for i, p := range part {
		if p >= 0 {
			order[fill[p]] = int32(i)
			fill[p]++
		}
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range max(1, min(workers, parts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p := int(next.Add(1) - 1)
				if p >= parts {
					return
				}
				rows := order[counts[p]:counts[p+1]]
				// Joins usually repeat keys (a foreign key per row): start
				// at a quarter of the rows and grow if they are unique.
				t := newHashTable(enc.intMode, max(len(rows)/4, 16))
				t.insertRows(enc, rows, gids)
				pt.tables[p] = t
			}
		}()
	}
	wg.Wait()
	for p := 1; p < parts; p++ {
		pt.base[p] = pt.base[p-1] + int32(pt.tables[p-1].groups())
	}
	for i, p := range part {
		if p < 0 {
			gids[i] = -1
		} else {
			gids[i] += pt.base[p]
		}
	}
	return pt, gids
}

// insertRows inserts the given encoded rows (none with a NULL key), setting
// gids[row] to each row's group in t.
func (t *hashTable) insertRows(e *keyEncoder, rows []int32, gids []int32) {
	for _, r := range rows {
		if t.intMode {
			gids[r] = t.insertInt(e.hashes[r], e.ikeys[r])
		} else {
			gids[r] = t.insertBytes(e.hashes[r], e.key(int(r)))
		}
	}
}

// find looks the encoded probe rows up: gids[i] is the global group, or -1
// when the key is absent or has a NULL.
func (pt *partitionedTable) find(e *keyEncoder, gids []int32) {
	if len(pt.tables) == 1 {
		pt.tables[0].find(e, gids)
		return
	}
	parts := len(pt.tables)
	for i := 0; i < e.n; i++ {
		gids[i] = -1
		if e.hasNulls && e.nulls[i] {
			continue
		}
		h := e.hashes[i]
		p := radixPart(h, parts)
		if g := pt.tables[p].lookup(e, i, h); g >= 0 {
			gids[i] = pt.base[p] + g
		}
	}
}

// lookup finds encoded row i (hash h, not NULL): its group, or -1.
func (t *hashTable) lookup(e *keyEncoder, i int, h uint64) int32 {
	s := h & t.mask
	if t.intMode {
		k := e.ikeys[i]
		for {
			sl := t.islots[s]
			if sl.gid == 0 {
				return -1
			}
			if sl.key == k {
				return int32(sl.gid - 1)
			}
			s = (s + 1) & t.mask
		}
	}
	key := e.key(i)
	for {
		g := t.slots[s]
		if g == 0 {
			return -1
		}
		if t.hashes[g-1] == h && string(t.groupKey(int32(g-1))) == string(key) {
			return int32(g - 1)
		}
		s = (s + 1) & t.mask
	}
}
