package exec

import (
	"encoding/binary"
	"fmt"
	"github.com/lodedb/lode/exec/batch"
	"hash/maphash"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
)

// Hash tables shared by the hash aggregate and the hash join: keys are
// hashed vectorized per batch by a keyEncoder, then looked up in an
// open-addressing hashTable that maps each distinct key to a dense group id.
// A single integer-like key (int2/int4/int8, date, timestamp) takes a
// specialised path on int64 values; anything else is serialised into bytes
// per row (a NULL flag per column, then the value) and compared bytewise.
// Integer widths are normalised to int64 and floats to float64 (with -0 → 0
// and one canonical NaN, PostgreSQL treating NaN = NaN), so equal SQL values
// always encode to equal bytes.

type keyKind uint8

const (
	keyInt keyKind = iota
	keyFloat
	keyBool
	keyDec
	keyStr
	keyArr // arrays: keyed by their canonical text form (hashtable_list.go)
)

func keyKindOf(dt arrow.DataType) keyKind {
	switch dt.ID() {
	case arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIMESTAMP:
		return keyInt
	case arrow.FLOAT32, arrow.FLOAT64:
		return keyFloat
	case arrow.BOOL:
		return keyBool
	case arrow.DECIMAL128:
		return keyDec
	case arrow.STRING:
		return keyStr
	case arrow.LIST:
		return keyArr
	}
	panic(fmt.Sprintf("exec: unsupported key type %s", dt))
}

// keyTypeError reports a key type the hash tables cannot handle.
func keyTypeError(dt arrow.DataType) error {
	switch dt.ID() {
	case arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIMESTAMP,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL, arrow.DECIMAL128, arrow.STRING:
		return nil
	case arrow.LIST:
		return keyTypeError(dt.(*arrow.ListType).Elem())
	}
	return sqlerr.New(sqlerr.FeatureNotSupported, "cannot hash values of type %s", dt)
}

func keyWidth(k keyKind) int {
	switch k {
	case keyInt, keyFloat:
		return 8
	case keyBool:
		return 1
	case keyDec:
		return 16
	}
	return 4 // string length prefix
}

var hashSeed = maphash.MakeSeed()

