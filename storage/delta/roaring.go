package delta

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
)

// roaringArrayMagic opens a serialized RoaringBitmapArray (little-endian).
const roaringArrayMagic = 1681511377

// decodeRoaringArray decodes Delta's RoaringBitmapArray: the magic number,
// a 64-bit count of 32-bit bitmaps, then for each a 32-bit key (the high
// half of its values) and the bitmap in the portable Roaring format. It
// returns the values, ascending.
func decodeRoaringArray(b []byte) ([]uint64, error) {
	if len(b) < 12 || binary.LittleEndian.Uint32(b) != roaringArrayMagic {
		return nil, fmt.Errorf("deletion vector: bad magic number")
	}
	n := binary.LittleEndian.Uint64(b[4:])
	b = b[12:]
	var out []uint64
	for range n {
		if len(b) < 4 {
			return nil, fmt.Errorf("deletion vector: truncated bitmap array")
		}
		key := uint64(binary.LittleEndian.Uint32(b))
		vals, used, err := decodeRoaring32(b[4:])
		if err != nil {
			return nil, fmt.Errorf("deletion vector: %w", err)
		}
		for _, v := range vals {
			out = append(out, key<<32|uint64(v))
		}
		b = b[4+used:]
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return out, nil
}

// Portable Roaring cookies (the first 32 bits of a serialized bitmap).
const (
	roaringCookieNoRuns = 12346
	roaringCookieRuns   = 12347
	roaringArrayMax     = 4096 // containers holding more are bitmaps
	roaringNoOffsetMax  = 4    // with runs, offsets are stored only from this many containers
)

// decodeRoaring32 decodes one 32-bit Roaring bitmap in the portable
// serialization and returns its values and the bytes it used.
func decodeRoaring32(b []byte) ([]uint32, int, error) {
	r := reader{b: b}
	cookie := r.u32()
	var size int
	var runs []byte // bit i set: container i is a run container
	hasRuns := cookie&0xFFFF == roaringCookieRuns
	switch {
	case hasRuns:
		size = int(cookie>>16) + 1
		runs = r.bytes((size + 7) / 8)
	case cookie == roaringCookieNoRuns:
		size = int(r.u32())
	default:
		return nil, 0, fmt.Errorf("bad roaring cookie %d", cookie)
	}
	if r.err != nil || size > 1<<16 {
		return nil, 0, fmt.Errorf("bad roaring header")
	}
	keys := make([]uint16, size)
	cards := make([]int, size)
	for i := range size {
		keys[i] = r.u16()
		cards[i] = int(r.u16()) + 1
	}
	if !hasRuns || size >= roaringNoOffsetMax {
		r.bytes(4 * size) // container offsets: the containers follow in order anyway
	}
	var out []uint32
	for i := range size {
		high := uint32(keys[i]) << 16
		switch {
		case runs != nil && runs[i/8]&(1<<(i%8)) != 0:
			nruns := int(r.u16())
			for range nruns {
				start, length := uint32(r.u16()), uint32(r.u16())
				for v := start; v <= start+length; v++ {
					out = append(out, high|v)
				}
			}
		case cards[i] > roaringArrayMax:
			words := r.bytes(8 * 1024)
			for w := 0; w < len(words)/8; w++ {
				x := binary.LittleEndian.Uint64(words[8*w:])
				for x != 0 {
					bit := uint32(bits.TrailingZeros64(x))
					out = append(out, high|uint32(w*64)+bit)
					x &= x - 1
				}
			}
		default:
			for range cards[i] {
				out = append(out, high|uint32(r.u16()))
			}
		}
		if r.err != nil {
			return nil, 0, fmt.Errorf("truncated roaring container")
		}
	}
	return out, r.off, r.err
}

// reader reads little-endian values, remembering the first overrun.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || r.off+n > len(r.b) {
		r.err = fmt.Errorf("truncated roaring bitmap")
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u16() uint16 {
	if s := r.bytes(2); s != nil {
		return binary.LittleEndian.Uint16(s)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if s := r.bytes(4); s != nil {
		return binary.LittleEndian.Uint32(s)
	}
	return 0
}
