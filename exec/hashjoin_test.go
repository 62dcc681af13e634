package exec

import (
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
)

// joinTestEval compares two int64 columns (the residual evaluator of the
// tests, independent of exec/expr).
type joinTestEval struct {
	op   string
	l, r int
}

func (f joinTestEval) Eval(ctx *expr.Context, b batch.Batch) (arrow.Array, error) {
	l := b.Column(f.l).(*array.Int64)
	r := b.Column(f.r).(*array.Int64)
	bb := array.NewBooleanBuilder(ctx.Alloc)
	defer bb.Release()
	live := make([]bool, b.NumRows())
	for i := 0; i < b.Len(); i++ {
		live[b.Row(i)] = true
	}
	for i := 0; i < b.NumRows(); i++ {
		if !live[i] || l.IsNull(i) || r.IsNull(i) {
			bb.AppendNull()
			continue
		}
		x, y := l.Value(i), r.Value(i)
		switch f.op {
		case "<":
			bb.Append(x < y)
		case "=":
			bb.Append(x == y)
		default:
			return nil, fmt.Errorf("op %s", f.op)
		}
	}
	return bb.NewArray(), nil
}

func joinTestCompile(e planner.Expr) (expr.Evaluator, error) {
	f := e.(*planner.Func)
	return joinTestEval{op: f.Name, l: f.Args[0].(*planner.ColumnRef).Index, r: f.Args[1].(*planner.ColumnRef).Index}, nil
}

func cmpExpr(op string, l, r int) planner.Expr {
	return &planner.Func{Name: op, T: types.TBool, Args: []planner.Expr{
		&planner.ColumnRef{Index: l, T: types.TInt64}, &planner.ColumnRef{Index: r, T: types.TInt64}}}
}

type joinCase struct {
	name                 string
	probe, build         opsInput
	jt                   JoinType
	probeKeys, buildKeys []int
	residual             planner.Expr
	nested               bool
	want                 []string
}

func joinOutSchema(c joinCase) *arrow.Schema {
	fs := append([]arrow.Field(nil), c.probe.schema.Fields()...)
	if c.jt != JoinSemi && c.jt != JoinAnti {
		fs = append(fs, c.build.schema.Fields()...)
	}
	return arrow.NewSchema(fs, nil)
}

// joinTestMemoryLimit, when set, runs the join cases under that memory
// limit (TestHashJoinSpills).
var joinTestMemoryLimit int64
var joinTestSpillDir string

// TestHashJoinSpills re-runs every join case with a 1-byte memory limit:
// each hash join's build side spills after its first batch and the join
// runs as a grace hash join over file pairs. Results must be the same
// (outer joins' NULL-key rows included), memory must not leak and no
// spill file may be left.
func TestHashJoinSpills(t *testing.T) {
	dir := t.TempDir()
	joinTestMemoryLimit, joinTestSpillDir = 1, dir
	defer func() { joinTestMemoryLimit, joinTestSpillDir = 0, "" }()
	before := SpilledJoinRows.Load()
	TestHashJoin(t)
	if SpilledJoinRows.Load() == before {
		t.Fatal("no join spilled under a 1-byte limit")
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("%d spill files left behind", len(left))
	}
}