// hashInt mixes an integer key (murmur3 finaliser): every output bit depends
// on every input bit, so both the slot (low bits) and the radix partition
// (high bits) are well spread.
func hashInt(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// nullKeyHash is the hash recorded for the NULL group of an int-mode table.
const nullKeyHash = 0x9e3779b97f4a7c15

// radixPart maps a hash to one of n partitions using bits the slot index
// does not use.
func radixPart(h uint64, n int) int { return int(((h >> 32) * uint64(n)) >> 32) }

// intKey reads an integer-like value as int64.
func intKeyValues(arr arrow.Array) func(i int) int64 {
	switch a := arr.(type) {
	case *array.Int16:
		v := a.Int16Values()
		return func(i int) int64 { return int64(v[i]) }
	case *array.Int32:
		v := a.Int32Values()
		return func(i int) int64 { return int64(v[i]) }
	case *array.Date32:
		v := a.Date32Values()
		return func(i int) int64 { return int64(v[i]) }
	case *array.Timestamp:
		v := a.TimestampValues()
		return func(i int) int64 { return int64(v[i]) }
	}
	panic("exec: not an integer key")
}

func floatKeyBits(f float64) uint64 {
	if f == 0 {
		return 0 // -0 = 0
	}
	if f != f {
		return 0x7ff8000000000001 // one NaN
	}
	return math.Float64bits(f)
}

// keyEncoder hashes (and for composite keys serialises) the key columns of
// the live rows of a batch. Its buffers are reused across batches; it is
// owned by one goroutine.
type keyEncoder struct {
	kinds   []keyKind
	intMode bool
	packed  bool // two narrow int keys packed into ikeys (hashtable_pair.go)

	n        int
	hashes   []uint64
	nulls    []bool // row has a NULL in some key column (valid when hasNulls)
	hasNulls bool
	ikeys    []int64 // intMode
	buf      []byte  // bytes mode: serialised keys
	offs     []int32 // bytes mode: n+1 offsets into buf
	pos      []int32
}

func newKeyEncoder(types []arrow.DataType) *keyEncoder {
	e := &keyEncoder{kinds: make([]keyKind, len(types))}
	for i, t := range types {
		e.kinds[i] = keyKindOf(t)
	}
	e.intMode = len(types) == 1 && e.kinds[0] == keyInt
	return e
}

func growSlice[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}

// encode processes n rows of arrs: rows[i] is the physical row of the i-th
// (rows == nil: row i). prefix, when non-nil, is an int32 per row encoded
// before the keys (the group id of distinct aggregates; bytes mode only).
func (e *keyEncoder) encode(arrs []arrow.Array, rows []int32, n int, prefix []int32) {
	if texts := listKeysAsText(e.kinds, arrs); texts != nil {
		defer releaseArrays(texts)
		arrs = texts
	}
	e.n = n
	e.hashes = growSlice(e.hashes, n)
	e.nulls = growSlice(e.nulls, n)
	e.hasNulls = false
	for _, a := range arrs {
		if a.NullN() > 0 {
			e.hasNulls = true
		}
	}
	if e.hasNulls {
		clear(e.nulls)
		for _, a := range arrs {
			if a.NullN() == 0 {
				continue
			}
			for i := 0; i < n; i++ {
				if a.IsNull(rowAt(rows, i)) {
					e.nulls[i] = true
				}
			}
		}
	}
	if e.packed {
		e.encodePacked(arrs, rows, n)
		return
	}
	if e.intMode && prefix == nil {
		e.encodeInt(arrs[0], rows, n)
		return
	}
	e.encodeBytes(arrs, rows, n, prefix)
}

func rowAt(rows []int32, i int) int {
	if rows == nil {
		return i
	}
	return int(rows[i])
}

func (e *keyEncoder) encodeInt(arr arrow.Array, rows []int32, n int) {
	e.ikeys = growSlice(e.ikeys, n)
	keys, hashes := e.ikeys, e.hashes
	if a, ok := arr.(*array.Int64); ok {
		v := a.Int64Values()
		if rows == nil {
			for i := 0; i < n; i++ {
				keys[i] = v[i]
				hashes[i] = hashInt(uint64(v[i]))
			}
		} else {
			for i, r := range rows[:n] {
				keys[i] = v[r]
				hashes[i] = hashInt(uint64(v[r]))
			}
		}
	} else {
		get := intKeyValues(arr)
		for i := 0; i < n; i++ {
			k := get(rowAt(rows, i))
			keys[i] = k
			hashes[i] = hashInt(uint64(k))
		}
	}
	e.maskNullKeys(keys, hashes, n)
}

func (e *keyEncoder) encodeBytes(arrs []arrow.Array, rows []int32, n int, prefix []int32) {
	fixed := 0
	if prefix != nil {
		fixed = 4
	}
	for _, k := range e.kinds {
		fixed += 1 + keyWidth(k)
	}
	e.offs = growSlice(e.offs, n+1)
	e.pos = growSlice(e.pos, n)
	clear(e.pos)
	offs := e.offs
	total := 0
	for i := 0; i < n; i++ {
		offs[i] = int32(total)
		total += fixed
	}
	offs[n] = int32(total)
	// variable-length parts
	extra := false
	for c, k := range e.kinds {
		if k != keyStr && k != keyArr {
			continue
		}
		extra = true
		a := arrs[c].(*array.String)
		vo := a.ValueOffsets()
		for i := 0; i < n; i++ {
			r := rowAt(rows, i)
			if a.IsValid(r) {
				e.pos[i] += vo[r+1] - vo[r] // reuse pos as a length accumulator
			}
		}
	}
	if extra {
		total = 0
		for i := 0; i < n; i++ {
			offs[i] = int32(total)
			total += fixed + int(e.pos[i])
		}
		offs[n] = int32(total)
	}
	e.buf = growSlice(e.buf, total)
	buf := e.buf
	pos := e.pos
	copy(pos, offs[:n])
	if prefix != nil {
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint32(buf[pos[i]:], uint32(prefix[i]))
			pos[i] += 4
		}
	}
	for c, k := range e.kinds {
		a := arrs[c]
		hasNull := a.NullN() > 0
		switch k {
		case keyInt:
			var get func(int) int64
			if a64, ok := a.(*array.Int64); ok {
				v := a64.Int64Values()
				get = func(i int) int64 { return v[i] }
			} else {
				get = intKeyValues(a)
			}
			for i := 0; i < n; i++ {
				r := rowAt(rows, i)
				p := pos[i]
				if hasNull && a.IsNull(r) {
					buf[p] = 0
					binary.LittleEndian.PutUint64(buf[p+1:], 0)
				} else {
					buf[p] = 1
					binary.LittleEndian.PutUint64(buf[p+1:], uint64(get(r)))
				}
				pos[i] = p + 9
			}
		case keyFloat:
			var get func(int) float64
			switch fa := a.(type) {
			case *array.Float64:
				v := fa.Float64Values()
				get = func(i int) float64 { return v[i] }
			case *array.Float32:
				v := fa.Float32Values()
				get = func(i int) float64 { return float64(v[i]) }
			}
			for i := 0; i < n; i++ {
				r := rowAt(rows, i)
				p := pos[i]
				if hasNull && a.IsNull(r) {
					buf[p] = 0
					binary.LittleEndian.PutUint64(buf[p+1:], 0)
				} else {
					buf[p] = 1
					binary.LittleEndian.PutUint64(buf[p+1:], floatKeyBits(get(r)))
				}
				pos[i] = p + 9
			}
		case keyBool:
			ba := a.(*array.Boolean)
			for i := 0; i < n; i++ {
				r := rowAt(rows, i)
				p := pos[i]
				buf[p], buf[p+1] = 0, 0
				if !hasNull || ba.IsValid(r) {
					buf[p] = 1
					if ba.Value(r) {
						buf[p+1] = 1
					}
				}
				pos[i] = p + 2
			}
		case keyDec:
			v := a.(*array.Decimal128).Values()
			for i := 0; i < n; i++ {
				r := rowAt(rows, i)
				p := pos[i]
				if hasNull && a.IsNull(r) {
					buf[p] = 0
					clear(buf[p+1 : p+17])
				} else {
					buf[p] = 1
					binary.LittleEndian.PutUint64(buf[p+1:], v[r].LowBits())
					binary.LittleEndian.PutUint64(buf[p+9:], uint64(v[r].HighBits()))
				}
				pos[i] = p + 17
			}
		case keyStr, keyArr:
			sa := a.(*array.String)
			vo, vb := batch.StringBuffers(sa)
			for i := 0; i < n; i++ {
				r := rowAt(rows, i)
				p := pos[i]
				if hasNull && sa.IsNull(r) {
					buf[p] = 0
					binary.LittleEndian.PutUint32(buf[p+1:], 0)
					pos[i] = p + 5
					continue
				}
				s := vb[vo[r]:vo[r+1]]
				buf[p] = 1
				binary.LittleEndian.PutUint32(buf[p+1:], uint32(len(s)))
				copy(buf[p+5:], s)
				pos[i] = p + 5 + int32(len(s))
			}
		}
	}
	for i := 0; i < n; i++ {
		e.hashes[i] = maphash.Bytes(hashSeed, buf[offs[i]:offs[i+1]])
	}
}

