package pgwire

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgproto3/v2"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lodedb/lode/catalog/types"
)

// TestNumericBinaryRoundTrip checks numeric_send's layout against pgx's
// decoder and our own decoder against pgx's encoder.
func TestNumericBinaryRoundTrip(t *testing.T) {
	m := pgtype.NewMap()
	for _, tc := range []struct {
		text  string
		scale int32
	}{
		{"0", 0}, {"1", 0}, {"-1", 0}, {"12345.6789", 4}, {"-0.0001", 4},
		{"10000", 0}, {"100000000.5", 1}, {"0.1234500", 7}, {"99999999999999999999.99", 2},
	} {
		typ := types.NumericT(38, tc.scale)
		v, err := types.ParseNumeric(tc.text, typ)
		if err != nil {
			t.Fatal(err)
		}
		b := appendNumericBinary(nil, v, tc.scale)
		var n pgtype.Numeric
		if err := m.Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, b, &n); err != nil {
			t.Fatalf("%s: pgx cannot decode: %v", tc.text, err)
		}
		got, _ := n.Value()
		if fmt.Sprint(got) != tc.text {
			t.Errorf("%s: pgx decoded %v", tc.text, got)
		}
		enc, err := m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeParam(enc, 1, typ, time.UTC)
		if err != nil || back.(decimal128.Num) != v {
			t.Errorf("%s: decoded back %v, %v", tc.text, back, err)
		}
	}
}

func TestBinaryScalars(t *testing.T) {
	alloc := memory.NewGoAllocator()
	ib := array.NewInt32Builder(alloc)
	ib.Append(-2)
	arr := ib.NewArray()
	if got := appendBinary(nil, arr, 0, types.TInt32, time.UTC); !bytes.Equal(got, []byte{0xff, 0xff, 0xff, 0xfe}) {
		t.Errorf("int4 -2 = %x", got)
	}
	for _, tc := range []struct {
		b    []byte
		t    types.T
		want any
	}{
		{[]byte{0, 0, 0, 0, 0, 0, 0, 7}, types.TInt64, int64(7)},
		{[]byte{0, 7}, types.TInt64, int64(7)},
		{[]byte{1}, types.TBool, true},
		{[]byte{0, 0, 0, 0}, types.TDate, int32(10957)},
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0}, types.TTimestamp, pgEpochMicros},
		{[]byte("hé"), types.TText, "hé"},
	} {
		got, err := decodeParam(tc.b, 1, tc.t, time.UTC)
		if err != nil || got != tc.want {
			t.Errorf("decode %x as %s = %v, %v; want %v", tc.b, tc.t, got, err, tc.want)
		}
	}
	if _, err := decodeParam([]byte{1, 2, 3}, 1, types.TInt32, time.UTC); err == nil {
		t.Error("3-byte int accepted")
	}
}

func TestExtendedParamsAndBinaryResults(t *testing.T) {
	s := startServer(t)
	c, _ := s.connect(t)
	c.send(
		&pgproto3.Parse{Name: "e", Query: "echo $1"},
		&pgproto3.Describe{ObjectType: 'S', Name: "e"},
		&pgproto3.Bind{PreparedStatement: "e", Parameters: [][]byte{[]byte("hi")}},
		&pgproto3.Execute{},
		&pgproto3.Parse{Query: "select rows"},
		&pgproto3.Bind{ResultFormatCodes: []int16{1, 0}},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{MaxRows: 1},
		&pgproto3.Sync{},
	)
	equalTrace(t, c.untilReady(), []string{
		"ParseComplete", "ParameterDescription [25]", "RowDescription v:25/-1/-1/0/0",
		"BindComplete", "DataRow hi", "CommandComplete SELECT 1",
		"ParseComplete", "BindComplete", "RowDescription n:23/4/-1/0/0 s:25/-1/-1/16384/2",
		"DataRow \x00\x00\x00\x01|one", "PortalSuspended", "ReadyForQuery I",
	})
}
