package engine

import (
	"encoding/binary"
	"math"
)

// copyOutBinary streams a result as COPY's binary format: the signature,
// flags and header-extension length, then per row a field count and each
// field as a length-prefixed send-function value (-1 for NULL), then the
// -1 trailer. One CopyData message carries one row, as PostgreSQL sends.
func copyOutBinary(res *Result, cio CopyIO, write func([]byte) error, done func() error) (*Result, error) {
	buf := append([]byte(nil), binarySignature...)
	buf = binary.BigEndian.AppendUint32(buf, 0) // flags: no OIDs
	buf = binary.BigEndian.AppendUint32(buf, 0) // no header extension
	if err := write(buf); err != nil {
		return nil, err
	}
	var n int64
	for _, rec := range res.Records {
		for r := 0; r < int(rec.NumRows()); r++ {
			buf = binary.BigEndian.AppendUint16(buf[:0], uint16(rec.NumCols()))
			for j, col := range rec.Columns() {
				if col.IsNull(r) {
					buf = binary.BigEndian.AppendUint32(buf, math.MaxUint32) // -1
					continue
				}
				at := len(buf)
				buf = append(buf, 0, 0, 0, 0)
				buf = cio.AppendBinary(buf, col, r, res.Columns[j].Type)
				binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
			}
			if err := write(buf); err != nil {
				return nil, err
			}
			n++
		}
	}
	if err := write([]byte{0xff, 0xff}); err != nil { // trailer: field count -1
		return nil, err
	}
	if err := done(); err != nil {
		return nil, err
	}
	return tagf("COPY %d", n), nil
}
