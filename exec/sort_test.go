package exec

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
)

type sortCase struct {
	name string
	in   opsInput // column 0 is the row id
	keys []SortKey
	want []int // ids in output order (stable)
}

// withIDs prefixes each row with its position.
func withIDs(ts []types.T, rows [][]any) opsInput {
	in := opsInput{schema: opsSchema(append([]types.T{types.TInt64}, ts...)...)}
	for i, r := range rows {
		in.rows = append(in.rows, append([]any{i}, r...))
	}
	return in
}

func sortCases() []sortCase {
	ints := withIDs([]types.T{types.TInt64}, [][]any{{3}, {nil}, {1}, {2}, {1}, {nil}})
	flts := withIDs([]types.T{types.TFloat64}, [][]any{{math.NaN()}, {2.5}, {nil}, {math.Inf(-1)}, {-1.0}, {math.NaN()}, {0.0}})
	strs := withIDs([]types.T{types.TText}, [][]any{{"b"}, {"B"}, {"a"}, {""}, {"ä"}, {nil}, {"ab"}})
	multi := withIDs([]types.T{types.TText, types.TInt32, types.TBool}, [][]any{
		{"x", 1, true}, {"y", 5, false}, {"x", 3, nil}, {"y", nil, true}, {"x", 3, false}, {"x", 1, false},
	})
	misc := withIDs([]types.T{types.NumericT(10, 2), types.TDate, types.TTimestamp, types.TInt16}, [][]any{
		{"1.50", 10, 5, 3}, {"-2.25", 9, 7, nil}, {nil, 11, 5, 1}, {"1.49", 10, nil, 2},
	})
	return []sortCase{
		{"int asc nulls last", ints, []SortKey{{Col: 1}}, []int{2, 4, 3, 0, 1, 5}},
		{"int desc nulls first", ints, []SortKey{{Col: 1, Desc: true, NullsFirst: true}}, []int{1, 5, 0, 3, 2, 4}},
		{"int asc nulls first", ints, []SortKey{{Col: 1, NullsFirst: true}}, []int{1, 5, 2, 4, 3, 0}},
		{"int desc nulls last", ints, []SortKey{{Col: 1, Desc: true}}, []int{0, 3, 2, 4, 1, 5}},
		{"float NaN above numbers", flts, []SortKey{{Col: 1}}, []int{3, 4, 6, 1, 0, 5, 2}},
		{"float desc", flts, []SortKey{{Col: 1, Desc: true}}, []int{0, 5, 1, 6, 4, 3, 2}},
		{"text bytewise", strs, []SortKey{{Col: 1}}, []int{3, 1, 2, 6, 0, 4, 5}},
		{"multi key", multi, []SortKey{{Col: 1}, {Col: 2, Desc: true}, {Col: 3}}, []int{4, 2, 5, 0, 1, 3}},
		{"bool", multi, []SortKey{{Col: 3, NullsFirst: true}}, []int{2, 1, 4, 5, 0, 3}},
		{"numeric", misc, []SortKey{{Col: 1}}, []int{1, 3, 0, 2}},
		{"date desc", misc, []SortKey{{Col: 2, Desc: true}}, []int{2, 0, 3, 1}},
		{"timestamp then int2", misc, []SortKey{{Col: 3}, {Col: 4, Desc: true}}, []int{0, 2, 1, 3}},
	}
}

// idsOf extracts the id column of rendered rows; keysOf drops it.
func idsOf(rows []string) []int {
	ids := make([]int, len(rows))
	for i, r := range rows {
		fmt.Sscan(strings.SplitN(r, "|", 2)[0], &ids[i])
	}
	return ids
}

func keysOf(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.SplitN(r, "|", 2)[1]
	}
	return out
}

// orderOf is what must come out in the same order from any number of
// input partitions: every column but the id for the in-memory sort (its
// merge breaks ties by input position), only the sort key columns when
// the sort spills (runs from different partitions are cut and merged in
// an order that depends on timing).
func orderOf(rows []string, plan PhysicalPlan) []string {
	sp, ok := plan.(*sortPlan)
	if !ok || sortTestMemoryLimit == 0 {
		return keysOf(rows)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		cells := strings.Split(r, "|")
		var ks []string
		for _, k := range sp.keys {
			ks = append(ks, cells[k.Col])
		}
		out[i] = strings.Join(ks, "|")
	}
	return out
}

// runSortCase checks the exact stable order with one input partition and,
// with several, the same key order and (for a full sort; TopN may cut
// between equal keys) the same rows.
// sortTestMemoryLimit, when set, runs the sort cases with that memory
// limit (TestSortSpills: every batch spills, so every case goes through
// the external merge).
var sortTestMemoryLimit int64
var sortTestSpillDir string

