package planner

import (
	"testing"

	"github.com/lodedb/lode/catalog/sqlerr"
)

func TestParseSplitsStatementsAndExtensions(t *testing.T) {
	cases := []struct {
		sql  string
		want []string // "pg" or the extension type name, per statement
	}{
		{"SELECT 1; SELECT 2", []string{"pg", "pg"}},
		{"CREATE CATALOG sales; SELECT ';'", []string{"*planner.CreateCatalogStmt", "pg"}},
		{"select 1; drop catalog if exists x cascade", []string{"pg", "*planner.DropCatalogStmt"}},
		{"   ", nil},
	}
	for _, c := range cases {
		stmts, err := Parse(c.sql)
		if err != nil {
			t.Fatalf("%q: %v", c.sql, err)
		}
		if len(stmts) != len(c.want) {
			t.Fatalf("%q: %d statements, want %d", c.sql, len(stmts), len(c.want))
		}
		for i, st := range stmts {
			got := "pg"
			if st.Node == nil {
				got = typeName(st.Ext)
			}
			if got != c.want[i] {
				t.Errorf("%q statement %d: %s, want %s", c.sql, i, got, c.want[i])
			}
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *CreateCatalogStmt:
		return "*planner.CreateCatalogStmt"
	case *DropCatalogStmt:
		return "*planner.DropCatalogStmt"
	}
	return "?"
}

func TestSyntaxErrorPosition(t *testing.T) {
	cases := []struct {
		sql string
		pos int
	}{
		{"SELEC 1", 1},
		{"SELECT 1; SELECT FROM WHERE", 23},
		{"CREATE CATALOG x; SELECT (", 27},
	}
	for _, c := range cases {
		_, err := Parse(c.sql)
		e, ok := err.(*sqlerr.Error)
		if !ok {
			t.Fatalf("%q: error %v is not an *sqlerr.Error", c.sql, err)
		}
		if e.Code != sqlerr.SyntaxError || e.Position != c.pos {
			t.Errorf("%q: code %s position %d, want 42601 at %d", c.sql, e.Code, e.Position, c.pos)
		}
	}
}
