package pgwire

import (
	"encoding/binary"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/engine"
)

// flushAt is how much output is buffered before it is written mid-result:
// large enough to batch many small DataRows into one syscall, small enough
// that a big result streams instead of piling up in memory.
const flushAt = 64 << 10

// writer buffers outgoing messages. The first write error sticks in err and
// later writes are dropped; the read loop notices and closes.
type writer struct {
	w   io.Writer
	buf []byte
	err error
}

func (w *writer) send(msg pgproto3.BackendMessage) {
	buf, err := msg.Encode(w.buf)
	if err != nil { // only for impossible messages (e.g. > 2^31 bytes)
		w.err = err
		return
	}
	w.buf = buf
	w.maybeFlush()
}

func (w *writer) maybeFlush() {
	if len(w.buf) >= flushAt {
		w.flush()
	}
}

func (w *writer) flush() {
	if len(w.buf) > 0 && w.err == nil {
		_, w.err = w.w.Write(w.buf)
	}
	w.buf = w.buf[:0]
}

// rowDescription describes the result's columns; formats gives each
// column's format code (nil = all text).
func rowDescription(cols []engine.Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		fields[i] = pgproto3.FieldDescription{
			Name:                 []byte(col.Name),
			TableOID:             col.TableOID,
			TableAttributeNumber: uint16(col.AttNum),
			DataTypeOID:          col.Type.OID(),
			DataTypeSize:         col.Type.Size(),
			TypeModifier:         col.Type.Typmod(),
			Format:               pgproto3.TextFormat,
		}
		if formats != nil {
			fields[i].Format = formats[i]
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// dataRows appends DataRow messages for rows [from, to) of rec straight into
// the output buffer: values are formatted in place by types.AppendText, so a
// row costs no allocation once the buffer has grown.
// formats gives each column's format code (nil = all text).
func (w *writer) dataRows(rec arrow.Record, cols []engine.Column, from, to int, loc *time.Location, formats []int16) {
	ncol := int(rec.NumCols())
	arrs := rec.Columns()
	for r := from; r < to; r++ {
		start := len(w.buf)
		w.buf = append(w.buf, 'D', 0, 0, 0, 0, byte(ncol>>8), byte(ncol))
		for j := 0; j < ncol; j++ {
			a := arrs[j]
			if a.IsNull(r) {
				w.buf = append(w.buf, 0xff, 0xff, 0xff, 0xff) // length -1 = NULL
				continue
			}
			lenAt := len(w.buf)
			w.buf = append(w.buf, 0, 0, 0, 0)
			if formats != nil && formats[j] == pgproto3.BinaryFormat {
				w.buf = appendBinary(w.buf, a, r, cols[j].Type, loc)
			} else {
				w.buf = types.AppendText(w.buf, a, r, cols[j].Type, loc)
			}
			binary.BigEndian.PutUint32(w.buf[lenAt:], uint32(len(w.buf)-lenAt-4))
		}
		binary.BigEndian.PutUint32(w.buf[start+1:], uint32(len(w.buf)-start-1))
		w.maybeFlush()
		if w.err != nil {
			return
		}
	}
}

func errorResponse(e *sqlerr.Error, severity string) *pgproto3.ErrorResponse {
	if e.Severity != "" && severity == "ERROR" {
		severity = e.Severity
	}
	code := e.Code
	if code == "" {
		code = sqlerr.Internal
	}
	return &pgproto3.ErrorResponse{
		Severity:            severity,
		SeverityUnlocalized: severity,
		Code:                code,
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            int32(max(e.Position, 0)),
	}
}

func notice(msg string) *pgproto3.NoticeResponse {
	return &pgproto3.NoticeResponse{Severity: "NOTICE", SeverityUnlocalized: "NOTICE", Code: "00000", Message: msg}
}
