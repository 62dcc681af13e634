package pgwire

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

// copyIO is the connection's side of COPY FROM STDIN / TO STDOUT
// (engine.CopyIO): the engine parses and writes, the connection moves
// CopyData messages.
type copyIO struct{ c *conn }

// CopyIn sends CopyInResponse and returns the stream of CopyData payloads.
func (x copyIO) CopyIn(binary bool, ncols int) (io.Reader, error) {
	f := int16(0)
	if binary {
		f = 1
	}
	codes := make([]uint16, ncols)
	for i := range codes {
		codes[i] = uint16(f)
	}
	x.c.out.send(&pgproto3.CopyInResponse{OverallFormat: byte(f), ColumnFormatCodes: codes})
	x.c.out.flush()
	if x.c.out.err != nil {
		return nil, x.c.out.err
	}
	return &copyInReader{c: x.c}, nil
}

type copyInReader struct {
	c    *conn
	buf  []byte
	err  error
	done bool
}

func (r *copyInReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		msg, err := r.c.be.Receive()
		if err != nil {
			r.err = sqlerr.New(sqlerr.ProtocolViolation, "connection lost during COPY: %v", err)
			return 0, r.err
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			r.buf = append(r.buf[:0], m.Data...)
		case *pgproto3.CopyDone:
			r.err = io.EOF
		case *pgproto3.CopyFail:
			r.err = sqlerr.New(sqlerr.QueryCanceled, "COPY from stdin failed: %s", m.Message)
		case *pgproto3.Flush, *pgproto3.Sync:
			// Allowed during COPY IN and ignored, as PostgreSQL does.
		default:
			r.err = sqlerr.New(sqlerr.ProtocolViolation, "unexpected message type 0x%02X during COPY from stdin", msgType(msg))
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func msgType(m pgproto3.FrontendMessage) byte {
	b, _ := m.Encode(nil)
	if len(b) > 0 {
		return b[0]
	}
	return 0
}

// CopyOut sends CopyOutResponse; write sends one CopyData, done CopyDone.
func (x copyIO) CopyOut(binary bool, ncols int) (func([]byte) error, func() error, error) {
	codes := make([]uint16, ncols)
	overall := byte(0)
	if binary {
		overall = 1
		for i := range codes {
			codes[i] = 1
		}
	}
	x.c.out.send(&pgproto3.CopyOutResponse{OverallFormat: overall, ColumnFormatCodes: codes})
	write := func(b []byte) error {
		x.c.out.send(&pgproto3.CopyData{Data: b})
		return x.c.out.err
	}
	done := func() error {
		x.c.out.send(&pgproto3.CopyDone{})
		return x.c.out.err
	}
	return write, done, x.c.out.err
}

// AppendBinary encodes one non-NULL field of a binary COPY TO as a binary
// result column is.
func (x copyIO) AppendBinary(dst []byte, arr arrow.Array, i int, t types.T) []byte {
	return appendBinary(dst, arr, i, t, x.c.loc)
}

// DecodeBinary decodes one binary COPY field like a binary Bind parameter.
func (x copyIO) DecodeBinary(v []byte, t types.T) (any, error) {
	return decodeParam(v, 1, t, x.c.loc)
}
