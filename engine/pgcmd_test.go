package engine

import (
	"context"
	"strings"
	"testing"
)

func queryText(t *testing.T, s *Session, sql string) (string, string) {
	t.Helper()
	rs, err := s.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	r := rs[len(rs)-1]
	defer r.Release()
	var rows []string
	for _, rec := range r.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for _, c := range rec.Columns() {
				if c.IsNull(i) {
					cells = append(cells, "NULL")
				} else {
					cells = append(cells, c.ValueStr(i))
				}
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
	}
	return strings.Join(rows, ";"), r.Tag
}

func TestSessionCommands(t *testing.T) {
	eng, err := Open(Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := eng.NewSession("alice", "main")
	s.SetBackendPID(42)
	queryText(t, s, "CREATE TABLE c (i int, s text)")
	queryText(t, s, "INSERT INTO c VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e')")
	for _, tc := range []struct{ sql, rows, tag string }{
		{"SELECT current_user, session_user, pg_backend_pid()", "alice|alice|42", "SELECT 1"},
		{"SELECT current_schema(), current_database(), current_schemas(true)", "public|main|{pg_catalog,public}", "SELECT 1"},
		{"SELECT current_setting('DateStyle')", "ISO, MDY", "SELECT 1"},
		{"SELECT version() LIKE 'PostgreSQL 15%'", "true", "SELECT 1"},
		{"PREPARE p (int) AS SELECT s FROM c WHERE i > $1 ORDER BY i", "", "PREPARE"},
		{"EXECUTE p(3)", "d;e", "SELECT 2"},
		{"EXECUTE p('4')", "e", "SELECT 1"},
		{"DEALLOCATE p", "", "DEALLOCATE"},
		{"BEGIN", "", "BEGIN"},
		{"DECLARE cur CURSOR FOR SELECT i FROM c ORDER BY i", "", "DECLARE CURSOR"},
		{"FETCH 2 FROM cur", "1;2", "FETCH 2"},
		{"MOVE 1 IN cur", "", "MOVE 1"},
		{"FETCH ALL FROM cur", "4;5", "FETCH 2"},
		{"FETCH NEXT FROM cur", "", "FETCH 0"},
		{"CLOSE cur", "", "CLOSE CURSOR"},
		{"SAVEPOINT a", "", "SAVEPOINT"},
		{"COMMIT", "", "COMMIT"},
		{"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE", "", "SET"},
		{"SET DateStyle = 'German'", "", "SET"},
		{"DISCARD ALL", "", "DISCARD ALL"},
		{"SHOW DateStyle", "ISO, MDY", "SHOW"},
	} {
		rows, tag := queryText(t, s, tc.sql)
		if rows != tc.rows || tag != tc.tag {
			t.Errorf("%s: got %q %q, want %q %q", tc.sql, rows, tag, tc.rows, tc.tag)
		}
	}
	if _, err := s.Query(context.Background(), "EXECUTE p(1)"); err == nil {
		t.Error("EXECUTE after DEALLOCATE worked")
	}
}
