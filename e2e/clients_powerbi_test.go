package e2e

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Power BI's PostgreSQL connector runs Npgsql 4.0. On connect Npgsql loads
// the server's types with three statements (types, composite fields, enum
// labels) sent as one extended-protocol batch before a single Sync, with
// text results; a pooled connection is reset with DISCARD ALL; then the
// navigator's queries run with CRLF line endings and binary results. This
// test speaks exactly that on the wire and decodes the answers as Npgsql
// does (by the RowDescription's type OIDs).

const npgsqlCompositeFields = `/*** Load field definitions for (free-standing) composite types ***/
SELECT typ.oid, att.attname, att.atttypid
FROM pg_type AS typ
JOIN pg_namespace AS ns ON (ns.oid = typ.typnamespace)
JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
JOIN pg_attribute AS att ON (att.attrelid = typ.typrelid)
WHERE
  (typ.typtype = 'c' AND cls.relkind='c') AND
  attnum > 0 AND     /* Don't load system attributes */
  NOT attisdropped
ORDER BY typ.oid, att.attnum`

const npgsqlEnumLabels = `/*** Load enum fields ***/
SELECT pg_type.oid, enumlabel
FROM pg_enum
JOIN pg_type ON pg_type.oid=enumtypid
ORDER BY oid, enumsortorder`

type wireResult struct {
	fields []pgproto3.FieldDescription
	rows   [][]any
	tag    string
}

type npgsqlConn struct {
	t  *testing.T
	c  net.Conn
	fe *pgproto3.Frontend
}

func dialNpgsql(t *testing.T, addr string) *npgsqlConn {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	n := &npgsqlConn{t: t, c: c, fe: pgproto3.NewFrontend(c, c)}
	n.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "lode", "database": "main", "application_name": "PowerBI", "client_encoding": "UTF8"}})
	if err := n.fe.Flush(); err != nil {
		t.Fatal(err)
	}
	for {
		m := n.recv()
		switch m := m.(type) {
		case *pgproto3.AuthenticationOk, *pgproto3.ParameterStatus, *pgproto3.BackendKeyData:
		case *pgproto3.ReadyForQuery:
			return n
		default:
			t.Fatalf("startup: unexpected %T %+v", m, m)
		}
	}
}

func (n *npgsqlConn) recv() pgproto3.BackendMessage {
	m, err := n.fe.Receive()
	if err != nil {
		n.t.Fatal(err)
	}
	if e, ok := m.(*pgproto3.ErrorResponse); ok {
		n.t.Fatalf("server error %s: %s", e.Code, e.Message)
	}
	return m
}

// batch sends Parse/Bind/Describe/Execute per statement, then one Sync,
// and collects one result per statement.
func (n *npgsqlConn) batch(format int16, sqls ...string) []wireResult {
	for _, sql := range sqls {
		n.fe.Send(&pgproto3.Parse{Query: sql})
		n.fe.Send(&pgproto3.Bind{ResultFormatCodes: []int16{format}})
		n.fe.Send(&pgproto3.Describe{ObjectType: 'P'})
		n.fe.Send(&pgproto3.Execute{})
	}
	n.fe.Send(&pgproto3.Sync{})
	if err := n.fe.Flush(); err != nil {
		n.t.Fatal(err)
	}
	var out []wireResult
	cur := wireResult{}
	for {
		switch m := n.recv().(type) {
		case *pgproto3.ParseComplete, *pgproto3.BindComplete, *pgproto3.NoData:
		case *pgproto3.RowDescription:
			cur.fields = append([]pgproto3.FieldDescription(nil), m.Fields...)
		case *pgproto3.DataRow:
			row := make([]any, len(m.Values))
			for i, v := range m.Values {
				row[i] = decodeNpgsql(n.t, cur.fields[i], v)
			}
			cur.rows = append(cur.rows, row)
		case *pgproto3.CommandComplete:
			cur.tag = string(m.CommandTag)
			out = append(out, cur)
			cur = wireResult{}
		case *pgproto3.ReadyForQuery:
			if len(out) != len(sqls) {
				n.t.Fatalf("%d results for %d statements", len(out), len(sqls))
			}
			return out
		default:
			n.t.Fatalf("unexpected %T", m)
		}
	}
}

