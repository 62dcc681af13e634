package expr

import (
	"testing"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

func TestCompareLogic(t *testing.T) {
	i4, b, tx := types.TInt32, types.TBool, types.TText
	f8 := types.TFloat64
	ints := []col{{i4, vs("1", "2", nil, "4", "5", "6", "7", "8", "9")}, {i4, vs("1", "3", "1", "4", nil, "0", "7", "9", "1")}}
	all := []string{"t", "f", "NULL", "t", "NULL", "f", "t", "f", "f"}
	bools := []col{{b, vs("t", "t", "t", "f", "f", "f", nil, nil, nil)}, {b, vs("t", "f", nil, "t", "f", nil, "t", "f", nil)}}
	cases := []evalCase{
		{name: "eq", e: fn("=", b, ref(0, i4), ref(1, i4)), cols: ints, want: all},
		{name: "eq sel", e: fn("=", b, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{1, 3, 8}, want: []string{"f", "t", "f"}},
		{name: "lt const", e: fn("<", b, ref(0, i4), lit(int64(3), i4)), cols: ints, want: []string{"t", "t", "NULL", "f", "f", "f", "f", "f", "f"}},
		{name: "const on left", e: fn("<", b, lit(int64(3), i4), ref(0, i4)), cols: ints, sel: []int32{0, 8}, want: []string{"f", "t"}},
		{name: "ne", e: fn("<>", b, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{0, 1, 2}, want: []string{"f", "t", "NULL"}},
		{name: "ge", e: fn(">=", b, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{1, 7, 8}, want: []string{"f", "f", "t"}},
		{name: "null const", e: fn("=", b, ref(0, i4), lit(nil, i4)), cols: ints, sel: []int32{0}, want: []string{"NULL"}},
		{name: "text", e: fn("<", b, ref(0, tx), ref(1, tx)), cols: []col{{tx, vs("a", "B", "é")}, {tx, vs("b", "a", "z")}}, want: []string{"t", "t", "f"}},
		{name: "nan", e: fn(">", b, ref(0, f8), ref(1, f8)), cols: []col{{f8, vs("NaN", "NaN", "1")}, {f8, vs("Infinity", "NaN", "NaN")}}, want: []string{"t", "f", "f"}},
		{name: "and", e: fn("and", b, ref(0, b), ref(1, b)), cols: bools, want: []string{"t", "f", "NULL", "f", "f", "f", "NULL", "f", "NULL"}},
		{name: "or", e: fn("or", b, ref(0, b), ref(1, b)), cols: bools, want: []string{"t", "t", "t", "t", "f", "NULL", "t", "NULL", "NULL"}},
		{name: "and sel", e: fn("and", b, ref(0, b), ref(1, b)), cols: bools, sel: []int32{2, 7}, want: []string{"NULL", "f"}},
		{name: "not", e: fn("not", b, ref(0, b)), cols: bools, sel: []int32{0, 3, 6}, want: []string{"f", "t", "NULL"}},
		{name: "is null", e: fn("is null", b, ref(0, b)), cols: bools, sel: []int32{0, 6}, want: []string{"f", "t"}},
		{name: "is not true", e: fn("is not true", b, ref(0, b)), cols: bools, sel: []int32{0, 3, 6}, want: []string{"f", "t", "t"}},
		{name: "is false", e: fn("is false", b, ref(0, b)), cols: bools, sel: []int32{0, 3, 6}, want: []string{"f", "t", "f"}},
		// The right side of AND must not run where the left is false.
		{name: "and guards", e: fn("and", b, fn("<>", b, ref(1, i4), lit(int64(0), i4)), fn(">", b, fn("/", i4, ref(0, i4), ref(1, i4)), lit(int64(0), i4))),
			cols: ints, sel: []int32{5, 6}, want: []string{"f", "t"}},
	}
	runCases(t, cases)
}

func TestCondInList(t *testing.T) {
	i4, b, tx := types.TInt32, types.TBool, types.TText
	ints := []col{{i4, vs("0", "2", nil, "4")}, {i4, vs(nil, "3", nil, "5")}}
	div := fn("/", i4, lit(int64(8), i4), ref(0, i4))
	cases := []evalCase{
		{name: "case guards", e: &planner.Case{Whens: []planner.When{{Cond: fn("=", b, ref(0, i4), lit(int64(0), i4)), Then: lit(int64(0), i4)}}, Else: div, T: i4},
			cols: ints, want: []string{"0", "4", "NULL", "2"}},
		{name: "case no else", e: &planner.Case{Whens: []planner.When{{Cond: fn(">", b, ref(0, i4), lit(int64(3), i4)), Then: lit("big", tx)}}, T: tx},
			cols: ints, sel: []int32{0, 3}, want: []string{"NULL", "big"}},
		{name: "coalesce", e: fn("coalesce", i4, ref(1, i4), ref(0, i4), lit(int64(-1), i4)), cols: ints, want: []string{"0", "3", "-1", "5"}},
		{name: "coalesce guards", e: fn("coalesce", i4, ref(1, i4), div), cols: []col{{i4, vs("0")}, {i4, vs("1")}}, want: []string{"1"}},
		{name: "nullif", e: fn("nullif", i4, ref(0, i4), lit(int64(2), i4)), cols: ints, want: []string{"0", "NULL", "NULL", "4"}},
		{name: "greatest", e: fn("greatest", i4, ref(0, i4), ref(1, i4)), cols: ints, want: []string{"0", "3", "NULL", "5"}},
		{name: "least", e: fn("least", i4, ref(0, i4), ref(1, i4)), cols: ints, sel: []int32{1, 3}, want: []string{"2", "4"}},
		{name: "in", e: &planner.InList{Arg: ref(0, i4), List: []planner.Expr{lit(int64(2), i4), lit(int64(4), i4)}}, cols: ints, want: []string{"f", "t", "NULL", "t"}},
		{name: "in null", e: &planner.InList{Arg: ref(0, i4), List: []planner.Expr{lit(int64(2), i4), lit(nil, i4)}}, cols: ints, want: []string{"NULL", "t", "NULL", "NULL"}},
		{name: "not in", e: &planner.InList{Arg: ref(0, i4), List: []planner.Expr{lit(int64(2), i4)}, Negated: true}, cols: ints, want: []string{"t", "f", "NULL", "t"}},
		{name: "in columns", e: &planner.InList{Arg: ref(0, i4), List: []planner.Expr{ref(1, i4), lit(int64(4), i4)}}, cols: ints, want: []string{"NULL", "f", "NULL", "t"}},
	}
	runCases(t, cases)
}

func TestStringsLike(t *testing.T) {
	b, tx, i4 := types.TBool, types.TText, types.TInt32
	strs := []col{{tx, vs("hello", "Héllo wörld", nil, "", "a_c", "100%")}}
	like := func(op, p string) planner.Expr { return fn(op, b, ref(0, tx), lit(p, tx)) }
	cases := []evalCase{
		{name: "prefix", e: like("like", "he%"), cols: strs, want: []string{"t", "f", "NULL", "f", "f", "f"}},
		{name: "suffix", e: like("like", "%ld"), cols: strs, want: []string{"f", "t", "NULL", "f", "f", "f"}},
		{name: "contains", e: like("like", "%l%"), cols: strs, want: []string{"t", "t", "NULL", "f", "f", "f"}},
		{name: "underscore", e: like("like", "H_llo%"), cols: strs, want: []string{"f", "t", "NULL", "f", "f", "f"}},
		{name: "escape", e: like("like", `a\_c`), cols: strs, want: []string{"f", "f", "NULL", "f", "t", "f"}},
		{name: "escaped percent", e: like("like", `%\%`), cols: strs, want: []string{"f", "f", "NULL", "f", "f", "t"}},
		{name: "general", e: like("like", "h%l%o"), cols: strs, want: []string{"t", "f", "NULL", "f", "f", "f"}},
		{name: "ilike", e: like("ilike", "HÉ%"), cols: strs, want: []string{"f", "t", "NULL", "f", "f", "f"}},
		{name: "not like", e: like("not like", "%"), cols: strs, want: []string{"f", "f", "NULL", "f", "f", "f"}},
		{name: "per-row pattern", e: fn("like", b, ref(0, tx), ref(1, tx)), cols: []col{{tx, vs("abc", "abc")}, {tx, vs("a%", "b%")}}, want: []string{"t", "f"}},
		{name: "concat", e: fn("||", tx, ref(0, tx), lit("!", tx)), cols: strs, sel: []int32{0, 2, 3}, want: []string{"hello!", "NULL", "!"}},
		{name: "upper", e: fn("upper", tx, ref(0, tx)), cols: strs, sel: []int32{1}, want: []string{"HÉLLO WÖRLD"}},
		{name: "length", e: fn("length", i4, ref(0, tx)), cols: strs, want: []string{"5", "11", "NULL", "0", "3", "4"}},
		{name: "substring", e: fn("substring", tx, ref(0, tx), lit(int64(2), i4), lit(int64(3), i4)), cols: strs, sel: []int32{0, 1}, want: []string{"ell", "éll"}},
		{name: "substring neg start", e: fn("substring", tx, ref(0, tx), lit(int64(-1), i4), lit(int64(3), i4)), cols: strs, sel: []int32{0}, want: []string{"h"}},
		{name: "substring to end", e: fn("substring", tx, ref(0, tx), lit(int64(3), i4)), cols: strs, sel: []int32{0}, want: []string{"llo"}},
		{name: "substring neg len", e: fn("substring", tx, ref(0, tx), lit(int64(1), i4), lit(int64(-1), i4)), cols: strs, code: "22011"},
	}
	runCases(t, cases)
}

func TestCast(t *testing.T) {
	i4, i2, tx := types.TInt32, types.TInt16, types.TText
	f8, n2 := types.TFloat64, types.NumericT(10, 2)
	cast := func(e planner.Expr, t types.T, explicit bool) planner.Expr {
		return &planner.Cast{Arg: e, T: t, Explicit: explicit}
	}
	cases := []evalCase{
		{name: "float to int rint", e: cast(ref(0, f8), i4, true), cols: []col{{f8, vs("2.5", "3.5", "-2.5", nil)}}, want: []string{"2", "4", "-2", "NULL"}},
		{name: "numeric to int half away", e: cast(ref(0, n2), i4, true), cols: []col{{n2, vs("2.50", "-2.50", "3.49")}}, want: []string{"3", "-3", "3"}},
		{name: "int narrowing", e: cast(ref(0, i4), i2, true), cols: []col{{i4, vs("40000")}}, code: sqlerr.NumericOutOfRange},
		{name: "text to int", e: cast(ref(0, tx), i4, true), cols: []col{{tx, vs(" 12 ", "x")}}, sel: []int32{0}, want: []string{"12"}},
		{name: "text to int bad", e: cast(ref(0, tx), i4, true), cols: []col{{tx, vs(" 12 ", "x")}}, code: sqlerr.InvalidTextRep},
		{name: "numeric rescale", e: cast(ref(0, types.NumericT(10, 3)), n2, true), cols: []col{{types.NumericT(10, 3), vs("1.005", "-1.005")}}, want: []string{"1.01", "-1.01"}},
		{name: "numeric overflow", e: cast(ref(0, types.NumericT(10, 3)), types.NumericT(3, 2), true), cols: []col{{types.NumericT(10, 3), vs("10.000")}}, code: sqlerr.NumericOutOfRange},
		{name: "float to numeric", e: cast(ref(0, f8), n2, true), cols: []col{{f8, vs("0.1", "2.675")}}, want: []string{"0.10", "2.68"}},
		{name: "bool to text", e: cast(ref(0, types.TBool), tx, true), cols: []col{{types.TBool, vs("t", "f")}}, want: []string{"true", "false"}},
		{name: "float to text", e: cast(ref(0, f8), tx, true), cols: []col{{f8, vs("0.1", "1e20")}}, want: []string{"0.1", "1e+20"}},
		{name: "varchar explicit", e: cast(ref(0, tx), types.VarcharT(3), true), cols: []col{{tx, vs("abcdef", "ab")}}, want: []string{"abc", "ab"}},
		{name: "varchar implicit", e: cast(ref(0, tx), types.VarcharT(3), false), cols: []col{{tx, vs("abcdef")}}, code: sqlerr.StringTruncation},
		{name: "varchar spaces", e: cast(ref(0, tx), types.VarcharT(3), false), cols: []col{{tx, vs("abc   ")}}, want: []string{"abc"}},
		{name: "date to ts", e: cast(ref(0, types.TDate), types.TTimestamp, true), cols: []col{{types.TDate, vs("2024-01-31")}}, want: []string{"2024-01-31 00:00:00"}},
		{name: "ts to date", e: cast(ref(0, types.TTimestamp), types.TDate, true), cols: []col{{types.TTimestamp, vs("1969-12-31 23:00:00")}}, want: []string{"1969-12-31"}},
		{name: "text to date", e: cast(lit("2024-02-30", types.TUnknown), types.TDate, true), cols: []col{{i4, vs("1")}}, code: sqlerr.DatetimeOverflow},
		{name: "int to bool", e: cast(ref(0, i4), types.TBool, true), cols: []col{{i4, vs("0", "5")}}, want: []string{"f", "t"}},
		{name: "abs", e: fn("abs", i4, ref(0, i4)), cols: []col{{i4, vs("-3", nil)}}, want: []string{"3", "NULL"}},
		{name: "abs overflow", e: fn("abs", i4, ref(0, i4)), cols: []col{{i4, vs("-2147483648")}}, code: sqlerr.NumericOutOfRange},
		{name: "round numeric", e: fn("round", types.NumericT(38, 1), ref(0, n2), lit(int64(1), i4)), cols: []col{{n2, vs("2.45", "-2.45")}}, want: []string{"2.5", "-2.5"}},
		{name: "round float", e: fn("round", f8, ref(0, f8)), cols: []col{{f8, vs("2.5", "3.5")}}, want: []string{"2", "4"}},
	}
	runCases(t, cases)
}

func TestParam(t *testing.T) {
	i4 := types.TInt32
	ev, err := Compile(fn("+", i4, ref(0, i4), &planner.Param{Index: 1, T: i4}))
	if err != nil {
		t.Fatal(err)
	}
	rec := mkRecord(t, NewContext().Alloc, col{i4, vs("1", "2")})
	defer rec.Release()
	ctx := NewContext()
	ctx.Params = []any{"10"}
	res, err := ev.Eval(ctx, batchOf(rec))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if got := render(res, i4, batchOf(rec)); got[0] != "11" || got[1] != "12" {
		t.Fatal(got)
	}
}
