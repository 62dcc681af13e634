package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestCopy covers COPY FROM STDIN (text, CSV with HEADER/DELIMITER/NULL,
// pgx's binary CopyFrom), a bad row failing the whole COPY, and COPY TO
// STDOUT of a table and of a query.
func TestCopy(t *testing.T) {
	s := startServer(t, "")
	ctx := testCtx(t)
	conn := connect(t, s.Addr, pgx.QueryExecModeSimpleProtocol)
	if _, err := conn.Exec(ctx, "CREATE TABLE cp (id int NOT NULL, name text, amount numeric(8,2), d date)"); err != nil {
		t.Fatal(err)
	}
	pc := conn.PgConn()
	copyIn := func(sql, data string) (int64, error) {
		tag, err := pc.CopyFrom(ctx, strings.NewReader(data), sql)
		return tag.RowsAffected(), err
	}
	if n, err := copyIn("COPY cp FROM STDIN", "1\tone\t1.50\t2024-01-02\n2\t\\N\t\\N\t\\N\n3\ttab\\there\t-3\t2000-02-29\n"); err != nil || n != 3 {
		t.Fatalf("text COPY: %d %v", n, err)
	}
	if n, err := copyIn("COPY cp (id, name) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL 'NA')",
		"id;name\n4;\"semi;colon\"\n5;NA\n6;\"multi\nline\"\n"); err != nil || n != 3 {
		t.Fatalf("csv COPY: %d %v", n, err)
	}
	_, err := copyIn("COPY cp FROM STDIN", "7\tok\t1\t2024-01-01\n8\tbad\tnot-a-number\t2024-01-01\n")
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("bad row: %v", err)
	}
	// pgx's CopyFrom speaks the binary format.
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"cp"}, []string{"id", "name"}, pgx.CopyFromRows([][]any{{int32(9), "bin"}, {int32(10), nil}}))
	if err != nil || n != 2 {
		t.Fatalf("binary CopyFrom: %d %v", n, err)
	}
	var count int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM cp").Scan(&count); err != nil || count != 8 {
		t.Fatalf("count %d %v (the failed COPY must add nothing)", count, err)
	}
	var out bytes.Buffer
	if _, err := pc.CopyTo(ctx, &out, "COPY (SELECT id, name FROM cp WHERE id IN (3, 4, 6) ORDER BY id) TO STDOUT"); err != nil {
		t.Fatal(err)
	}
	if want := "3\ttab\\there\n4\tsemi;colon\n6\tmulti\\nline\n"; out.String() != want {
		t.Errorf("COPY TO text = %q, want %q", out.String(), want)
	}
	out.Reset()
	if _, err := pc.CopyTo(ctx, &out, "COPY cp (id, amount) TO STDOUT WITH (FORMAT csv, HEADER)"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "id,amount\n") || !strings.Contains(out.String(), "1,1.50\n") {
		t.Errorf("COPY TO csv = %q", out.String())
	}

	if _, err := exec.LookPath("psql"); err == nil {
		f := filepath.Join(t.TempDir(), "in.csv")
		os.WriteFile(f, []byte("100,psql\n101,\"x,y\"\n"), 0o644)
		stdout, stderr, ok := psql(t, s, "-c", `\copy cp (id, name) from '`+f+`' with (format csv)`)
		if !ok || strings.TrimSpace(stdout) != "COPY 2" {
			t.Fatalf("psql \\copy: %q %q", stdout, stderr)
		}
		stdout, _, _ = psql(t, s, "-c", `\copy (select name from cp where id >= 100 order by id) to stdout`)
		if stdout != "psql\nx,y\n" {
			t.Errorf("psql \\copy to = %q", stdout)
		}
	}
}