// decodeNpgsql decodes a value by its type OID and format, as Npgsql's
// type handlers do.
func decodeNpgsql(t *testing.T, f pgproto3.FieldDescription, v []byte) any {
	if v == nil {
		return nil
	}
	if f.Format == 0 {
		return string(v)
	}
	switch f.DataTypeOID {
	case 25, 19, 1043, 1042, 18:
		return string(v)
	case 16:
		return v[0] == 1
	case 21:
		return int64(int16(binary.BigEndian.Uint16(v)))
	case 23, 26:
		return int64(int32(binary.BigEndian.Uint32(v)))
	case 20:
		return int64(binary.BigEndian.Uint64(v))
	}
	t.Fatalf("column %s: no binary handler for type OID %d", f.Name, f.DataTypeOID)
	return nil
}

func TestPowerBINpgsql40(t *testing.T) {
	dir := clientsDir
	types, err := os.ReadFile(filepath.Join(dir, "npgsql40_types.sql"))
	if err != nil {
		t.Skip("no Npgsql capture at " + dir)
	}
	navSrc, err := os.ReadFile(filepath.Join(dir, "pbi_nav.py"))
	if err != nil {
		t.Skip("no Power BI navigator capture at " + dir)
	}
	s := startServer(t, "")
	setup := dialNpgsql(t, s.Addr)
	setup.batch(0, "CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, amount numeric(10,2))")

	n := dialNpgsql(t, s.Addr)
	typeSQL := strings.TrimSuffix(strings.TrimSpace(string(types)), ";")
	res := n.batch(0, typeSQL, npgsqlCompositeFields, npgsqlEnumLabels)

	// Npgsql's type loader: every row names a type; arrays ('a') name a
	// loaded element type; ranges their subtype; rows come ordered by ord.
	byOID := map[string][]any{}
	lastOrd := -1
	for _, r := range res[0].rows {
		byOID[r[2].(string)] = r
		ord, _ := strconv.Atoi(r[7].(string))
		if ord < lastOrd {
			t.Fatalf("types not ordered by ord: %v", r)
		}
		lastOrd = ord
	}
	for _, name := range []string{"int4", "_int4", "text", "_text", "numeric", "timestamptz", "bool", "record", "void", "int4range"} {
		found := false
		for _, r := range res[0].rows {
			found = found || r[1] == name
		}
		if !found {
			t.Errorf("Npgsql would not learn type %s", name)
		}
	}
	for _, r := range res[0].rows {
		if r[5] == "a" || r[5] == "r" {
			if _, ok := byOID[r[6].(string)]; !ok {
				t.Errorf("%s %s: element type %v not loaded", r[5], r[1], r[6])
			}
		}
	}
	if len(res[1].rows) != 0 || len(res[2].rows) != 0 {
		t.Errorf("unexpected composite/enum rows: %v %v", res[1].rows, res[2].rows)
	}

	if r := n.batch(0, "DISCARD ALL"); r[0].tag != "DISCARD ALL" {
		t.Errorf("DISCARD ALL tag %q", r[0].tag)
	}

	// The navigator's queries, CRLF line endings kept, binary results.
	var nav []string
	for _, m := range regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(string(navSrc), -1) {
		q := strings.NewReplacer(`\r`, "\r", `\n`, "\n", `\"`, `"`).Replace(m[1])
		if strings.HasPrefix(strings.ToLower(q), "select") {
			nav = append(nav, q)
		}
	}
	if len(nav) != 5 {
		t.Fatalf("expected 5 navigator queries, found %d", len(nav))
	}
	var got []string
	for _, q := range nav {
		r := n.batch(1, q)[0]
		got = append(got, fmt.Sprint(r.rows))
	}
	for i, want := range []string{
		"[[PostgreSQL 15",
		"[[UTF8]]",
		"[[public t BASE TABLE]]",
		"[[id 1 NO integer] [name 2 NO text] [amount 3 YES numeric]]",
		"[[public_t_pkey id 1 Y]]",
	} {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("navigator query %d: got %s, want %s…", i+1, got[i], want)
		}
	}
}
