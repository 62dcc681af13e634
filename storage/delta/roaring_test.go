package delta

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// le appends little-endian values of the given widths.
type le []byte

func (b le) u16(v ...uint16) le {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}
func (b le) u32(v ...uint32) le {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}
func (b le) u64(v uint64) le { return binary.LittleEndian.AppendUint64(b, v) }

func TestDecodeRoaringArray(t *testing.T) {
	// Bitmap for key 0: no run containers, one array container {1, 5, 7}
	// and one bitmap container (high 16 bits = 2) holding 0..4999.
	bm0 := le{}.u32(roaringCookieNoRuns, 2).
		u16(0, 3-1, 2, 5000-1). // keys and cardinalities - 1
		u32(0, 0).              // offsets (ignored)
		u16(1, 5, 7)
	words := make([]uint64, 1024)
	for v := 0; v < 5000; v++ {
		words[v/64] |= 1 << (v % 64)
	}
	for _, w := range words {
		bm0 = bm0.u64(w)
	}
	// Bitmap for key 1: run containers present, one container with the
	// runs 10..12 and 100..100 (no offsets below 4 containers).
	bm1 := le{}.u32(roaringCookieRuns | (1-1)<<16) // 1 container
	bm1 = append(bm1, 0x01)                        // container 0 is a run container
	bm1 = bm1.u16(0, 4-1).u16(2, 10, 2, 100, 0)    // key, card-1; 2 runs (start, len-1)

	data := le{}.u32(roaringArrayMagic).u64(2).u32(0)
	data = append(data, bm0...)
	data = data.u32(1)
	data = append(data, bm1...)

	got, err := decodeRoaringArray(data)
	if err != nil {
		t.Fatal(err)
	}
	var want []uint64
	want = append(want, 1, 5, 7)
	for v := uint64(0); v < 5000; v++ {
		want = append(want, 2<<16|v)
	}
	want = append(want, 1<<32|10, 1<<32|11, 1<<32|12, 1<<32|100)
	if !slices.Equal(got, want) {
		t.Fatalf("got %d values (first %v), want %d", len(got), got[:min(8, len(got))], len(want))
	}

	for _, bad := range [][]byte{nil, data[:3], le{}.u32(1).u64(0), data[:len(data)-2]} {
		if _, err := decodeRoaringArray(bad); err == nil {
			t.Errorf("decoding %d bad bytes succeeded", len(bad))
		}
	}
}

func TestZ85(t *testing.T) {
	// The example of the Z85 specification.
	b, err := z85Decode("HelloWorld")
	if err != nil || !slices.Equal(b, []byte{0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B}) {
		t.Fatalf("z85Decode = %x, %v", b, err)
	}
	if _, err := z85Decode("Hell"); err == nil {
		t.Error("short input decoded")
	}
}

// TestDeletionVectorFromFile reads a stored deletion vector of a golden
// table ('u' storage: a Z85 UUID naming a file, an offset into it).
func TestDeletionVectorFromFile(t *testing.T) {
	dir := filepath.Join(goldenRoot(t), "dv-partitioned-with-checkpoint", "delta")
	snap, err := openSnapshot(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range snap.Files() {
		if f.DeletionVector == nil {
			continue
		}
		rows, err := snap.Table().DeletedRows(context.Background(), &f)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(rows)) != f.DeletionVector.Cardinality || !slices.IsSorted(rows) {
			t.Fatalf("%s: deleted rows %v, cardinality %d", f.Path, rows, f.DeletionVector.Cardinality)
		}
		if f.NumRecords >= 0 && rows[len(rows)-1] >= f.NumRecords {
			t.Fatalf("%s: deleted row %d beyond %d rows", f.Path, rows[len(rows)-1], f.NumRecords)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no file has a deletion vector")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
}
