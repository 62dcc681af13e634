package delta

import (
	"encoding/binary"
	"slices"
)

// encodeRoaringArray serializes ascending, distinct row positions as
// Delta's RoaringBitmapArray (the inverse of decodeRoaringArray): one
// portable 32-bit Roaring bitmap per distinct high 32 bits. Containers are
// arrays or bitmaps (no run containers), which every reader accepts.
func encodeRoaringArray(vals []int64) []byte {
	out := binary.LittleEndian.AppendUint32(nil, roaringArrayMagic)
	var groups [][]int64
	for i := 0; i < len(vals); {
		j := i
		for j < len(vals) && vals[j]>>32 == vals[i]>>32 {
			j++
		}
		groups = append(groups, vals[i:j])
		i = j
	}
	out = binary.LittleEndian.AppendUint64(out, uint64(len(groups)))
	for _, g := range groups {
		out = binary.LittleEndian.AppendUint32(out, uint32(g[0]>>32))
		out = appendRoaring32(out, g)
	}
	return out
}

// appendRoaring32 appends one portable Roaring bitmap of values sharing
// their high 32 bits.
func appendRoaring32(out []byte, vals []int64) []byte {
	type container struct {
		key  uint16
		lows []uint16
	}
	var cs []container
	for _, v := range vals {
		key, low := uint16(uint32(v)>>16), uint16(v)
		if len(cs) == 0 || cs[len(cs)-1].key != key {
			cs = append(cs, container{key: key})
		}
		c := &cs[len(cs)-1]
		c.lows = append(c.lows, low)
	}
	out = binary.LittleEndian.AppendUint32(out, roaringCookieNoRuns)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(cs)))
	for _, c := range cs {
		out = binary.LittleEndian.AppendUint16(out, c.key)
		out = binary.LittleEndian.AppendUint16(out, uint16(len(c.lows)-1))
	}
	// Offsets from the start of this bitmap to each container.
	header := 8 + 4*len(cs) + 4*len(cs)
	off := header
	for _, c := range cs {
		out = binary.LittleEndian.AppendUint32(out, uint32(off))
		off += containerSize(len(c.lows))
	}
	for _, c := range cs {
		if len(c.lows) > roaringArrayMax {
			words := make([]uint64, 1024)
			for _, l := range c.lows {
				words[l/64] |= 1 << (l % 64)
			}
			for _, w := range words {
				out = binary.LittleEndian.AppendUint64(out, w)
			}
			continue
		}
		for _, l := range c.lows {
			out = binary.LittleEndian.AppendUint16(out, l)
		}
	}
	return out
}

func containerSize(card int) int {
	if card > roaringArrayMax {
		return 8 * 1024
	}
	return 2 * card
}

// unionPositions is the ascending union of deleted-row lists, duplicates
// removed.
func unionPositions(a, b []int64) []int64 {
	out := append(append(make([]int64, 0, len(a)+len(b)), a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}