func TestHashJoin(t *testing.T) {
	defer func(f func(planner.Expr) (expr.Evaluator, error)) { compileJoinExpr = f }(compileJoinExpr)
	compileJoinExpr = joinTestCompile

	i8 := types.TInt64
	probe := opsInput{schema: opsSchema(i8, types.TText, i8), rows: [][]any{
		{1, "p1", 5}, {2, "p2", 20}, {2, "p2b", 25}, {nil, "pn", 0}, {4, "p4", 0},
	}}
	build := opsInput{schema: opsSchema(i8, i8), rows: [][]any{
		{1, 10}, {2, 20}, {2, 21}, {nil, 30}, {5, 50},
	}}
	empty := opsInput{schema: build.schema}
	inner := []string{"1|p1|5|1|10", "2|p2|20|2|20", "2|p2|20|2|21", "2|p2b|25|2|20", "2|p2b|25|2|21"}
	leftX := []string{"NULL|pn|0|NULL|NULL", "4|p4|0|NULL|NULL"}
	rightX := []string{"NULL|NULL|NULL|NULL|30", "NULL|NULL|NULL|5|50"}
	cat := func(ss ...[]string) []string {
		var o []string
		for _, s := range ss {
			o = append(o, s...)
		}
		return o
	}
	resInner := []string{"1|p1|5|1|10", "2|p2|20|2|21"}
	resLeftX := []string{"2|p2b|25|NULL|NULL", "NULL|pn|0|NULL|NULL", "4|p4|0|NULL|NULL"}
	resRightX := []string{"NULL|NULL|NULL|2|20", "NULL|NULL|NULL|NULL|30", "NULL|NULL|NULL|5|50"}
	lt := cmpExpr("<", 2, 4) // probe.c < build.b
	k := []int{0}

	// a key with many matches, to split pairs across batches
	dupP := opsInput{schema: opsSchema(types.TText, types.TInt32), rows: [][]any{{"x", 7}, {"x", 7}, {"y", 7}, {"x", nil}}}
	dupB := opsInput{schema: opsSchema(types.TInt32, types.TText), rows: nil}
	var dupWant []string
	for i := 0; i < 10; i++ {
		dupB.rows = append(dupB.rows, []any{7, "x"}, []any{7, "z"}, []any{nil, "x"})
		dupWant = append(dupWant, "x|7|7|x", "x|7|7|x")
	}

	cases := []joinCase{
		{name: "inner", probe: probe, build: build, jt: JoinInner, probeKeys: k, buildKeys: k, want: inner},
		{name: "left", probe: probe, build: build, jt: JoinLeft, probeKeys: k, buildKeys: k, want: cat(inner, leftX)},
		{name: "right", probe: probe, build: build, jt: JoinRight, probeKeys: k, buildKeys: k, want: cat(inner, rightX)},
		{name: "full", probe: probe, build: build, jt: JoinFull, probeKeys: k, buildKeys: k, want: cat(inner, leftX, rightX)},
		{name: "semi", probe: probe, build: build, jt: JoinSemi, probeKeys: k, buildKeys: k, want: []string{"1|p1|5", "2|p2|20", "2|p2b|25"}},
		{name: "anti", probe: probe, build: build, jt: JoinAnti, probeKeys: k, buildKeys: k, want: []string{"NULL|pn|0", "4|p4|0"}},
		{name: "inner residual", probe: probe, build: build, jt: JoinInner, probeKeys: k, buildKeys: k, residual: lt, want: resInner},
		{name: "left residual", probe: probe, build: build, jt: JoinLeft, probeKeys: k, buildKeys: k, residual: lt, want: cat(resInner, resLeftX)},
		{name: "right residual", probe: probe, build: build, jt: JoinRight, probeKeys: k, buildKeys: k, residual: lt, want: cat(resInner, resRightX)},
		{name: "full residual", probe: probe, build: build, jt: JoinFull, probeKeys: k, buildKeys: k, residual: lt, want: cat(resInner, resLeftX, resRightX)},
		{name: "semi residual", probe: probe, build: build, jt: JoinSemi, probeKeys: k, buildKeys: k, residual: lt, want: []string{"1|p1|5", "2|p2|20"}},
		{name: "anti residual", probe: probe, build: build, jt: JoinAnti, probeKeys: k, buildKeys: k, residual: lt, want: []string{"2|p2b|25", "NULL|pn|0", "4|p4|0"}},
		{name: "inner empty build", probe: probe, build: empty, jt: JoinInner, probeKeys: k, buildKeys: k},
		{name: "left empty build", probe: probe, build: empty, jt: JoinLeft, probeKeys: k, buildKeys: k,
			want: []string{"1|p1|5|NULL|NULL", "2|p2|20|NULL|NULL", "2|p2b|25|NULL|NULL", "NULL|pn|0|NULL|NULL", "4|p4|0|NULL|NULL"}},
		{name: "anti empty build", probe: probe, build: empty, jt: JoinAnti, probeKeys: k, buildKeys: k,
			want: []string{"1|p1|5", "2|p2|20", "2|p2b|25", "NULL|pn|0", "4|p4|0"}},
		{name: "right empty probe", probe: opsInput{schema: probe.schema}, build: build, jt: JoinRight, probeKeys: k, buildKeys: k,
			want: []string{"NULL|NULL|NULL|1|10", "NULL|NULL|NULL|2|20", "NULL|NULL|NULL|2|21", "NULL|NULL|NULL|NULL|30", "NULL|NULL|NULL|5|50"}},
		{name: "composite keys, many matches", probe: dupP, build: dupB, jt: JoinInner, probeKeys: []int{0, 1}, buildKeys: []int{1, 0}, want: dupWant},
		{name: "nested cross", nested: true, jt: JoinInner,
			probe: opsInput{schema: opsSchema(i8), rows: [][]any{{1}, {2}}},
			build: opsInput{schema: opsSchema(i8), rows: [][]any{{10}, {20}, {nil}}},
			want:  []string{"1|10", "1|20", "1|NULL", "2|10", "2|20", "2|NULL"}},
		{name: "nested left", nested: true, jt: JoinLeft, residual: cmpExpr("<", 0, 1),
			probe: opsInput{schema: opsSchema(i8), rows: [][]any{{1}, {15}, {30}, {nil}}},
			build: opsInput{schema: opsSchema(i8), rows: [][]any{{10}, {20}, {nil}}},
			want:  []string{"1|10", "1|20", "15|20", "30|NULL", "NULL|NULL"}},
		{name: "nested anti", nested: true, jt: JoinAnti, residual: cmpExpr("<", 0, 1),
			probe: opsInput{schema: opsSchema(i8), rows: [][]any{{1}, {15}, {30}, {nil}}},
			build: opsInput{schema: opsSchema(i8), rows: [][]any{{10}, {20}, {nil}}},
			want:  []string{"30", "NULL"}},
		{name: "nested full", nested: true, jt: JoinFull, residual: cmpExpr("=", 0, 1),
			probe: opsInput{schema: opsSchema(i8), rows: [][]any{{1}, {2}}},
			build: opsInput{schema: opsSchema(i8), rows: [][]any{{2}, {3}}},
			want:  []string{"1|NULL", "2|2", "NULL|3"}},
	}
	for _, tcase := range cases {
		t.Run(tcase.name, func(t *testing.T) {
			for _, c := range opsConfigs {
				t.Run(c.String(), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					ps, done1 := tcase.probe.source(mem, c.parts, c.bs, c.sel)
					defer done1()
					bs, done2 := tcase.build.source(mem, 3-c.parts%3, c.bs, c.sel)
					defer done2()
					var plan PhysicalPlan
					if tcase.nested {
						plan = NewNestedLoopJoin(ps, bs, tcase.jt, tcase.residual, joinOutSchema(tcase))
					} else {
						plan = NewHashJoin(ps, bs, tcase.jt, tcase.probeKeys, tcase.buildKeys, tcase.residual, joinOutSchema(tcase))
					}
					tc := opsTC(mem, c.bs)
					tc.MemoryLimit, tc.SpillDir = joinTestMemoryLimit, joinTestSpillDir
					got, err := opsRun(t, tc, plan)
					if err != nil {
						t.Fatal(err)
					}
					if got, want := sorted(got), sorted(tcase.want); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
						t.Fatalf("got\n%v\nwant\n%v", got, want)
					}
				})
			}
		})
	}
}

func TestHashJoinString(t *testing.T) {
	s := &opsSource{schema: opsSchema(types.TInt64, types.TInt64), batches: make([][]batch.Batch, 1)}
	if got := NewHashJoin(s, s, JoinInner, []int{0}, []int{1}, nil, nil).String(); got != "HashJoin inner probe=[#0] build=[#1]" {
		t.Fatal(got)
	}
	if got := NewNestedLoopJoin(s, s, JoinLeft, cmpExpr("<", 0, 3), nil).String(); got != "NestedLoopJoin left cond=(#0 < #3)" {
		t.Fatal(got)
	}
}