func (e *keyEncoder) key(i int) []byte { return e.buf[e.offs[i]:e.offs[i+1]] }

// hashTable maps keys to dense group ids 0..groups()-1 by open addressing
// with linear probing over a power-of-two slot array (load ≤ 1/2).
type hashTable struct {
	intMode bool
	slots   []uint32 // bytes mode: group id + 1; 0 = empty
	// islots is intMode's slot array. Holding the key beside the group id
	// makes a probe of a large table (a join's build side of millions of
	// rows) one cache miss instead of two.
	islots  []intSlot
	mask    uint64
	hashes  []uint64 // per group
	ikeys   []int64  // per group (intMode)
	nullGID int32    // intMode: the NULL key's group, or -1
	kbuf    []byte   // bytes mode: serialised keys of all groups
	koffs   []int32  // bytes mode: groups+1 offsets into kbuf
}

func newHashTable(intMode bool, capHint int) *hashTable {
	c := 16
	for c < capHint*2 {
		c <<= 1
	}
	t := &hashTable{intMode: intMode, mask: uint64(c - 1), nullGID: -1}
	if intMode {
		t.islots = make([]intSlot, c)
	} else {
		t.slots = make([]uint32, c)
		t.koffs = []int32{0}
	}
	return t
}

// intSlot is a slot of an intMode table.
type intSlot struct {
	key int64
	gid uint32 // group id + 1; 0 = empty
}

