package expr

import (
	"testing"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
)

func TestArith(t *testing.T) {
	i4 := types.TInt32
	i8 := types.TInt64
	i2 := types.TInt16
	f8 := types.TFloat64
	n2 := types.NumericT(10, 2)
	ints := []col{{i4, vs("1", "2", nil, "2147483647", "-7")}, {i4, vs("10", "0", "5", "1", "2")}}
	cases := []evalCase{
		{name: "add", e: fn("+", i4, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{0, 2, 4}, want: []string{"11", "NULL", "-5"}},
		{name: "add overflow", e: fn("+", i4, ref(0, i4), ref(1, i4)), cols: ints, code: sqlerr.NumericOutOfRange},
		{name: "overflow outside sel", e: fn("+", i4, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{0, 1}, want: []string{"11", "2"}},
		{name: "empty sel", e: fn("/", i4, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{}, want: nil},
		{name: "div by zero", e: fn("/", i4, ref(0, i4), ref(1, i4)), cols: ints, code: sqlerr.DivisionByZero},
		{name: "div trunc", e: fn("/", i4, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{0, 4}, want: []string{"0", "-3"}},
		{name: "mod", e: fn("%", i4, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{4}, want: []string{"-1"}},
		{name: "sub", e: fn("-", i4, ref(0, i4), lit(int64(1), i4)), cols: ints, want: []string{"0", "1", "NULL", "2147483646", "-8"}},
		{name: "mul", e: fn("*", i4, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{0, 2, 4}, want: []string{"10", "NULL", "-14"}},
		{name: "mul overflow", e: fn("*", i4, ref(0, i4), lit(int64(2), i4)), cols: ints, code: sqlerr.NumericOutOfRange},
		{name: "int2 overflow", e: fn("+", i2, ref(0, i2), ref(0, i2)), cols: []col{{i2, vs("20000")}}, code: sqlerr.NumericOutOfRange},
		{name: "int8 overflow", e: fn("+", i8, ref(0, i8), ref(0, i8)), cols: []col{{i8, vs("9223372036854775807")}}, code: sqlerr.NumericOutOfRange},
		{name: "int8 mul overflow", e: fn("*", i8, ref(0, i8), ref(0, i8)), cols: []col{{i8, vs("4294967296")}}, code: sqlerr.NumericOutOfRange},
		{name: "int8 min/-1", e: fn("/", i8, ref(0, i8), lit(int64(-1), i8)), cols: []col{{i8, vs("-9223372036854775808")}}, code: sqlerr.NumericOutOfRange},
		{name: "null overflow ignored", e: fn("+", i8, ref(0, i8), ref(1, i8)), cols: []col{{i8, vs("9223372036854775807", "1")}, {i8, vs(nil, "1")}}, want: []string{"NULL", "2"}},
		{name: "neg", e: fn("neg", i4, ref(0, i4)), cols: ints, sel: []int32{0, 2}, want: []string{"-1", "NULL"}},
		{name: "float", e: fn("/", f8, ref(0, f8), ref(1, f8)), cols: []col{{f8, vs("1", "3")}, {f8, vs("4", "0")}}, sel: []int32{0}, want: []string{"0.25"}},
		{name: "float div0", e: fn("/", f8, ref(0, f8), ref(1, f8)), cols: []col{{f8, vs("1", "3")}, {f8, vs("4", "0")}}, code: sqlerr.DivisionByZero},
		{name: "float overflow", e: fn("*", f8, ref(0, f8), ref(0, f8)), cols: []col{{f8, vs("1e200")}}, code: sqlerr.NumericOutOfRange},
		{name: "numeric add", e: fn("+", n2, ref(0, n2), ref(1, n2)), cols: []col{{n2, vs("1.25", "-3.50", nil)}, {n2, vs("2.5", "1", "1")}}, want: []string{"3.75", "-2.50", "NULL"}},
		{name: "numeric mul", e: fn("*", n2, ref(0, n2), ref(1, n2)), cols: []col{{n2, vs("1.25", "-1.25")}, {n2, vs("0.5", "0.5")}}, want: []string{"0.63", "-0.63"}},
		{name: "numeric div", e: fn("/", types.NumericT(38, 4), ref(0, n2), ref(1, n2)), cols: []col{{n2, vs("1.00", "-2.00")}, {n2, vs("3", "3")}}, want: []string{"0.3333", "-0.6667"}},
		{name: "numeric div0", e: fn("/", types.NumericT(38, 4), ref(0, n2), ref(1, n2)), cols: []col{{n2, vs("1.00")}, {n2, vs("0")}}, code: sqlerr.DivisionByZero},
		{name: "numeric mod", e: fn("%", n2, ref(0, n2), ref(1, n2)), cols: []col{{n2, vs("7.50", "-7.50")}, {n2, vs("2", "2")}}, want: []string{"1.50", "-1.50"}},
		{name: "numeric overflow", e: fn("*", types.NumericT(38, 0), ref(0, types.NumericT(38, 0)), ref(0, types.NumericT(38, 0))), cols: []col{{types.NumericT(38, 0), vs("10000000000000000000000")}}, code: sqlerr.NumericOutOfRange},
		{name: "date + int", e: fn("+", types.TDate, ref(0, types.TDate), lit(int64(1), i4)), cols: []col{{types.TDate, vs("2024-02-28", nil)}}, want: []string{"2024-02-29", "NULL"}},
		{name: "date - date", e: fn("-", i4, ref(0, types.TDate), ref(1, types.TDate)), cols: []col{{types.TDate, vs("2024-03-01")}, {types.TDate, vs("2024-02-01")}}, want: []string{"29"}},
	}
	runCases(t, cases)
}
