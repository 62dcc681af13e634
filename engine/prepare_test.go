package engine

import (
	"context"
	"testing"

	"github.com/lodedb/lode/catalog/types"
)

func TestPrepareInfersParameterTypesAndExecutes(t *testing.T) {
	eng, err := Open(Config{Warehouse: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := eng.NewSession("lode", "main")
	ctx := context.Background()
	if _, err := s.Query(ctx, "CREATE TABLE p (id bigint, name text, d date)"); err != nil {
		t.Fatal(err)
	}
	ins, err := s.Prepare(ctx, "ins", "INSERT INTO p VALUES ($1, $2, $3)", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []types.T{types.TInt64, types.TText, types.TDate}
	for i, pt := range ins.ParamTypes {
		if pt != want[i] {
			t.Fatalf("param $%d typed %s, want %s", i+1, pt, want[i])
		}
	}
	for i := 0; i < 3; i++ {
		if _, err := s.Execute(ctx, ins, []any{int64(i), "n", int32(19000 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	sel, err := s.Prepare(ctx, "sel", "SELECT name, id + 1 AS next FROM p WHERE id >= $1 ORDER BY id", []uint32{0})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Columns) != 2 || sel.Columns[1].Name != "next" || sel.Columns[1].Type != types.TInt64 {
		t.Fatalf("columns %+v", sel.Columns)
	}
	if sel.ParamTypes[0] != types.TInt64 {
		t.Fatalf("$1 typed %s, want bigint", sel.ParamTypes[0])
	}
	r, err := s.Execute(ctx, sel, []any{int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	if r.RowCount() != 2 || r.Tag != "SELECT 2" {
		t.Fatalf("got %d rows, tag %q", r.RowCount(), r.Tag)
	}
	one, err := s.Prepare(ctx, "", "SELECT $1", nil)
	if err != nil || one.ParamTypes[0] != types.TText || one.Columns[0].Type != types.TText {
		t.Fatalf("SELECT $1: %v %+v", err, one)
	}
}
