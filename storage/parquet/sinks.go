package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// newSink picks the decoder for reading column c as Arrow type dt, or
// explains why that conversion is not supported.
func newSink(c *leafCol, dt arrow.DataType, n int, hint int64, mem memory.Allocator) (pageSink, error) {
	bad := fmt.Errorf("cannot read Parquet %s column as %s", c.dt, dt)
	switch dt.ID() {
	case arrow.BOOL:
		if c.phys == format.Boolean {
			return newBoolSink(n, mem), nil
		}
	case arrow.INT16:
		if c.phys == format.Int32 && c.dt.ID() == arrow.INT16 {
			return newFixedSink(dt, n, mem, func(v encoding.Values, s []int16) []int16 {
				src := v.Int32()
				s = grow(s, len(src))
				for i, x := range src {
					s[i] = int16(x)
				}
				return s
			}), nil
		}
	case arrow.INT32:
		if c.phys == format.Int32 && (c.dt.ID() == arrow.INT16 || c.dt.ID() == arrow.INT32) {
			return newFixedSink(dt, n, mem, func(v encoding.Values, _ []int32) []int32 { return v.Int32() }), nil
		}
	case arrow.INT64:
		if c.phys == format.Int64 && c.dt.ID() == arrow.INT64 {
			return newFixedSink(dt, n, mem, func(v encoding.Values, _ []int64) []int64 { return v.Int64() }), nil
		}
		if c.phys == format.Int32 && (c.dt.ID() == arrow.INT16 || c.dt.ID() == arrow.INT32) {
			return newFixedSink(dt, n, mem, widen[int32, int64]((*encoding.Values).Int32)), nil
		}
	case arrow.FLOAT32:
		if c.phys == format.Float {
			return newFixedSink(dt, n, mem, func(v encoding.Values, _ []float32) []float32 { return v.Float() }), nil
		}
	case arrow.FLOAT64:
		if c.phys == format.Double {
			return newFixedSink(dt, n, mem, func(v encoding.Values, _ []float64) []float64 { return v.Double() }), nil
		}
		if c.phys == format.Float {
			return newFixedSink(dt, n, mem, widen[float32, float64]((*encoding.Values).Float)), nil
		}
	case arrow.DATE32:
		if c.phys == format.Int32 && c.dt.ID() == arrow.DATE32 {
			return newFixedSink(dt, n, mem, func(v encoding.Values, _ []arrow.Date32) []arrow.Date32 {
				return reinterpret[arrow.Date32](v.Int32())
			}), nil
		}
	case arrow.TIMESTAMP:
		if dt.(*arrow.TimestampType).Unit != arrow.Microsecond {
			return nil, bad
		}
		if c.phys == format.Int96 {
			return newFixedSink(dt, n, mem, int96ToMicros), nil
		}
		if c.phys == format.Int64 && c.tsNanos != 0 {
			return newFixedSink(dt, n, mem, int64ToMicros(c.tsNanos)), nil
		}
	case arrow.DECIMAL128:
		if c.decimal {
			return newDecimalSink(c, dt.(*arrow.Decimal128Type), n, mem)
		}
	case arrow.STRING, arrow.BINARY:
		if c.phys == format.ByteArray && !c.decimal {
			return newBytesSink(dt, n, hint, mem), nil
		}
	}
	return nil, bad
}

// fixedSink decodes fixed-width values: conv turns a page's (or a
// dictionary's) values into the target Go type, aliasing the page memory
// when no conversion is needed.
type fixedSink[T any] struct {
	dt      arrow.DataType
	n       int
	buf     *memory.Buffer
	out     []T
	conv    func(v encoding.Values, scratch []T) []T
	scratch []T
	dict    pq.Dictionary
	dictT   []T
}

func newFixedSink[T any](dt arrow.DataType, n int, mem memory.Allocator, conv func(encoding.Values, []T) []T) *fixedSink[T] {
	buf, out := newFixedBuffer[T](mem, n)
	return &fixedSink[T]{dt: dt, n: n, buf: buf, out: out, conv: conv}
}

func (s *fixedSink[T]) put(p pq.Page, pos int, defs []byte) error {
	d := p.Dictionary()
	if d == nil {
		s.scratch = s.conv(p.Data(), s.scratch[:0])
		return place(s.out, pos, defs, s.scratch)
	}
	if d != s.dict {
		s.dict = d
		s.dictT = append(s.dictT[:0], s.conv(d.Page().Data(), nil)...)
	}
	data := p.Data()
	idx := data.Int32()
	dense := grow(s.scratch, len(idx))
	dict := s.dictT
	for k, ix := range idx {
		if uint(ix) >= uint(len(dict)) {
			return fmt.Errorf("dictionary index %d out of range", ix)
		}
		dense[k] = dict[ix]
	}
	s.scratch = dense
	return place(s.out, pos, defs, dense)
}

func (s *fixedSink[T]) build(validity *memory.Buffer, nulls int) arrow.Array {
	return buildArray(s.dt, s.n, nulls, validity, s.buf)
}

func (s *fixedSink[T]) release() { s.buf.Release() }