func (t *hashTable) groups() int { return len(t.hashes) }

func (t *hashTable) groupKey(g int32) []byte { return t.kbuf[t.koffs[g]:t.koffs[g+1]] }

func (t *hashTable) capacity() int {
	if t.intMode {
		return len(t.islots)
	}
	return len(t.slots)
}

func (t *hashTable) grow() {
	c := t.capacity() * 2
	t.mask = uint64(c - 1)
	if t.intMode {
		t.islots = make([]intSlot, c)
		for g, h := range t.hashes {
			if int32(g) == t.nullGID {
				continue
			}
			s := h & t.mask
			for t.islots[s].gid != 0 {
				s = (s + 1) & t.mask
			}
			t.islots[s] = intSlot{key: t.ikeys[g], gid: uint32(g + 1)}
		}
		return
	}
	t.slots = make([]uint32, c)
	for g, h := range t.hashes {
		s := h & t.mask
		for t.slots[s] != 0 {
			s = (s + 1) & t.mask
		}
		t.slots[s] = uint32(g + 1)
	}
}

func (t *hashTable) maybeGrow() {
	if len(t.hashes)*2 > t.capacity() {
		t.grow()
	}
}

func (t *hashTable) nullGroup() int32 {
	if t.nullGID < 0 {
		t.nullGID = int32(len(t.hashes))
		t.hashes = append(t.hashes, nullKeyHash)
		t.ikeys = append(t.ikeys, 0)
	}
	return t.nullGID
}

func (t *hashTable) insertInt(h uint64, k int64) int32 {
	s := h & t.mask
	for {
		sl := t.islots[s]
		if sl.gid == 0 {
			gid := int32(len(t.hashes))
			t.hashes = append(t.hashes, h)
			t.ikeys = append(t.ikeys, k)
			t.islots[s] = intSlot{key: k, gid: uint32(gid + 1)}
			t.maybeGrow()
			return gid
		}
		if sl.key == k {
			return int32(sl.gid - 1)
		}
		s = (s + 1) & t.mask
	}
}

func (t *hashTable) insertBytes(h uint64, key []byte) int32 {
	s := h & t.mask
	for {
		g := t.slots[s]
		if g == 0 {
			gid := int32(len(t.hashes))
			t.hashes = append(t.hashes, h)
			t.kbuf = append(t.kbuf, key...)
			t.koffs = append(t.koffs, int32(len(t.kbuf)))
			t.slots[s] = uint32(gid + 1)
			t.maybeGrow()
			return gid
		}
		if t.hashes[g-1] == h && string(t.groupKey(int32(g-1))) == string(key) {
			return int32(g - 1)
		}
		s = (s + 1) & t.mask
	}
}

// findOrInsert assigns the group of each encoded row to gids (NULL keys
// form one group).
func (t *hashTable) findOrInsert(e *keyEncoder, gids []int32) {
	n := e.n
	if t.intMode {
		keys, hashes := e.ikeys[:n], e.hashes[:n]
		for i, k := range keys {
			if e.hasNulls && e.nulls[i] {
				gids[i] = t.nullGroup()
				continue
			}
			// inlined probe of insertInt for the common hit case
			h := hashes[i]
			s := h & t.mask
			for {
				sl := t.islots[s]
				if sl.gid == 0 {
					gids[i] = t.insertInt(h, k)
					break
				}
				if sl.key == k {
					gids[i] = int32(sl.gid - 1)
					break
				}
				s = (s + 1) & t.mask
			}
		}
		return
	}
	for i := 0; i < n; i++ {
		gids[i] = t.insertBytes(e.hashes[i], e.key(i))
	}
}

