package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/parquet-go/parquet-go"
)

// bytesSink decodes BYTE_ARRAY values into Arrow string/binary buffers:
// int32 offsets and one data buffer that doubles as it fills.
type bytesSink struct {
	dt      arrow.DataType
	n       int
	offBuf  *memory.Buffer
	offs    []int32
	dataBuf *memory.Buffer
	data    []byte // dataBuf's bytes; len(data) is the capacity
	used    int
}

// newBytesSink sizes the data buffer from hint, the chunk's uncompressed
// size: an upper bound for PLAIN data, so growing (and copying) is rare.
func newBytesSink(dt arrow.DataType, n int, hint int64, mem memory.Allocator) *bytesSink {
	offBuf, offs := newFixedBuffer[int32](mem, n+1)
	offs[0] = 0
	dataBuf := memory.NewResizableBuffer(mem)
	dataBuf.Resize(int(min(max(64, hint), 1<<31-1)))
	return &bytesSink{dt: dt, n: n, offBuf: offBuf, offs: offs, dataBuf: dataBuf, data: dataBuf.Bytes()}
}

// reserve makes room for k more bytes. Arrow string offsets are int32, so a
// row group's strings of one column must stay under 2 GiB.
func (s *bytesSink) reserve(k int) error {
	need := s.used + k
	if need > 1<<31-1 {
		return fmt.Errorf("string data of one row group exceeds 2 GiB")
	}
	if need <= len(s.data) {
		return nil
	}
	s.dataBuf.Resize(min(max(need, 2*len(s.data)), 1<<31-1))
	s.data = s.dataBuf.Bytes()
	return nil
}

func (s *bytesSink) put(p pq.Page, pos int, defs []byte) error {
	var vals []byte
	var voffs []uint32
	var idx []int32
	if d := p.Dictionary(); d != nil {
		dv := d.Page().Data()
		vals, voffs = dv.ByteArray()
		data := p.Data()
		idx = data.Int32()
		if s.used == 0 && len(voffs) > 1 {
			// Dictionary chunks are smaller than their decoded data: size
			// the buffer for every row at the dictionary's mean length.
			if err := s.reserve(s.n * len(vals) / (len(voffs) - 1)); err != nil {
				return err
			}
		}
	} else {
		data := p.Data()
		vals, voffs = data.ByteArray()
	}
	rows := int(p.NumRows())
	if idx == nil && defs == nil {
		return s.putPlain(pos, rows, vals, voffs)
	}
	dense := len(voffs) - 1
	if idx != nil {
		dense = len(idx)
	}
	j := 0
	for k := range rows {
		if defs == nil || defs[k] != 0 {
			if j >= dense {
				return fmt.Errorf("page has fewer values than rows")
			}
			v := j
			if idx != nil {
				v = int(idx[j])
				if uint(v) >= uint(len(voffs)-1) {
					return fmt.Errorf("dictionary index %d out of range", v)
				}
			}
			b := vals[voffs[v]:voffs[v+1]]
			if err := s.reserve(len(b)); err != nil {
				return err
			}
			s.used += copy(s.data[s.used:], b)
			j++
		}
		s.offs[pos+k+1] = int32(s.used)
	}
	return nil
}

// putPlain copies a PLAIN page without NULLs in one block and rebases its
// offsets: the common case for files Lode writes.
func (s *bytesSink) putPlain(pos, rows int, vals []byte, voffs []uint32) error {
	if len(voffs) != rows+1 {
		return fmt.Errorf("page has %d values for %d rows", len(voffs)-1, rows)
	}
	lo, hi := voffs[0], voffs[rows]
	if err := s.reserve(int(hi - lo)); err != nil {
		return err
	}
	base := int32(s.used) - int32(lo)
	copy(s.data[s.used:], vals[lo:hi])
	s.used += int(hi - lo)
	out := s.offs[pos+1 : pos+1+rows]
	for k := range out {
		out[k] = int32(voffs[k+1]) + base
	}
	return nil
}

func (s *bytesSink) build(validity *memory.Buffer, nulls int) arrow.Array {
	s.dataBuf.Resize(s.used)
	return buildArray(s.dt, s.n, nulls, validity, s.offBuf, s.dataBuf)
}

func (s *bytesSink) release() {
	s.offBuf.Release()
	s.dataBuf.Release()
}