// widen converts values to a wider type (int32→int64, float→double).
func widen[S int32 | float32, D int64 | float64](get func(*encoding.Values) []S) func(encoding.Values, []D) []D {
	return func(v encoding.Values, s []D) []D {
		src := get(&v)
		s = grow(s, len(src))
		for i, x := range src {
			s[i] = D(x)
		}
		return s
	}
}

func int64ToMicros(nanosPerUnit int64) func(encoding.Values, []arrow.Timestamp) []arrow.Timestamp {
	if nanosPerUnit == 1e3 {
		return func(v encoding.Values, _ []arrow.Timestamp) []arrow.Timestamp {
			return reinterpret[arrow.Timestamp](v.Int64())
		}
	}
	return func(v encoding.Values, s []arrow.Timestamp) []arrow.Timestamp {
		src := v.Int64()
		s = grow(s, len(src))
		for i, x := range src {
			s[i] = arrow.Timestamp(toMicros(x, nanosPerUnit))
		}
		return s
	}
}

// julianEpoch is the Julian day number of 1970-01-01.
const julianEpoch = 2440588

// int96ToMicros decodes legacy INT96 timestamps: nanoseconds of the day in
// the low 8 bytes, Julian day in the high 4.
func int96ToMicros(v encoding.Values, s []arrow.Timestamp) []arrow.Timestamp {
	src := v.Int96()
	s = grow(s, len(src))
	for i, x := range src {
		s[i] = arrow.Timestamp(int96Micros(x))
	}
	return s
}

func int96Micros(x deprecated.Int96) int64 {
	nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
	return (int64(x[2])-julianEpoch)*86_400_000_000 + nanos/1000
}

// newDecimalSink reads any of the four Parquet decimal encodings, widening
// the scale when the target has more digits after the point.
func newDecimalSink(c *leafCol, dt *arrow.Decimal128Type, n int, mem memory.Allocator) (pageSink, error) {
	if dt.Scale < c.scale || dt.Precision-dt.Scale < c.precision-c.scale {
		return nil, fmt.Errorf("cannot read decimal(%d,%d) as decimal(%d,%d) without losing digits", c.precision, c.scale, dt.Precision, dt.Scale)
	}
	mul := decimal128.GetScaleMultiplier(int(dt.Scale - c.scale))
	rescale := dt.Scale != c.scale
	fix := func(s []decimal128.Num) []decimal128.Num {
		if rescale {
			for i := range s {
				s[i] = s[i].Mul(mul)
			}
		}
		return s
	}
	var conv func(encoding.Values, []decimal128.Num) []decimal128.Num
	switch c.phys {
	case format.Int32:
		conv = func(v encoding.Values, s []decimal128.Num) []decimal128.Num {
			src := v.Int32()
			s = grow(s, len(src))
			for i, x := range src {
				s[i] = decimal128.FromI64(int64(x))
			}
			return fix(s)
		}
	case format.Int64:
		conv = func(v encoding.Values, s []decimal128.Num) []decimal128.Num {
			src := v.Int64()
			s = grow(s, len(src))
			for i, x := range src {
				s[i] = decimal128.FromI64(x)
			}
			return fix(s)
		}
	case format.FixedLenByteArray:
		conv = func(v encoding.Values, s []decimal128.Num) []decimal128.Num {
			data, size := v.FixedLenByteArray()
			if size == 0 {
				return s[:0]
			}
			s = grow(s, len(data)/size)
			for i := range s {
				s[i] = decimal128.New(beToDecimal(data[i*size : (i+1)*size]))
			}
			return fix(s)
		}
	case format.ByteArray:
		conv = func(v encoding.Values, s []decimal128.Num) []decimal128.Num {
			data, offs := v.ByteArray()
			if len(offs) == 0 {
				return s[:0]
			}
			s = grow(s, len(offs)-1)
			for i := range s {
				s[i] = decimal128.New(beToDecimal(data[offs[i]:offs[i+1]]))
			}
			return fix(s)
		}
	default:
		return nil, fmt.Errorf("decimal stored as %s", c.phys)
	}
	return newFixedSink(dt, n, mem, conv), nil
}

// boolSink decodes bit-packed booleans into an Arrow bitmap.
type boolSink struct {
	n    int
	buf  *memory.Buffer
	bits []byte
}

func newBoolSink(n int, mem memory.Allocator) *boolSink {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	clear(buf.Bytes())
	return &boolSink{n: n, buf: buf, bits: buf.Bytes()}
}

func (s *boolSink) put(p pq.Page, pos int, defs []byte) error {
	data := p.Data()
	src := data.Boolean()
	rows := int(p.NumRows())
	j := 0
	for k := range rows {
		if defs != nil && defs[k] == 0 {
			continue
		}
		if j>>3 >= len(src) {
			return fmt.Errorf("page has fewer values than rows")
		}
		if bitutil.BitIsSet(src, j) {
			bitutil.SetBit(s.bits, pos+k)
		}
		j++
	}
	return nil
}

func (s *boolSink) build(validity *memory.Buffer, nulls int) arrow.Array {
	return buildArray(arrow.FixedWidthTypes.Boolean, s.n, nulls, validity, s.buf)
}

func (s *boolSink) release() { s.buf.Release() }