func runSortCase(t *testing.T, in opsInput, mk func(PhysicalPlan) PhysicalPlan, want []int, full bool) {
	var ref []string
	haveRef := false
	for _, c := range opsConfigs {
		t.Run(c.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src, done := in.source(mem, c.parts, c.bs, c.sel)
			defer done()
			tc := opsTC(mem, c.bs)
			tc.MemoryLimit, tc.SpillDir = sortTestMemoryLimit, sortTestSpillDir
			plan := mk(src)
			got, err := opsRun(t, tc, plan)
			if sp, ok := plan.(*sortPlan); ok && sortTestMemoryLimit > 0 && sp.limit < 0 && len(in.rows) > 0 && sp.Spills.Load() == 0 {
				t.Fatal("the sort did not spill under a 1-byte memory limit")
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.parts == 1 {
				// one input partition: the input order is defined, so the
				// output must be exactly the stable order
				if ids := idsOf(got); !reflect.DeepEqual(ids, want) && len(ids)+len(want) > 0 {
					t.Fatalf("got ids %v want %v\n%v", ids, want, got)
				}
				if !haveRef {
					ref, haveRef = got, true
				}
				return
			}
			if !haveRef {
				t.Fatal("no reference run")
			}
			if !reflect.DeepEqual(orderOf(got, plan), orderOf(ref, plan)) {
				t.Fatalf("key order\n%v\nwant\n%v", got, ref)
			}
			if full && !reflect.DeepEqual(sorted(got), sorted(ref)) && (len(got) != 0 || len(ref) != 0) {
				t.Fatalf("rows\n%v\nwant\n%v", got, ref)
			}
		})
	}
}

func TestSort(t *testing.T) {
	for _, sc := range sortCases() {
		t.Run(sc.name, func(t *testing.T) {
			runSortCase(t, sc.in, func(src PhysicalPlan) PhysicalPlan { return NewSort(src, sc.keys, sc.in.schema) }, sc.want, true)
		})
	}
}

func TestTopN(t *testing.T) {
	for _, sc := range sortCases() {
		for _, n := range []int64{0, 1, 3, 100} {
			t.Run(fmt.Sprintf("%s/n=%d", sc.name, n), func(t *testing.T) {
				want := sc.want[:min(int64(len(sc.want)), n)]
				runSortCase(t, sc.in, func(src PhysicalPlan) PhysicalPlan { return NewTopN(src, sc.keys, n, sc.in.schema) }, want, false)
			})
		}
	}
}

// TestSortRandom checks larger inputs (with TopN pruning kicking in)
// against a reference sort.
func TestSortRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var rows [][]any
	for i := 0; i < 5000; i++ {
		var v any = int64(rng.Intn(300))
		if rng.Intn(20) == 0 {
			v = nil
		}
		rows = append(rows, []any{v})
	}
	in := withIDs([]types.T{types.TInt64}, rows)
	want := make([]int, len(rows))
	for i := range want {
		want[i] = i
	}
	slices.SortStableFunc(want, func(a, b int) int {
		x, y := rows[a][0], rows[b][0]
		switch {
		case x == nil && y == nil:
			return 0
		case x == nil:
			return -1 // DESC NULLS FIRST
		case y == nil:
			return 1
		}
		return int(y.(int64) - x.(int64))
	})
	keys := []SortKey{{Col: 1, Desc: true, NullsFirst: true}}
	t.Run("sort", func(t *testing.T) {
		runSortCase(t, in, func(src PhysicalPlan) PhysicalPlan { return NewSort(src, keys, in.schema) }, want, true)
	})
	t.Run("topn", func(t *testing.T) {
		runSortCase(t, in, func(src PhysicalPlan) PhysicalPlan { return NewTopN(src, keys, 700, in.schema) }, want[:700], false)
	})
}

func TestSortString(t *testing.T) {
	s := &opsSource{schema: opsSchema(types.TInt64, types.TInt64), batches: make([][]batch.Batch, 2)}
	if got := NewSort(s, []SortKey{{Col: 1, Desc: true, NullsFirst: true}}, nil).String(); got != "Sort [#1 DESC NULLS FIRST]" {
		t.Fatal(got)
	}
	if got := NewTopN(s, []SortKey{{Col: 0}}, 10, nil).String(); got != "TopN 10 [#0]" {
		t.Fatal(got)
	}
	if NewSort(s, nil, nil).Partitions() != 1 {
		t.Fatal("sort has one partition")
	}
}

// TestSortSpills runs every sort case as an external sort: with a 1-byte
// memory limit each input batch becomes a sorted run on disk and the
// output is the merge of the runs. Results (and, with one input
// partition, the stable order) must match the in-memory sort's, no Arrow
// memory may leak, and no spill file may be left behind.
func TestSortSpills(t *testing.T) {
	dir := t.TempDir()
	sortTestMemoryLimit, sortTestSpillDir = 1, dir
	defer func() { sortTestMemoryLimit, sortTestSpillDir = 0, "" }()
	for _, sc := range sortCases() {
		t.Run(sc.name, func(t *testing.T) {
			runSortCase(t, sc.in, func(src PhysicalPlan) PhysicalPlan { return NewSort(src, sc.keys, sc.in.schema) }, sc.want, true)
		})
	}
	t.Run("random", TestSortRandom)
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("%d spill files left behind", len(left))
	}
}
