// Package tpch is Lode's TPC-H benchmark: a generator that writes the eight
// TPC-H tables at a chosen scale factor straight into Delta tables of a Lode
// warehouse (dbgen-exact data, through the Go port of dbgen in go-tpc), the
// 22 queries with the specification's validation parameters, and a runner
// that times Lode beside DuckDB and PostgreSQL 15 and checks every answer
// against the official ones.
package tpch

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/catalog/types"
)

// Column is one column of a TPC-H table with its SQL type.
type Column struct {
	Name string
	Type types.T
}

// Table is one of the eight TPC-H tables.
type Table struct {
	Name    string
	Columns []Column
	// PrimaryKey and Indexes are used where the system under test wants
	// them (PostgreSQL); Lode and DuckDB scan.
	PrimaryKey []string
	Indexes    [][]string
}

// Schema is the table's Arrow schema (all columns NOT NULL).
func (t *Table) Schema() *arrow.Schema {
	fs := make([]arrow.Field, len(t.Columns))
	for i, c := range t.Columns {
		fs[i] = types.Field(c.Name, c.Type, false)
	}
	return arrow.NewSchema(fs, nil)
}

var (
	key    = types.TInt32
	bigKey = types.TInt64 // orderkeys pass 2^31 above SF 300
	money  = types.NumericT(15, 2)
	date   = types.TDate
	vc     = types.VarcharT
)

// Tables are the TPC-H tables in generation order.
var Tables = []*Table{
	{Name: "region", Columns: []Column{
		{"r_regionkey", key}, {"r_name", vc(25)}, {"r_comment", vc(152)},
	}, PrimaryKey: []string{"r_regionkey"}},
	{Name: "nation", Columns: []Column{
		{"n_nationkey", key}, {"n_name", vc(25)}, {"n_regionkey", key}, {"n_comment", vc(152)},
	}, PrimaryKey: []string{"n_nationkey"}, Indexes: [][]string{{"n_regionkey"}}},
	{Name: "supplier", Columns: []Column{
		{"s_suppkey", key}, {"s_name", vc(25)}, {"s_address", vc(40)}, {"s_nationkey", key},
		{"s_phone", vc(15)}, {"s_acctbal", money}, {"s_comment", vc(101)},
	}, PrimaryKey: []string{"s_suppkey"}, Indexes: [][]string{{"s_nationkey"}}},
	{Name: "customer", Columns: []Column{
		{"c_custkey", key}, {"c_name", vc(25)}, {"c_address", vc(40)}, {"c_nationkey", key},
		{"c_phone", vc(15)}, {"c_acctbal", money}, {"c_mktsegment", vc(10)}, {"c_comment", vc(117)},
	}, PrimaryKey: []string{"c_custkey"}, Indexes: [][]string{{"c_nationkey"}}},
	{Name: "part", Columns: []Column{
		{"p_partkey", key}, {"p_name", vc(55)}, {"p_mfgr", vc(25)}, {"p_brand", vc(10)},
		{"p_type", vc(25)}, {"p_size", key}, {"p_container", vc(10)}, {"p_retailprice", money},
		{"p_comment", vc(23)},
	}, PrimaryKey: []string{"p_partkey"}},
	{Name: "partsupp", Columns: []Column{
		{"ps_partkey", key}, {"ps_suppkey", key}, {"ps_availqty", key}, {"ps_supplycost", money},
		{"ps_comment", vc(199)},
	}, PrimaryKey: []string{"ps_partkey", "ps_suppkey"}, Indexes: [][]string{{"ps_suppkey"}}},
	{Name: "orders", Columns: []Column{
		{"o_orderkey", bigKey}, {"o_custkey", key}, {"o_orderstatus", vc(1)}, {"o_totalprice", money},
		{"o_orderdate", date}, {"o_orderpriority", vc(15)}, {"o_clerk", vc(15)},
		{"o_shippriority", key}, {"o_comment", vc(79)},
	}, PrimaryKey: []string{"o_orderkey"}, Indexes: [][]string{{"o_custkey"}, {"o_orderdate"}}},
	{Name: "lineitem", Columns: []Column{
		{"l_orderkey", bigKey}, {"l_partkey", key}, {"l_suppkey", key}, {"l_linenumber", key},
		{"l_quantity", money}, {"l_extendedprice", money}, {"l_discount", money}, {"l_tax", money},
		{"l_returnflag", vc(1)}, {"l_linestatus", vc(1)}, {"l_shipdate", date}, {"l_commitdate", date},
		{"l_receiptdate", date}, {"l_shipinstruct", vc(25)}, {"l_shipmode", vc(10)}, {"l_comment", vc(44)},
	}, PrimaryKey: []string{"l_orderkey", "l_linenumber"},
		Indexes: [][]string{{"l_partkey", "l_suppkey"}, {"l_suppkey"}, {"l_shipdate"}}},
}

// TableByName returns the table called name, or nil.
func TableByName(name string) *Table {
	for _, t := range Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// ExpectedRows is the specification's row count of a table at scale
// factor sf (4.2.5.1); lineitem has no formula, only about 6,000,000 × SF,
// so it returns the orders count times 4 as an estimate with ok=false.
func ExpectedRows(table string, sf float64) (n int64, exact bool) {
	scaled := func(base int64) int64 {
		if sf < 1 {
			// dbgen scales fractional factors in thousandths of the base.
			return max(int64(sf*1000+1e-9)*base/1000, 1)
		}
		return int64(sf * float64(base))
	}
	switch table {
	case "region":
		return 5, true
	case "nation":
		return 25, true
	case "supplier":
		return scaled(10_000), true
	case "customer":
		return scaled(150_000), true
	case "part":
		return scaled(200_000), true
	case "partsupp":
		return 4 * scaled(200_000), true
	case "orders":
		return scaled(1_500_000), true
	case "lineitem":
		return 4 * scaled(1_500_000), false
	}
	return 0, false
}
