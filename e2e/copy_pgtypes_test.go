package e2e

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lodedb/lode/sqltests/pgserver"
)

// TestCopyPgTypesMatchPostgres loads the same rows of bytea, uuid, oid and
// jsonb into Lode and PostgreSQL 15 with COPY FROM (text), then compares
// COPY TO output in text, CSV and binary byte for byte; PostgreSQL's
// binary output is then loaded into Lode with COPY FROM (binary) and must
// read back the same.
func TestCopyPgTypesMatchPostgres(t *testing.T) {
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

	const ddl = "CREATE TABLE %s (id int, b bytea, u uuid, o oid, j jsonb)"
	const data = "1\t\\\\x00ff5c0a\t{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}\t4294967295\t{\"a\": [1, \"x\\\\ty\"]}\n" +
		"2\t\\N\t\\N\t\\N\t\\N\n" +
		"3\tab\\\\\\\\c\ta0eebc999c0b4ef8bb6d6bb9bd380a12\t0\tnull\n"
	for _, c := range []*pgconn.PgConn{pg, lode} {
		for _, tbl := range []string{"t", "t2", "t3"} {
			if err := c.Exec(ctx, strings.Replace(ddl, "%s", tbl, 1)).Close(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.CopyFrom(ctx, strings.NewReader(data), "COPY t FROM STDIN"); err != nil {
			t.Fatalf("COPY FROM: %v", err)
		}
	}
	copyOut := func(c *pgconn.PgConn, sql string) []byte {
		var out bytes.Buffer
		if _, err := c.CopyTo(ctx, &out, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out.Bytes()
	}
	for _, opts := range []string{"", "WITH (FORMAT csv, HEADER)", "WITH (FORMAT binary)"} {
		sql := "COPY (SELECT * FROM t ORDER BY id) TO STDOUT " + opts
		want, got := copyOut(pg, sql), copyOut(lode, sql)
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n Lode       %q\n PostgreSQL %q", sql, got, want)
		}
	}
	// PostgreSQL's binary and CSV COPY output read by Lode.
	sql := "COPY (SELECT * FROM %s ORDER BY id) TO STDOUT"
	want := copyOut(lode, strings.Replace(sql, "%s", "t", 1))
	for _, f := range []struct{ table, format string }{{"t2", "binary"}, {"t3", "csv"}} {
		data := copyOut(pg, "COPY (SELECT * FROM t ORDER BY id) TO STDOUT WITH (FORMAT "+f.format+")")
		if _, err := lode.CopyFrom(ctx, bytes.NewReader(data), "COPY "+f.table+" FROM STDIN WITH (FORMAT "+f.format+")"); err != nil {
			t.Fatalf("%s COPY FROM: %v", f.format, err)
		}
		if got := copyOut(lode, strings.Replace(sql, "%s", f.table, 1)); !bytes.Equal(got, want) {
			t.Errorf("%s COPY FROM lost data:\n loaded with text  %q\n loaded with %s %q", f.format, want, f.format, got)
		}
	}
}
