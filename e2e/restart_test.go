package e2e

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestRestart stops the server gracefully and starts a new one on the same
// warehouse: tables and rows written before must be back.
func TestRestart(t *testing.T) {
	warehouse := t.TempDir()
	ctx := testCtx(t)

	s := startServer(t, warehouse)
	conn := connect(t, s.Addr, pgx.QueryExecModeSimpleProtocol)
	for _, sql := range []string{
		"CREATE TABLE kept (id integer, name text)",
		"INSERT INTO kept VALUES (1, 'one'), (2, 'two')",
		"INSERT INTO kept VALUES (3, NULL)",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	conn.Close(ctx)
	s.Stop()

	s = startServer(t, warehouse)
	conn = connect(t, s.Addr, pgx.QueryExecModeSimpleProtocol)
	rows, err := conn.Query(ctx, "SELECT id, name FROM kept ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id   int32
		name *string
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.name)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{1, ptr("one")}, {2, ptr("two")}, {3, nil}}
	if len(got) != len(want) {
		t.Fatalf("after restart %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].id != want[i].id || show(got[i].name) != show(want[i].name) {
			t.Errorf("row %d: got %d %v, want %d %v", i, got[i].id, show(got[i].name), want[i].id, show(want[i].name))
		}
	}
}
