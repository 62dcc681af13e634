package parquet

import (
	"fmt"
	"io"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/parquet-go/parquet-go"
)

// pageSink receives the decoded pages of one column chunk in order and
// writes their values straight into Arrow buffers.
type pageSink interface {
	// put stores the page's rows at [pos, pos+rows). defs is nil when every
	// row of the page is valid, else its definition levels (1 = valid).
	put(p pq.Page, pos int, defs []byte) error
	// build hands the buffers to an Arrow array; validity may be nil.
	build(validity *memory.Buffer, nulls int) arrow.Array
	release()
}

// readChunk decodes the n rows of one column chunk into an array of type
// dt; hint is the chunk's uncompressed size in bytes.
func readChunk(chunk pq.ColumnChunk, c *leafCol, dt arrow.DataType, n int, hint int64, mem memory.Allocator) (arrow.Array, error) {
	sink, err := newSink(c, dt, n, hint, mem)
	if err != nil {
		return nil, err
	}
	var validity *memory.Buffer
	var vbits []byte
	if c.optional {
		validity = memory.NewResizableBuffer(mem)
		validity.Resize(int(bitutil.BytesForBits(int64(n))))
		vbits = validity.Bytes()
		clear(vbits)
	}
	fail := func(err error) (arrow.Array, error) {
		sink.release()
		if validity != nil {
			validity.Release()
		}
		return nil, err
	}
	pages := chunk.Pages()
	defer pages.Close()
	pos, nulls := 0, 0
	for pos < n {
		p, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		rows := int(p.NumRows())
		if pos+rows > n {
			pq.Release(p)
			return fail(fmt.Errorf("pages hold more than the row group's %d rows", n))
		}
		var defs []byte
		if c.optional {
			defs = p.DefinitionLevels()
			pageNulls := 0
			for k, d := range defs {
				if d != 0 {
					bitutil.SetBit(vbits, pos+k)
				} else {
					pageNulls++
				}
			}
			if pageNulls == 0 {
				defs = nil
			}
			nulls += pageNulls
		}
		err = sink.put(p, pos, defs)
		pq.Release(p)
		if err != nil {
			return fail(err)
		}
		pos += rows
	}
	if pos != n {
		return fail(fmt.Errorf("pages hold %d rows, row group has %d", pos, n))
	}
	if validity != nil && nulls == 0 {
		validity.Release()
		validity = nil
	}
	return sink.build(validity, nulls), nil
}

// place scatters the dense (non-NULL) values of a page into out[pos:],
// leaving zeros at NULL rows.
func place[T any](out []T, pos int, defs []byte, dense []T) error {
	if defs == nil {
		if pos+len(dense) > len(out) {
			return fmt.Errorf("page has too many values")
		}
		copy(out[pos:], dense)
		return nil
	}
	out = out[pos : pos+len(defs)]
	j := 0
	var zero T
	for k, d := range defs {
		if d != 0 {
			if j >= len(dense) {
				return fmt.Errorf("page has fewer values than its definition levels say")
			}
			out[k] = dense[j]
			j++
		} else {
			out[k] = zero
		}
	}
	return nil
}

// reinterpret views a slice as another element type of the same size
// (int32 as arrow.Date32, int64 as arrow.Timestamp) without copying. It
// must not be used between types of different sizes.
func reinterpret[D, S any](s []S) []D {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*D)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// grow returns s resized to n, reallocating only when it is too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// newFixedBuffer allocates the Arrow value buffer of n fixed-width values.
func newFixedBuffer[T any](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	var zero T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * int(unsafe.Sizeof(zero)))
	if n == 0 {
		return buf, nil
	}
	// Arrow allocators align buffers to 64 bytes, enough for any T here.
	return buf, unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(buf.Bytes()))), n)
}

// buildArray wraps finished buffers in an array, dropping our references.
func buildArray(dt arrow.DataType, n, nulls int, bufs ...*memory.Buffer) arrow.Array {
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	a := array.MakeFromData(data)
	data.Release()
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	return a
}
