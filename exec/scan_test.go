package exec

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

// goldenTable opens a table of the shared Delta conformance corpus
// (<module root>/../shared/conformance/delta/golden), skipping when absent.
func goldenTable(t *testing.T, name string) (*delta.Table, *delta.Snapshot) {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "conformance", "delta", "golden", name, "delta")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("golden table %s not available", name)
	}
	tbl, err := delta.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := tbl.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl, snap
}

// scanOf is a logical scan of every column of a snapshot.
func scanOf(t *testing.T, tbl *delta.Table, snap *delta.Snapshot, filters ...planner.Expr) *planner.Scan {
	s := &planner.Scan{Name: catalog.Name{Catalog: "main", Schema: "public", Table: "t"}, Table: tbl, Snapshot: snap, Schema: snap.Schema(), Filters: filters}
	for i, f := range snap.Schema().Fields() {
		ty, err := types.FromField(f)
		if err != nil {
			t.Fatal(err)
		}
		s.Cols = append(s.Cols, i)
		s.Out = append(s.Out, planner.OutCol{Name: f.Name, T: ty})
	}
	return s
}

// scanRows runs a scan with tiny batches and returns its live rows as text.
func scanRows(t *testing.T, p PhysicalPlan) []string {
	t.Helper()
	tc := NewTaskContext(context.Background(), expr.NewContext(), 2, 3)
	var mu sync.Mutex
	var rows []string
	err := DrainPartitions(tc, p, func(_ int, b batch.Batch) error {
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i < b.Len(); i++ {
			r := b.Row(i)
			var cells []string
			for c := 0; c < int(b.Rec.NumCols()); c++ {
				a := b.Column(c)
				if a.IsNull(r) {
					cells = append(cells, "NULL")
				} else {
					cells = append(cells, a.ValueStr(r))
				}
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rows)
	return rows
}

func col(s *planner.Scan, name string) *planner.ColumnRef {
	for i, o := range s.Out {
		if o.Name == name {
			return &planner.ColumnRef{Index: i, Name: name, T: o.T}
		}
	}
	panic(name)
}

func lit(v any, ty types.T) *planner.Literal { return &planner.Literal{Value: v, T: ty} }

func fn(name string, args ...planner.Expr) *planner.Func {
	return &planner.Func{Name: name, Args: args, T: types.TBool}
}

// TestScanDeletionVectorsAndPartitions reads a partitioned table with
// deletion vectors: deleted rows are dropped, partition values filled in.
func TestScanDeletionVectorsAndPartitions(t *testing.T) {
	tbl, snap := goldenTable(t, "dv-partitioned-with-checkpoint")
	bd := &Builder{Workers: 2}
	p, err := bd.buildScan(scanOf(t, tbl, snap))
	if err != nil {
		t.Fatal(err)
	}
	rows := scanRows(t, p)
	want := int64(0)
	for _, f := range snap.Files() {
		want += f.NumRecords
		if f.DeletionVector != nil {
			want -= f.DeletionVector.Cardinality
		}
	}
	if int64(len(rows)) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	for _, r := range rows {
		if strings.HasPrefix(r, "NULL|") {
			t.Fatalf("partition value missing in %q", r)
		}
	}
}

// TestScanPruning skips files by partition values and by min/max stats,
// and shows it in EXPLAIN.
func TestScanPruning(t *testing.T) {
	tbl, snap := goldenTable(t, "dv-partitioned-with-checkpoint")
	total := len(snap.Files())
	full := scanOf(t, tbl, snap)
	allRows := scanRows(t, mustScan(t, full))
	cases := []struct {
		name    string
		filter  func(s *planner.Scan) planner.Expr
		skipAll bool
		keep    func(row string) bool
	}{
		{"partition eq", func(s *planner.Scan) planner.Expr { return fn("=", col(s, "part"), lit(int64(0), types.TInt32)) }, false,
			func(r string) bool { return strings.HasPrefix(r, "0|") }},
		{"partition eq reversed", func(s *planner.Scan) planner.Expr { return fn("=", lit(int64(0), types.TInt32), col(s, "part")) }, false,
			func(r string) bool { return strings.HasPrefix(r, "0|") }},
		{"partition in", func(s *planner.Scan) planner.Expr {
			return &planner.InList{Arg: col(s, "part"), List: []planner.Expr{lit(int64(1), types.TInt32), lit(nil, types.TInt32)}}
		}, false, func(r string) bool { return strings.HasPrefix(r, "1|") }},
		{"min/max above", func(s *planner.Scan) planner.Expr { return fn(">", col(s, "col1"), lit(int64(1000), types.TInt32)) }, true, nil},
		{"min/max below", func(s *planner.Scan) planner.Expr { return fn("<", col(s, "col1"), lit(int64(0), types.TInt32)) }, true, nil},
		{"is null", func(s *planner.Scan) planner.Expr { return fn("is null", col(s, "col1")) }, true, nil},
		{"null literal", func(s *planner.Scan) planner.Expr { return fn("=", col(s, "col1"), lit(nil, types.TInt32)) }, true, nil},
		{"conjunction", func(s *planner.Scan) planner.Expr {
			return fn("and", fn("=", col(s, "part"), lit(int64(2), types.TInt32)), fn(">=", col(s, "col1"), lit(int64(0), types.TInt32)))
		}, false, func(r string) bool { return strings.HasPrefix(r, "2|") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := scanOf(t, tbl, snap)
			s.Filters = []planner.Expr{c.filter(s)}
			p := mustScan(t, s)
			var sp *ScanPlan
			switch x := p.(type) {
			case *ScanPlan:
				sp = x
			default:
				sp = x.Children()[0].(*ScanPlan)
			}
			if sp.Skipped == 0 || !strings.Contains(sp.String(), "skipped=") {
				t.Fatalf("nothing skipped: %s", sp)
			}
			if c.skipAll && len(sp.Files) != 0 {
				t.Fatalf("%s: want every file skipped", sp)
			}
			if len(sp.Files)+sp.Skipped != total {
				t.Fatalf("%s: files do not add up to %d", sp, total)
			}
			if c.keep == nil {
				return
			}
			// The files kept hold every row that passes.
			got := scanRows(t, p)
			var want []string
			for _, r := range allRows {
				if c.keep(r) {
					want = append(want, r)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: got %d rows, want %d", sp, len(got), len(want))
			}
		})
	}
}

func mustScan(t *testing.T, s *planner.Scan) PhysicalPlan {
	t.Helper()
	p, err := (&Builder{Workers: 2}).buildScan(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCondMayMatch covers the NULL, NaN and truncation rules of pruning.
func TestCondMayMatch(t *testing.T) {
	ts := func(v int64) any { return v }
	cases := []struct {
		name string
		c    pruneCond
		s    pruneStats
		want bool
	}{
		{"eq inside", pruneCond{op: "=", lits: []any{int64(5)}, t: types.TInt32}, pruneStats{min: int32(1), max: int32(9)}, true},
		{"eq above", pruneCond{op: "=", lits: []any{int64(10)}, t: types.TInt32}, pruneStats{min: int32(1), max: int32(9)}, false},
		{"lt at min", pruneCond{op: "<", lits: []any{int64(1)}, t: types.TInt32}, pruneStats{min: int32(1), max: int32(9)}, false},
		{"le at min", pruneCond{op: "<=", lits: []any{int64(1)}, t: types.TInt32}, pruneStats{min: int32(1), max: int32(9)}, true},
		{"unknown stats", pruneCond{op: "=", lits: []any{int64(10)}, t: types.TInt32}, pruneStats{nullCount: -1}, true},
		{"all null", pruneCond{op: "=", lits: []any{int64(1)}, t: types.TInt32}, pruneStats{allNull: true}, false},
		{"is null, none", pruneCond{op: "isnull"}, pruneStats{nullCount: 0}, false},
		{"is null, unknown", pruneCond{op: "isnull"}, pruneStats{nullCount: -1}, true},
		{"not null, all null", pruneCond{op: "notnull"}, pruneStats{allNull: true}, false},
		{"float gt ignores max (NaN)", pruneCond{op: ">", lits: []any{100.0}, t: types.TFloat64}, pruneStats{min: 1.0, max: 9.0}, true},
		{"float lt uses min", pruneCond{op: "<", lits: []any{0.5}, t: types.TFloat64}, pruneStats{min: 1.0, max: 9.0}, false},
		{"timestamp max +1ms", pruneCond{op: ">", lits: []any{ts(1_000_500)}, t: types.TTimestamp}, pruneStats{min: arrowTS(0), max: arrowTS(1_000_000), maxSlack: 1000}, true},
		{"timestamp beyond slack", pruneCond{op: ">", lits: []any{ts(1_001_000)}, t: types.TTimestamp}, pruneStats{min: arrowTS(0), max: arrowTS(1_000_000), maxSlack: 1000}, false},
		{"truncated string max", pruneCond{op: ">", lits: []any{"zz"}, t: types.TText}, pruneStats{min: "a", max: "b", maxLoose: true}, true},
		{"string max", pruneCond{op: ">", lits: []any{"zz"}, t: types.TText}, pruneStats{min: "a", max: "b"}, false},
		{"in none", pruneCond{op: "in", lits: []any{int64(20), nil}, t: types.TInt64}, pruneStats{min: int64(1), max: int64(9)}, false},
		{"in one", pruneCond{op: "in", lits: []any{int64(20), int64(3)}, t: types.TInt64}, pruneStats{min: int64(1), max: int64(9)}, true},
	}
	for _, c := range cases {
		if got := condMayMatch(c.c, c.s); got != c.want {
			t.Errorf("%s: mayMatch = %v, want %v", c.name, got, c.want)
		}
	}
}

func arrowTS(us int64) any { return arrow.Timestamp(us) }
