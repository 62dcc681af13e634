package sqltests

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lodedb/lode/sqltests/pgserver"
	"github.com/lodedb/lode/sqltests/slt"
)

// TestProjectFilesOnPostgres runs the project's .slt files against a real
// PostgreSQL 15: the expected results in them must be PostgreSQL's own, so
// Lode passing them means Lode agrees with PostgreSQL. Lode-only records
// carry "onlyif lode"; deliberate differences "skipif pg" with a comment.
func TestProjectFilesOnPostgres(t *testing.T) {
	srv, err := pgserver.Start()
	if errors.Is(err, pgserver.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	files, _ := filepath.Glob("testdata/*/*.slt")
	for i, path := range files {
		path := path
		db := fmt.Sprintf("slt%d", i)
		t.Run(strings.TrimSuffix(strings.TrimPrefix(path, "testdata/"), ".slt"), func(t *testing.T) {
			admin, err := pgconn.Connect(context.Background(), srv.DSN())
			if err != nil {
				t.Fatal(err)
			}
			defer admin.Close(context.Background())
			if _, err := admin.Exec(context.Background(), "CREATE DATABASE "+db).ReadAll(); err != nil {
				t.Fatal(err)
			}
			conn, err := pgconn.Connect(context.Background(), strings.Replace(srv.DSN(), "dbname=postgres", "dbname="+db, 1))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			f, err := slt.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range slt.RunFile(f, &PgExecutor{Conn: conn}, slt.EngineName, "pg") {
				if o.Err != "" {
					t.Errorf("%s:%d: PostgreSQL disagrees with the expected result: %s\n%s", path, o.Record.Line, o.Err, o.Record.SQL)
				}
			}
		})
	}
}
