package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lodedb/lode/sqltests/pgserver"
)

// The binary wire formats of bytea, uuid, oid, json and jsonb and of their
// arrays, checked two ways:
//
//   - differentially: the same Bind (parameters encoded by pgx's own
//     encoders, binary; results requested binary) goes to Lode and to
//     PostgreSQL 15, and the result columns' type OIDs and raw bytes must
//     be identical;
//   - through pgx's decoders: values written with binary parameters into a
//     Lode table read back equal to what was sent.

// binaryCase is one parameter: its type OID and the Go value pgx encodes.
type binaryCase struct {
	name string
	oid  uint32
	val  any
}

var sampleUUID = [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}

func binaryCases() []binaryCase {
	return []binaryCase{
		{"bytea", pgtype.ByteaOID, []byte{0, 1, 0x5c, 0xff}},
		{"uuid", pgtype.UUIDOID, pgtype.UUID{Bytes: sampleUUID, Valid: true}},
		{"oid", pgtype.OIDOID, uint32(4294967295)},
		{"json", pgtype.JSONOID, `{"a": [1, "x"]}`},
		{"jsonb", pgtype.JSONBOID, `{"a": [1, "x"]}`},
		{"bytea[]", pgtype.ByteaArrayOID, [][]byte{{0xde, 0xad}, nil, {}}},
		{"uuid[]", pgtype.UUIDArrayOID, []pgtype.UUID{{Bytes: sampleUUID, Valid: true}, {}}},
		{"oid[]", 1028, []uint32{1, 26, 4294967295}},
		{"json[]", pgtype.JSONArrayOID, []string{`{"b": 2}`, `[]`}},
		{"jsonb[]", pgtype.JSONBArrayOID, []string{`{"b": 2}`, `null`}},
	}
}

// bindBinary runs SELECT $1::<type> with a binary parameter and binary
// result and returns the result column's type OID and the value's bytes.
func bindBinary(ctx context.Context, c *pgconn.PgConn, m *pgtype.Map, bc binaryCase) (uint32, []byte, error) {
	param, err := m.Encode(bc.oid, pgtype.BinaryFormatCode, bc.val, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("encode: %w", err)
	}
	res := c.ExecParams(ctx, "SELECT $1::"+bc.name, [][]byte{param}, []uint32{bc.oid},
		[]int16{pgtype.BinaryFormatCode}, []int16{pgtype.BinaryFormatCode}).Read()
	if res.Err != nil {
		return 0, nil, res.Err
	}
	if len(res.FieldDescriptions) != 1 || len(res.Rows) != 1 {
		return 0, nil, fmt.Errorf("want one column and one row, got %d/%d", len(res.FieldDescriptions), len(res.Rows))
	}
	return res.FieldDescriptions[0].DataTypeOID, res.Rows[0][0], nil
}

func TestBinaryFormatsMatchPostgres(t *testing.T) {
	pgs, err := pgserver.Start()
	if errors.Is(err, pgserver.ErrUnavailable) {
		t.Skipf("differential test needs PostgreSQL 15: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer pgs.Stop()
	ctx := testCtx(t)
	pg, err := pgconn.Connect(ctx, pgs.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(ctx)
	s := startServer(t, "")
	lode := connect(t, s.Addr, pgx.QueryExecModeCacheStatement).PgConn()
	m := pgtype.NewMap()
	for _, bc := range binaryCases() {
		t.Run(bc.name, func(t *testing.T) {
			wantOID, want, err := bindBinary(ctx, pg, m, bc)
			if err != nil {
				t.Fatalf("PostgreSQL: %v", err)
			}
			gotOID, got, err := bindBinary(ctx, lode, m, bc)
			if err != nil {
				t.Fatalf("Lode: %v", err)
			}
			if gotOID != wantOID {
				t.Errorf("result type OID: Lode %d, PostgreSQL %d", gotOID, wantOID)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("binary value:\n Lode       %x\n PostgreSQL %x", got, want)
			}
		})
	}
}

// TestBinaryTypesRoundTrip stores values sent as binary parameters in a
// Lode table and reads them back as binary results through pgx's
// decoders.
func TestBinaryTypesRoundTrip(t *testing.T) {
	s := startServer(t, "")
	c := connect(t, s.Addr, pgx.QueryExecModeCacheStatement)
	ctx := testCtx(t)
	if _, err := c.Exec(ctx, "CREATE TABLE bin (id int, b bytea, u uuid, o oid, j json, jb jsonb)"); err != nil {
		t.Fatal(err)
	}
	type row struct {
		b  []byte
		u  pgtype.UUID
		o  uint32
		j  map[string]any
		jb map[string]any
	}
	in := []row{
		{[]byte{0, 0xff, 0x5c, 0x27}, pgtype.UUID{Bytes: sampleUUID, Valid: true}, 4294967295, map[string]any{"k": "v"}, map[string]any{"n": 1.5}},
		{[]byte{}, pgtype.UUID{Valid: true}, 0, map[string]any{}, map[string]any{"a": []any{true}}},
	}
	for i, r := range in {
		if _, err := c.Exec(ctx, "INSERT INTO bin VALUES ($1, $2, $3, $4, $5, $6)", i, r.b, r.u, r.o, r.j, r.jb); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := c.Query(ctx, "SELECT b, u, o, j, jb FROM bin ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.b, &r.u, &r.o, &r.j, &r.jb); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i, fd := range rows.FieldDescriptions() {
		want := []uint32{pgtype.ByteaOID, pgtype.UUIDOID, pgtype.OIDOID, pgtype.JSONOID, pgtype.JSONBOID}[i]
		if fd.DataTypeOID != want {
			t.Errorf("column %s: type OID %d, want %d", fd.Name, fd.DataTypeOID, want)
		}
	}
	if fmt.Sprint(out) != fmt.Sprint(in) {
		t.Fatalf("round trip:\n sent %v\n got  %v", in, out)
	}
	// A uuid parameter compares with the stored value; its text matches.
	var text string
	if err := c.QueryRow(ctx, "SELECT u::text FROM bin WHERE u = $1", pgtype.UUID{Bytes: sampleUUID, Valid: true}).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if text != "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" {
		t.Fatalf("uuid text %q", text)
	}
	// Arrays of the new types come back through pgx's array decoders.
	var bs [][]byte
	var us []pgtype.UUID
	var os []uint32
	if err := c.QueryRow(ctx, "SELECT ARRAY[b, NULL], ARRAY[u], ARRAY[o, 7::oid] FROM bin WHERE id = 0").Scan(&bs, &us, &os); err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || !bytes.Equal(bs[0], in[0].b) || bs[1] != nil || len(us) != 1 || us[0] != in[0].u ||
		fmt.Sprint(os) != "[4294967295 7]" {
		t.Fatalf("arrays: %x %v %v", bs, us, os)
	}
}
