package tpch

import (
	"context"
	"testing"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/engine"
)

// TestGenerateSF001 generates SF 0.01 into a fresh warehouse and checks the
// row counts against the specification's formulas (and dbgen's own output
// at that size: 60,175 lineitems), then reads a few aggregates back through
// Lode to check keys, money and dates arrived with their types.
func TestGenerateSF001(t *testing.T) {
	dir := t.TempDir()
	cat, err := catalog.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Generate(context.Background(), cat, 0.01, GenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tab := range Tables {
		want, exact := ExpectedRows(tab.Name, 0.01)
		got := m.Rows[tab.Name]
		if exact && got != want {
			t.Errorf("%s: %d rows, the specification says %d", tab.Name, got, want)
		}
		if !exact && (got < want*99/100 || got > want*101/100) {
			t.Errorf("%s: %d rows, expected about %d", tab.Name, got, want)
		}
	}
	if got := m.Rows["lineitem"]; got != 60175 {
		t.Errorf("lineitem: %d rows, dbgen -s 0.01 makes 60175", got)
	}
	if mm, err := ReadManifest(dir); err != nil || mm.Rows["orders"] != m.Rows["orders"] {
		t.Errorf("manifest: %v %v", mm, err)
	}

	eng, err := engine.Open(engine.Config{Warehouse: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	s, err := eng.NewSession("test", "main")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ sql, want string }{
		{"SELECT count(*) FROM lineitem", "60175"},
		{"SELECT max(c_custkey), max(o_custkey) FROM customer, orders WHERE c_custkey = o_custkey", "1499|1499"},
		{"SELECT min(o_orderdate), max(o_orderdate) FROM orders", "1992-01-01|1998-08-02"},
		{"SELECT count(*) FROM partsupp, supplier WHERE ps_suppkey = s_suppkey", "8000"},
		{"SELECT min(l_discount), max(l_discount), min(l_quantity), max(l_quantity) FROM lineitem", "0.00|0.10|1.00|50.00"},
		{"SELECT n_name, r_name FROM nation, region WHERE n_regionkey = r_regionkey AND n_nationkey = 7", "GERMANY|EUROPE"},
	}
	for _, c := range checks {
		got, err := QueryText(context.Background(), s, c.sql)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if len(got) != 1 || join(got[0]) != c.want {
			t.Errorf("%s = %v, want %s", c.sql, got, c.want)
		}
	}
}

func join(row []string) string {
	out := ""
	for i, v := range row {
		if i > 0 {
			out += "|"
		}
		out += v
	}
	return out
}
