package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

// runOptimize compacts a table's data files partition by partition: the
// live rows of a partition's files are rewritten into as few files as the
// writer's target size allows and the old files removed, all in one commit
// (readers of older versions keep their files until VACUUM). WHERE limits
// it to the partitions a predicate over partition columns selects; ZORDER
// BY (cols) also rewrites single-file partitions, ordering the rows along
// a Z-order curve of those columns so min/max statistics skip files for
// filters on any of them.
func (s *Session) runOptimize(ctx context.Context, st planner.Statement, o *planner.OptimizeStmt) (*Result, error) {
	b := s.binder(st)
	rv := nameToRangeVar(o.Name)
	ds := &pg.DeleteStmt{Relation: rv}
	if o.Where != "" {
		tree, err := pg.Parse("SELECT 1 WHERE " + o.Where)
		if err != nil || len(tree.Stmts) != 1 {
			return nil, sqlerr.New(sqlerr.SyntaxError, "OPTIMIZE: bad WHERE predicate %q", o.Where)
		}
		ds.WhereClause = tree.Stmts[0].Stmt.GetSelectStmt().WhereClause
	}
	d, err := b.BindDelete(ds)
	if err != nil {
		return nil, err
	}
	rc, err := d.Change()
	if err != nil {
		return nil, err
	}
	snap := rc.Snapshot
	for _, c := range d.PredicateColumns() {
		if !slices.Contains(snap.PartitionColumns(), c) {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported,
				"OPTIMIZE … WHERE may use only partition columns (%v); %q is not one", snap.PartitionColumns(), c)
		}
	}
	zcols, err := zorderColumns(snap, o.ZOrder)
	if err != nil {
		return nil, err
	}
	files := snap.Files()
	if o.Where != "" {
		if files, err = s.filesMatching(ctx, rc); err != nil {
			return nil, err
		}
	}
	app := rc.Table.NewAppend(snap)
	app.Rearrange = true // compaction and Z-ordering change no data
	removed, err := s.compactPartitions(ctx, rc, app, files, zcols)
	if err != nil {
		app.Abort()
		return nil, err
	}
	if removed == 0 {
		app.Abort()
		return textResult("metrics", []string{`{"numFilesAdded":0,"numFilesRemoved":0}`}, "OPTIMIZE"), nil
	}
	zj, _ := json.Marshal(o.ZOrder)
	if zj == nil || string(zj) == "null" {
		zj = []byte("[]")
	}
	pred := "[]"
	if o.Where != "" {
		pred = "[" + o.Where + "]"
	}
	if _, err := app.Commit(ctx, "OPTIMIZE", map[string]any{"predicate": pred, "zOrderBy": string(zj)}); err != nil {
		app.Abort()
		return nil, err
	}
	after, err := rc.Table.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	added := len(after.Files()) - (len(snap.Files()) - removed)
	metrics := fmt.Sprintf(`{"numFilesAdded":%d,"numFilesRemoved":%d}`, added, removed)
	return textResult("metrics", []string{metrics}, "OPTIMIZE"), nil
}

// zorderColumns resolves ZORDER BY columns to table column indexes;
// partition columns are refused (they are constant within a file).
func zorderColumns(snap *delta.Snapshot, names []string) ([]int, error) {
	var out []int
	for _, n := range names {
		i := -1
		for k, f := range snap.Schema().Fields() {
			if f.Name == n {
				i = k
			}
		}
		if i < 0 {
			return nil, sqlerr.New(sqlerr.UndefinedColumn, "ZORDER BY column \"%s\" does not exist", n)
		}
		if snap.IsPartitionColumn(i) {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ZORDER BY column \"%s\" is a partition column", n)
		}
		out = append(out, i)
	}
	return out, nil
}

// filesMatching runs the statement's predicate over the row identity and
// returns the files holding a matching row.
func (s *Session) filesMatching(ctx context.Context, rc *planner.RowChange) ([]delta.DataFile, error) {
	agg := &planner.Aggregate{Input: rc.Plan,
		Groups: []planner.Expr{&planner.ColumnRef{Index: 1, Name: "_lode_file", T: types.TInt64}},
		Out:    []planner.OutCol{{Name: "_lode_file", T: types.TInt64}}}
	q, err := s.planLogical(agg)
	if err != nil {
		return nil, err
	}
	recs, err := s.collect(ctx, q.physical)
	if err != nil {
		return nil, err
	}
	all := rc.Target.ScanFiles()
	var ords []int64
	for _, r := range recs {
		col := r.Column(0).(*array.Int64)
		for i := 0; i < col.Len(); i++ {
			ords = append(ords, col.Value(i))
		}
		r.Release()
	}
	slices.Sort(ords)
	out := make([]delta.DataFile, 0, len(ords))
	for _, o := range ords {
		out = append(out, all[o])
	}
	return out, nil
}

// compactPartitions rewrites the files of each partition that has
// several (or, with Z-ordering, any), returning how many files it removed.
func (s *Session) compactPartitions(ctx context.Context, rc *planner.RowChange, app *delta.Append, files []delta.DataFile, zcols []int) (int, error) {
	groups := map[string][]delta.DataFile{}
	var keys []string
	for _, f := range files {
		k, _ := json.Marshal(f.PartitionValues) // map keys marshal sorted
		if _, ok := groups[string(k)]; !ok {
			keys = append(keys, string(k))
		}
		groups[string(k)] = append(groups[string(k)], f)
	}
	sort.Strings(keys)
	removed := 0
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 && len(zcols) == 0 {
			continue
		}
		scan := *rc.Target
		scan.FileSubset = g
		q, err := s.planLogical(&scan)
		if err != nil {
			return 0, err
		}
		if len(zcols) == 0 {
			// One writer, so the rows land in as few files as possible.
			_, err = s.fillAppend(ctx, app, rc.Snapshot, rc.Snapshot.Schema(), rc.Name.Table, exec.Gather(q.physical))
		} else {
			err = s.writeZOrdered(ctx, app, rc, q.physical, zcols)
		}
		if err != nil {
			return 0, err
		}
		for _, f := range g {
			app.Remove(f)
		}
		removed += len(g)
	}
	return removed, nil
}

// writeZOrdered reads a partition's rows, orders them along the Z-order
// curve of zcols and writes them.
func (s *Session) writeZOrdered(ctx context.Context, app *delta.Append, rc *planner.RowChange, pp exec.PhysicalPlan, zcols []int) error {
	recs, err := s.collect(ctx, pp)
	if err != nil {
		return err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if len(recs) == 0 {
		return nil
	}
	rec, err := exec.ConcatRecords(memory.DefaultAllocator, recs[0].Schema(), recs)
	if err != nil {
		return err
	}
	defer rec.Release()
	perm, err := exec.ZOrderPermutation(rec, zcols)
	if err != nil {
		return err
	}
	w, err := s.newRowWriter(app, rc.Snapshot, rc.Snapshot.Schema(), rc.Name.Table)
	if err != nil {
		return err
	}
	tc := s.taskContext(ctx)
	err = w.write(tc.Eval, 0, batch.Batch{Rec: rec, Sel: perm})
	if cerr := w.close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}