// find looks each encoded row up without inserting: gids[i] = -1 when the
// key is absent or has a NULL (NULL never equals anything in a join).
func (t *hashTable) find(e *keyEncoder, gids []int32) {
	n := e.n
	for i := 0; i < n; i++ {
		gids[i] = -1
		if e.hasNulls && e.nulls[i] {
			continue
		}
		h := e.hashes[i]
		s := h & t.mask
		if t.intMode {
			k := e.ikeys[i]
			for {
				sl := t.islots[s]
				if sl.gid == 0 {
					break
				}
				if sl.key == k {
					gids[i] = int32(sl.gid - 1)
					break
				}
				s = (s + 1) & t.mask
			}
			continue
		}
		key := e.key(i)
		for {
			g := t.slots[s]
			if g == 0 {
				break
			}
			if t.hashes[g-1] == h && string(t.groupKey(int32(g-1))) == string(key) {
				gids[i] = int32(g - 1)
				break
			}
			s = (s + 1) & t.mask
		}
	}
}

// insertFrom inserts group g of src (a table of the same key layout) and
// returns its group id here.
func (t *hashTable) insertFrom(src *hashTable, g int32) int32 {
	if t.intMode {
		if g == src.nullGID {
			return t.nullGroup()
		}
		return t.insertInt(src.hashes[g], src.ikeys[g])
	}
	return t.insertBytes(src.hashes[g], src.groupKey(g))
}

// keyColumns rebuilds the key columns of every group, with the given
// output types.
func (t *hashTable) keyColumns(mem memory.Allocator, dts []arrow.DataType) []arrow.Array {
	n := t.groups()
	out := make([]arrow.Array, len(dts))
	bs := make([]array.Builder, len(dts))
	for c, dt := range dts {
		bs[c] = array.NewBuilder(mem, dt)
		bs[c].Reserve(n)
	}
	if t.intMode {
		for g := 0; g < n; g++ {
			if int32(g) == t.nullGID {
				bs[0].AppendNull()
				continue
			}
			appendInt(bs[0], t.ikeys[g])
		}
	} else {
		for g := 0; g < n; g++ {
			key := t.groupKey(int32(g))
			for c, dt := range dts {
				key = decodeKeyValue(bs[c], keyKindOf(dt), key)
			}
		}
	}
	for c, b := range bs {
		out[c] = b.NewArray()
		b.Release()
	}
	return out
}

func appendInt(b array.Builder, v int64) {
	switch b := b.(type) {
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Int64Builder:
		b.Append(v)
	case *array.Date32Builder:
		b.Append(arrow.Date32(v))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v))
	default:
		panic(fmt.Sprintf("exec: appendInt to %T", b))
	}
}

// decodeKeyValue appends the value at the head of key to b and returns the
// rest of key.
func decodeKeyValue(b array.Builder, k keyKind, key []byte) []byte {
	valid := key[0] == 1
	key = key[1:]
	switch k {
	case keyInt:
		if valid {
			appendInt(b, int64(binary.LittleEndian.Uint64(key)))
		} else {
			b.AppendNull()
		}
		return key[8:]
	case keyFloat:
		f := math.Float64frombits(binary.LittleEndian.Uint64(key))
		switch {
		case !valid:
			b.AppendNull()
		default:
			switch fb := b.(type) {
			case *array.Float32Builder:
				fb.Append(float32(f))
			case *array.Float64Builder:
				fb.Append(f)
			}
		}
		return key[8:]
	case keyBool:
		if valid {
			b.(*array.BooleanBuilder).Append(key[0] == 1)
		} else {
			b.AppendNull()
		}
		return key[1:]
	case keyDec:
		if valid {
			lo := binary.LittleEndian.Uint64(key)
			hi := int64(binary.LittleEndian.Uint64(key[8:]))
			b.(*array.Decimal128Builder).Append(decimal128.New(hi, lo))
		} else {
			b.AppendNull()
		}
		return key[16:]
	}
	n := int(binary.LittleEndian.Uint32(key))
	if k == keyArr {
		decodeListKey(b, valid, key[4:4+n])
		return key[4+n:]
	}
	if valid {
		b.(*array.StringBuilder).BinaryBuilder.Append(key[4 : 4+n])
	} else {
		b.AppendNull()
	}
	return key[4+n:]
}

// maskNullKeys gives rows with a NULL key one fixed key and hash (NULL
// matches nothing in a join and is one group in an aggregation).
func (e *keyEncoder) maskNullKeys(keys []int64, hashes []uint64, n int) {
	if !e.hasNulls {
		return
	}
	for i := 0; i < n; i++ {
		if e.nulls[i] {
			keys[i] = 0
			hashes[i] = nullKeyHash
		}
	}
}
