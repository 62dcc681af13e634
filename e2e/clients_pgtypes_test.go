package e2e

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lodedb/lode/sqltests/pgserver"
)

// bytea, uuid, json, jsonb and oid through real drivers. psycopg2 /
// SQLAlchemy and node-postgres run the same program against Lode and
// against PostgreSQL 15 (over its Unix socket), and must print the same;
// pgjdbc (TCP only) is checked against the values it was given.

// postgresForClients starts PostgreSQL 15 with the role and database the
// client programs use (lode, main); it returns the socket directory and
// port, or skips when PostgreSQL is not installed.
func postgresForClients(t *testing.T) (string, string) {
	t.Helper()
	pgs, err := pgserver.Start()
	if errors.Is(err, pgserver.ErrUnavailable) {
		t.Skipf("differential client test needs PostgreSQL 15: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pgs.Stop)
	ctx := context.Background()
	c, err := pgconn.Connect(ctx, pgs.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, sql := range []string{"CREATE ROLE lode SUPERUSER LOGIN", "CREATE DATABASE main OWNER lode"} {
		if err := c.Exec(ctx, sql).Close(); err != nil {
			t.Fatal(err)
		}
	}
	return pgs.Dir, strconv.Itoa(pgs.Port)
}

const pythonTypesClient = `
import sys, uuid
import psycopg2, psycopg2.extras
from sqlalchemy import create_engine, inspect

host, port = sys.argv[1], sys.argv[2]
psycopg2.extras.register_uuid()
conn = psycopg2.connect(host=host, port=port, user="lode", dbname="main")
cur = conn.cursor()
cur.execute("CREATE TABLE nt (id integer, b bytea, u uuid, j json, jb jsonb, o oid)")
u = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
cur.execute("INSERT INTO nt VALUES (%s, %s, %s, %s, %s, %s), (2, NULL, NULL, NULL, NULL, NULL)",
            (1, psycopg2.Binary(b"\x00\xff'\\x"), u, psycopg2.extras.Json({"b": [1, None]}),
             psycopg2.extras.Json({"zz": 1, "a": "x", "zz": 2}), 4294967295))
conn.commit()
cur.execute("SELECT id, b, u, j, jb, o FROM nt WHERE u = %s OR u IS NULL ORDER BY id", (u,))
for r in cur.fetchall():
    print("row", r[0], None if r[1] is None else bytes(r[1]), repr(r[2]), r[3], r[4], repr(r[5]))
cur.execute("SELECT ARRAY[b, NULL], ARRAY[u], jb::text, encode(b, 'base64'), length(b) FROM nt WHERE id = 1")
bs, us, jt, b64, n = cur.fetchone()
print("arrays", [None if x is None else bytes(x) for x in bs], us, jt, b64, n)
cur.execute("SELECT gen_random_uuid()")
print("random", type(cur.fetchone()[0]).__name__)
conn.commit()
conn.close()

eng = create_engine("postgresql+psycopg2://lode@/main", connect_args={"host": host, "port": port})
print("columns", [(c["name"], str(c["type"])) for c in inspect(eng).get_columns("nt")])
`

func TestPsycopg2NewTypes(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import psycopg2, sqlalchemy").Run(); err != nil {
		t.Skip("psycopg2 and SQLAlchemy are not installed for /usr/bin/python3")
	}
	pgHost, pgPort := postgresForClients(t)
	s := startServer(t, "")
	script := writeFile(t, t.TempDir(), "newtypes_client.py", pythonTypesClient)
	want := runClient(t, 2*time.Minute, py, script, pgHost, pgPort)
	got := runClient(t, 2*time.Minute, py, script, s.Host, s.Port)
	if got != want {
		t.Fatalf("psycopg2 output differs.\nLode:\n%s\nPostgreSQL 15:\n%s", got, want)
	}
	wantLines(t, got, "row 1 b\"\\x00\\xff'\\\\x\" UUID('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')", "row 2 None None", "random UUID", "columns")
}

const nodeTypesClient = `
const { Client } = require('pg');
(async () => {
  const c = new Client({ host: process.argv[2], port: +process.argv[3], user: 'lode', database: 'main' });
  await c.connect();
  await c.query('CREATE TABLE nt (id integer, b bytea, u uuid, j json, jb jsonb, o oid)');
  await c.query('INSERT INTO nt VALUES ($1, $2, $3, $4, $5, $6)',
    [1, Buffer.from([0, 255, 39, 92]), 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', JSON.stringify({ b: [1, null] }), { zz: 1, a: 'x' }, 4294967295]);
  const r = await c.query('SELECT id, b, u, j, jb, o FROM nt WHERE u = $1', ['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}']);
  for (const x of r.rows) {
    console.log('row ' + x.id + ' ' + x.b.toString('hex') + ' ' + x.u + ' ' + JSON.stringify(x.j) + ' ' + JSON.stringify(x.jb) + ' ' + typeof x.o + ':' + x.o);
  }
  console.log('fields ' + r.fields.map(f => f.name + ':' + f.dataTypeID).join(','));
  const a = await c.query('SELECT ARRAY[b, NULL] AS bs, ARRAY[u] AS us, sha256(b) AS h FROM nt');
  console.log('arrays ' + a.rows[0].bs.map(x => x === null ? 'null' : x.toString('hex')).join(',') + ' ' + a.rows[0].us.join(',') + ' ' + a.rows[0].h.toString('hex'));
  await c.end();
})().catch(e => { console.error(e); process.exit(1); });
`

func TestNodePostgresNewTypes(t *testing.T) {
	dir := t.TempDir()
	mods := nodePgModules(t, dir)
	pgHost, pgPort := postgresForClients(t)
	s := startServer(t, "")
	script := writeFile(t, dir, "types.js", nodeTypesClient)
	t.Setenv("NODE_PATH", mods)
	want := runClient(t, 2*time.Minute, "node", script, pgHost, pgPort)
	got := runClient(t, 2*time.Minute, "node", script, s.Host, s.Port)
	if got != want {
		t.Fatalf("node-postgres output differs.\nLode:\n%s\nPostgreSQL 15:\n%s", got, want)
	}
	wantLines(t, got, "row 1 00ff275c a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "fields id:23,b:17,u:2950,j:114,jb:3802,o:26", "arrays 00ff275c,null")
}

const jdbcTypesClient = `
import java.sql.*;
import java.util.*;

public class LodeJdbcTypes {
    public static void main(String[] a) throws Exception {
        String url = "jdbc:postgresql://" + a[0] + ":" + a[1] + "/main?user=lode&prepareThreshold=1";
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE nt (id integer, b bytea, u uuid, jb jsonb, o oid)");
            }
            UUID u = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
            // prepareThreshold=1: from the second execution pgjdbc uses a
            // server-prepared statement and binary transfer.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO nt VALUES (?, ?, ?, ?::jsonb, ?)")) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, i);
                    ps.setBytes(2, new byte[]{0, (byte) 0xff, (byte) i});
                    ps.setObject(3, u);
                    ps.setString(4, "{\"k\": " + i + "}");
                    ps.setLong(5, 4294967295L - i);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, b, u, jb, o FROM nt WHERE u = ? ORDER BY id")) {
                for (int k = 0; k < 2; k++) {
                    ps.setObject(1, u);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Object uo = rs.getObject(3);
                            System.out.println("row " + rs.getInt(1) + " " + Arrays.toString(rs.getBytes(2)) + " " +
                                uo.getClass().getSimpleName() + ":" + uo + " " + rs.getString(4) + " " + rs.getLong(5));
                        }
                    }
                }
            }
            try (ResultSet rs = c.getMetaData().getColumns(null, "public", "nt", "%")) {
                while (rs.next()) System.out.println("column " + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("DATA_TYPE"));
            }
        }
    }
}
`

func TestPgJDBCNewTypes(t *testing.T) {
	jar := jdbcJar()
	if jar == "" {
		t.Skip("pgjdbc is not installed (apt-get install libpostgresql-jdbc-java)")
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("java is not installed")
	}
	s := startServer(t, "")
	dir := t.TempDir()
	src := writeFile(t, dir, "LodeJdbcTypes.java", jdbcTypesClient)
	out := runClient(t, 3*time.Minute, "java", "-cp", jar+string(filepath.ListSeparator)+dir, src, s.Host, s.Port)
	const u = "UUID:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
	rows := []string{
		"row 0 [0, -1, 0] " + u + ` {"k": 0} 4294967295`,
		"row 1 [0, -1, 1] " + u + ` {"k": 1} 4294967294`,
		"row 2 [0, -1, 2] " + u + ` {"k": 2} 4294967293`,
	}
	wantLines(t, out, append(append(rows, rows...), // unprepared, then server-prepared (binary)
		"column id int4 4", "column b bytea -2", "column u uuid 1111", "column jb jsonb 1111", "column o oid -5")...)
}
