package exec

import (
	"fmt"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

type aggCase struct {
	name    string
	in      opsInput
	keys    []int
	aggs    []AggSpec
	want    []string // sorted
	wantErr string   // SQLSTATE
}

func aggOutSchema(in opsInput, keys []int, aggs []AggSpec) []types.T {
	var ts []types.T
	for _, k := range keys {
		t, _ := types.FromField(in.schema.Field(k))
		ts = append(ts, t)
	}
	for _, a := range aggs {
		ts = append(ts, a.Out)
	}
	return ts
}

// aggTestMemoryLimit, when set, runs the aggregation cases under that
// memory limit (TestHashAggregateSpills).
var aggTestMemoryLimit int64
var aggTestSpillDir string

// TestHashAggregateSpills re-runs every aggregation case with a 1-byte
// memory limit: the tables freeze after the first batch, rows of new
// groups go to spill files and are aggregated sub-partition by
// sub-partition. Results must be the same, memory must not leak and no
// spill file may be left.
func TestHashAggregateSpills(t *testing.T) {
	dir := t.TempDir()
	aggTestMemoryLimit, aggTestSpillDir = 1, dir
	defer func() { aggTestMemoryLimit, aggTestSpillDir = 0, "" }()
	before := SpilledAggRows.Load()
	TestHashAggregate(t)
	if SpilledAggRows.Load() == before {
		t.Fatal("no aggregation spilled under a 1-byte limit")
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("%d spill files left behind", len(left))
	}
}

func TestHashAggregate(t *testing.T) {
	i8, i4, i2 := types.TInt64, types.TInt32, types.TInt16
	num := types.NumericT(38, 0)
	cases := []aggCase{
		{
			name: "int64 key with NULL group",
			in: opsInput{schema: opsSchema(i8, i8), rows: [][]any{
				{1, 10}, {2, 20}, {1, nil}, {nil, 5}, {2, -4}, {1, 7}, {nil, nil},
			}},
			keys: []int{0},
			aggs: []AggSpec{
				{Func: "count_star", Arg: -1, Out: i8},
				{Func: "count", Arg: 1, In: i8, Out: i8},
				{Func: "sum", Arg: 1, In: i8, Out: num},
				{Func: "avg", Arg: 1, In: i8, Out: types.NumericT(0, 2)},
				{Func: "min", Arg: 1, In: i8, Out: i8},
				{Func: "max", Arg: 1, In: i8, Out: i8},
			},
			want: []string{"1|3|2|17|8.50|7|10", "2|2|2|16|8.00|-4|20", "NULL|2|1|5|5.00|5|5"},
		},
		{
			name: "composite text,int32 key",
			in: opsInput{schema: opsSchema(types.TText, i4, i4, types.TFloat64, types.TBool), rows: [][]any{
				{"a", 1, 5, 1.5, true}, {"a", 1, 5, 2.5, false}, {"a", 2, 1, nil, nil},
				{"b", 1, nil, 0.25, false}, {nil, 1, 3, 1.0, true}, {"a", 1, 6, nil, false},
				{"", nil, 2, 1.0, nil}, {nil, 1, 3, 1.0, true},
			}},
			keys: []int{0, 1},
			aggs: []AggSpec{
				{Func: "sum", Arg: 2, In: i4, Out: i8},
				{Func: "sum", Arg: 3, In: types.TFloat64, Out: types.TFloat64},
				{Func: "max", Arg: 4, In: types.TBool, Out: types.TBool},
				{Func: "min", Arg: 4, In: types.TBool, Out: types.TBool},
				{Func: "count", Arg: 2, In: i4, Out: i8, Distinct: true},
				{Func: "avg", Arg: 3, In: types.TFloat64, Out: types.TFloat64},
			},
			want: []string{
				"|NULL|2|1|NULL|NULL|1|1",
				"NULL|1|6|2|true|true|1|1",
				"a|1|16|4|true|false|2|2",
				"a|2|1|NULL|NULL|NULL|1|NULL",
				"b|1|NULL|0.25|false|false|0|0.25",
			},
		},
		{
			name: "no group, empty input",
			in:   opsInput{schema: opsSchema(i8)},
			aggs: []AggSpec{
				{Func: "count_star", Arg: -1, Out: i8},
				{Func: "count", Arg: 0, In: i8, Out: i8},
				{Func: "sum", Arg: 0, In: i8, Out: num},
				{Func: "max", Arg: 0, In: i8, Out: i8},
				{Func: "avg", Arg: 0, In: i8, Out: types.NumericT(0, 16)},
			},
			want: []string{"0|0|NULL|NULL|NULL"},
		},
		{
			name: "grouped, empty input",
			in:   opsInput{schema: opsSchema(i8)},
			keys: []int{0},
			aggs: []AggSpec{{Func: "count_star", Arg: -1, Out: i8}},
			want: nil,
		},
		{
			name: "no group, int2 and rounding",
			in:   opsInput{schema: opsSchema(i2, i2), rows: [][]any{{1, -1}, {2, -2}, {nil, nil}}},
			aggs: []AggSpec{
				{Func: "sum", Arg: 0, In: i2, Out: i8},
				{Func: "avg", Arg: 0, In: i2, Out: types.NumericT(0, 0)},
				{Func: "avg", Arg: 1, In: i2, Out: types.NumericT(0, 0)},
				{Func: "avg", Arg: 1, In: i2, Out: types.NumericT(0, 3)},
				{Func: "min", Arg: 1, In: i2, Out: i2},
				{Func: "count", Arg: 1, In: i2, Out: i8},
			},
			want: []string{"3|2|-2|-1.500|-2|2"},
		},
		{
			name: "numeric sum and avg",
			in: opsInput{schema: opsSchema(types.NumericT(10, 2), i4), rows: [][]any{
				{"1.25", 1}, {"2.50", 1}, {nil, 1}, {"-0.75", 1}, {"0.01", 2}, {"0.02", 2},
			}},
			keys: []int{1},
			aggs: []AggSpec{
				{Func: "sum", Arg: 0, In: types.NumericT(10, 2), Out: types.NumericT(0, 2)},
				{Func: "avg", Arg: 0, In: types.NumericT(10, 2), Out: types.NumericT(0, 4)},
				{Func: "avg", Arg: 0, In: types.NumericT(10, 2), Out: types.NumericT(0, 1)},
				{Func: "max", Arg: 0, In: types.NumericT(10, 2), Out: types.NumericT(10, 2)},
				{Func: "sum", Arg: 0, In: types.NumericT(10, 2), Out: types.NumericT(0, 2), Distinct: true},
			},
			want: []string{"1|3.00|1.0000|1.0|2.50|3.00", "2|0.03|0.0150|0.0|0.02|0.03"},
		},
		{
			name: "numeric overflow",
			in: opsInput{schema: opsSchema(types.NumericT(38, 0)), rows: [][]any{
				{"99999999999999999999999999999999999999"}, {"1"},
			}},
			aggs:    []AggSpec{{Func: "sum", Arg: 0, In: types.NumericT(38, 0), Out: types.NumericT(0, 0)}},
			wantErr: sqlerr.NumericOutOfRange,
		},
		{
			name: "int8 sum beyond int64",
			in: opsInput{schema: opsSchema(i8), rows: [][]any{
				{int64(math.MaxInt64)}, {int64(math.MaxInt64)}, {int64(1)},
			}},
			aggs: []AggSpec{
				{Func: "sum", Arg: 0, In: i8, Out: num},
				{Func: "avg", Arg: 0, In: i8, Out: types.NumericT(0, 1)},
			},
			want: []string{"18446744073709551615|6148914691236517205.0"},
		},
		{
			name: "distinct across partitions",
			in: opsInput{schema: opsSchema(i8, i8), rows: [][]any{
				{1, 5}, {1, 5}, {1, 6}, {2, 5}, {1, 5}, {1, nil}, {2, 5}, {2, 7}, {1, 6},
			}},
			keys: []int{0},
			aggs: []AggSpec{
				{Func: "sum", Arg: 1, In: i8, Out: num, Distinct: true},
				{Func: "count", Arg: 1, In: i8, Out: i8, Distinct: true},
				{Func: "count", Arg: 1, In: i8, Out: i8},
				{Func: "avg", Arg: 1, In: i8, Out: types.NumericT(0, 1), Distinct: true},
			},
			want: []string{"1|11|2|5|5.5", "2|12|2|3|6.0"},
		},
		{
			name: "float keys: -0 = 0, NaN = NaN; max NaN",
			in: opsInput{schema: opsSchema(types.TFloat64, types.TFloat32), rows: [][]any{
				{0.0, 1.0}, {math.Copysign(0, -1), 2.0}, {math.NaN(), math.NaN()}, {math.NaN(), 3.0}, {nil, 1.0},
			}},
			keys: []int{0},
			aggs: []AggSpec{
				{Func: "count_star", Arg: -1, Out: i8},
				{Func: "max", Arg: 1, In: types.TFloat32, Out: types.TFloat32},
				{Func: "min", Arg: 1, In: types.TFloat32, Out: types.TFloat32},
				{Func: "sum", Arg: 1, In: types.TFloat32, Out: types.TFloat32},
				{Func: "avg", Arg: 1, In: types.TFloat32, Out: types.TFloat64},
			},
			want: []string{"0|2|2|1|3|1.5", "NULL|1|1|1|1|1", "NaN|2|NaN|3|NaN|NaN"},
		},
		{
			name: "date and timestamptz keys, text min/max",
			in: opsInput{schema: opsSchema(types.TDate, types.TTimestampTZ, types.TText), rows: [][]any{
				{1, 1000, "pear"}, {1, 1000, "apple"}, {2, nil, "fig"}, {1, 1000, nil}, {2, nil, "zz"},
			}},
			keys: []int{0, 1},
			aggs: []AggSpec{
				{Func: "min", Arg: 2, In: types.TText, Out: types.TText},
				{Func: "max", Arg: 2, In: types.TText, Out: types.TText},
				{Func: "max", Arg: 1, In: types.TTimestampTZ, Out: types.TTimestampTZ},
			},
			want: []string{"1970-01-02|1970-01-01T00:00:00.001Z|apple|pear|1970-01-01T00:00:00.001Z", "1970-01-03|NULL|fig|zz|NULL"},
		},
		{
			name: "single date key (int path)",
			in:   opsInput{schema: opsSchema(types.TDate, i4), rows: [][]any{{3, 1}, {nil, 2}, {3, 3}}},
			keys: []int{0},
			aggs: []AggSpec{{Func: "sum", Arg: 1, In: i4, Out: i8}},
			want: []string{"1970-01-04|4", "NULL|2"},
		},
	}
	// many groups: exercises growth and radix partitioning
	many := aggCase{name: "many groups", in: opsInput{schema: opsSchema(i4, i8)}, keys: []int{0},
		aggs: []AggSpec{{Func: "count_star", Arg: -1, Out: i8}, {Func: "sum", Arg: 1, In: i8, Out: num}}}
	for i := 0; i < 3000; i++ {
		many.in.rows = append(many.in.rows, []any{i % 1000, i})
	}
	for k := 0; k < 1000; k++ {
		many.want = append(many.want, fmt.Sprintf("%d|3|%d", k, 3*k+3000))
	}
	many.want = sorted(many.want)
	cases = append(cases, many)

	for _, tcase := range cases {
		t.Run(tcase.name, func(t *testing.T) {
			for _, c := range opsConfigs {
				t.Run(c.String(), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					src, done := tcase.in.source(mem, c.parts, c.bs, c.sel)
					defer done()
					plan := NewHashAggregate(src, tcase.keys, tcase.aggs, opsSchema(aggOutSchema(tcase.in, tcase.keys, tcase.aggs)...))
					tc := opsTC(mem, c.bs)
					tc.MemoryLimit, tc.SpillDir = aggTestMemoryLimit, aggTestSpillDir
					got, err := opsRun(t, tc, plan)
					if tcase.wantErr != "" {
						if sqlerr.Code(err) != tcase.wantErr {
							t.Fatalf("want error %s, got %v", tcase.wantErr, err)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					if got = sorted(got); !reflect.DeepEqual(got, sorted(tcase.want)) && !(len(got) == 0 && len(tcase.want) == 0) {
						t.Fatalf("got\n%v\nwant\n%v", got, sorted(tcase.want))
					}
				})
			}
		})
	}
}

func TestHashAggregateString(t *testing.T) {
	src := &opsSource{schema: opsSchema(types.TInt64, types.TInt64), batches: make([][]batch.Batch, 2)}
	p := NewHashAggregate(src, []int{0}, []AggSpec{{Func: "sum", Arg: 1}, {Func: "count_star", Arg: -1}, {Func: "count", Arg: 1, Distinct: true}}, nil)
	if got, want := p.String(), "HashAggregate keys=[#0] aggs=[sum(#1), count(*), count(DISTINCT #1)]"; got != want {
		t.Fatalf("got %q", got)
	}
	if p.Partitions() != 2 {
		t.Fatalf("partitions %d", p.Partitions())
	}
	if NewHashAggregate(src, nil, nil, nil).Partitions() != 1 {
		t.Fatal("no-group aggregate must have one partition")
	}
}
