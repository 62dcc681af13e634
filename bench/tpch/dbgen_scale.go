package tpch

import (
	"fmt"
	_ "unsafe" // go:linkname

	"github.com/pingcap/go-tpc/tpch/dbgen"
)

// go-tpc's dbgen takes whole scale factors only. The C dbgen generates
// fractional ones (SF 0.01, 0.1: the smoke-test sizes) by running at scale
// 1 with every scaled table's base row count multiplied by the factor in
// thousandths; the per-row generators read those bases (customer key range,
// part key range, suppliers per part), so changing them is all it takes.
// go-tpc keeps the bases in an unexported table, reached here by linkname;
// setFractionalScale checks the table's shape before writing to it, so a
// go-tpc whose layout differs fails cleanly instead of corrupting memory.

// dbgenTDef mirrors dbgen.tDef (go-tpc v1.0.9, tpch/dbgen/driver.go).
type dbgenTDef struct {
	name    string
	comment string
	base    int64
	loader  dbgen.Loader
	genSeed func(dbgen.Table, int64)
	child   dbgen.Table
	vTotal  int64
}

//go:linkname dbgenTDefs github.com/pingcap/go-tpc/tpch/dbgen.tDefs
var dbgenTDefs []dbgenTDef

//go:linkname dbgenInitOrder github.com/pingcap/go-tpc/tpch/dbgen.initOrder
func dbgenInitOrder()

//go:linkname dbgenInitLineItem github.com/pingcap/go-tpc/tpch/dbgen.initLineItem
func dbgenInitLineItem()

// initDbgen prepares the generator for scale factor sf: a whole number, or
// a fraction below 1 with at most three decimals.
func initDbgen(sf float64) error {
	if sf >= 1 {
		if sf != float64(int64(sf)) {
			return fmt.Errorf("tpch: scale factor %g: above 1 only whole numbers are supported", sf)
		}
		dbgen.InitDbGen(int64(sf))
		return nil
	}
	thousandths := int64(sf*1000 + 1e-9)
	if thousandths < 1 || abs(float64(thousandths)-sf*1000) > 1e-6 {
		return fmt.Errorf("tpch: scale factor %g: below 1 it must be a multiple of 0.001", sf)
	}
	dbgen.InitDbGen(1)
	want := map[dbgen.Table]struct {
		name string
		base int64
	}{
		dbgen.TPart: {"part.tbl", 200_000}, dbgen.TPsupp: {"partsupp.tbl", 200_000},
		dbgen.TSupp: {"supplier.tbl", 10_000}, dbgen.TCust: {"customer.tbl", 150_000},
		dbgen.TOrder: {"orders.tbl", 1_500_000}, dbgen.TLine: {"lineitem.tbl", 1_500_000},
		dbgen.TOrderLine: {"orders.tbl", 1_500_000}, dbgen.TPartPsupp: {"part.tbl", 200_000},
	}
	if len(dbgenTDefs) != int(dbgen.TRegion)+1 {
		return fmt.Errorf("tpch: fractional scale factors: unexpected go-tpc dbgen layout (%d tables)", len(dbgenTDefs))
	}
	for t, w := range want {
		if d := dbgenTDefs[t]; d.name != w.name || d.base != w.base {
			return fmt.Errorf("tpch: fractional scale factors: unexpected go-tpc dbgen table %d (%q, %d)", t, d.name, d.base)
		}
	}
	for t := range want {
		dbgenTDefs[t].base = max(thousandths*dbgenTDefs[t].base/1000, 1)
	}
	dbgenInitOrder()
	dbgenInitLineItem()
	return nil
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
