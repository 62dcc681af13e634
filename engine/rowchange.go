package engine

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/exec"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

// changeCounts are the rows a DELETE, UPDATE or MERGE changed.
type changeCounts struct {
	deleted, updated, inserted atomic.Int64
}

func (c *changeCounts) total() int64 { return c.deleted.Load() + c.updated.Load() + c.inserted.Load() }

// touchedRows collects, per data file ordinal, the positions of the target
// rows a statement deletes or replaces. Each plan partition fills its own
// map; they are merged once the plan is drained.
type touchedRows struct {
	mu    sync.Mutex
	parts map[int]map[int64][]int64
}

func (t *touchedRows) part(p int) map[int64][]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.parts[p]
	if m == nil {
		m = map[int64][]int64{}
		t.parts[p] = m
	}
	return m
}

// merged returns every file's touched positions, sorted.
func (t *touchedRows) merged() map[int64][]int64 {
	out := map[int64][]int64{}
	for _, m := range t.parts {
		for f, pos := range m {
			out[f] = append(out[f], pos...)
		}
	}
	for _, pos := range out {
		slices.Sort(pos)
	}
	return out
}

// applyChange runs a RowChange plan and commits its effect in one Delta
// commit: new rows (updated versions and inserts) go to new data files;
// the target rows deleted or replaced are removed with deletion vectors
// when the table enables them, otherwise by rewriting the files that hold
// them without those rows (copy-on-write). Any error leaves the table as
// it was.
func (s *Session) applyChange(ctx context.Context, rc *planner.RowChange, operation string, params map[string]any) (*changeCounts, error) {
	q, err := s.planLogical(rc.Plan)
	if err != nil {
		return nil, err
	}
	app := rc.Table.NewAppend(rc.Snapshot)
	if rc.Schema != nil {
		if err := app.EvolveSchema(rc.Schema); err != nil {
			return nil, err
		}
	}
	counts, err := s.collectChanges(ctx, rc, app, q.physical, operation, params)
	if err != nil {
		app.Abort()
		return nil, err
	}
	return counts, nil
}

func (s *Session) collectChanges(ctx context.Context, rc *planner.RowChange, app *delta.Append, pp exec.PhysicalPlan, operation string, params map[string]any) (*changeCounts, error) {
	schema := changedSchema(rc)
	w, err := s.newRowWriter(app, rc.Snapshot, schema, rc.Name.Table)
	if err != nil {
		return nil, err
	}
	touched := &touchedRows{parts: map[int]map[int64][]int64{}}
	counts := &changeCounts{}
	tc := s.taskContext(ctx)
	err = exec.DrainPartitions(tc, pp, func(p int, b batch.Batch) error {
		return consumeChanges(tc, p, b, schema, w, touched.part(p), counts)
	})
	if cerr := w.close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	positions := touched.merged()
	if rc.Merge {
		if err := checkSingleMatch(positions); err != nil {
			return nil, err
		}
	}
	if counts.total() == 0 {
		return counts, nil
	}
	if err := s.removeTouched(ctx, rc, app, positions); err != nil {
		return nil, err
	}
	app.Metrics = map[string]string{
		"numDeletedRows":        strconv.FormatInt(counts.deleted.Load(), 10),
		"numUpdatedRows":        strconv.FormatInt(counts.updated.Load(), 10),
		"numInsertedRows":       strconv.FormatInt(counts.inserted.Load(), 10),
		"numTouchedFiles":       strconv.Itoa(len(positions)),
		"numChangedRowsWritten": strconv.FormatInt(w.rows.Load(), 10),
	}
	if _, err := app.Commit(ctx, operation, params); err != nil {
		return nil, err
	}
	return counts, nil
}

// consumeChanges takes one batch of change rows: it records the target
// rows touched and writes the new rows.
func consumeChanges(tc *exec.TaskContext, p int, b batch.Batch, schema *arrow.Schema, w *rowWriter, touched map[int64][]int64, counts *changeCounts) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	kinds := b.Rec.Column(0).(*array.Int64)
	files := b.Rec.Column(1).(*array.Int64)
	pos := b.Rec.Column(2).(*array.Int64)
	var write []int32
	var del, upd, ins int64
	for i := 0; i < n; i++ {
		r := b.Row(i)
		k := kinds.Value(r)
		if k == planner.ChangeDelete || k == planner.ChangeUpdate {
			f := files.Value(r)
			touched[f] = append(touched[f], pos.Value(r))
		}
		switch k {
		case planner.ChangeDelete:
			del++
		case planner.ChangeUpdate:
			upd++
			write = append(write, int32(r))
		case planner.ChangeInsert:
			ins++
			write = append(write, int32(r))
		}
	}
	counts.deleted.Add(del)
	counts.updated.Add(upd)
	counts.inserted.Add(ins)
	if len(write) == 0 {
		return nil
	}
	rec := array.NewRecord(schema, b.Rec.Columns()[3:], b.Rec.NumRows())
	defer rec.Release()
	return w.write(tc.Eval, p, batch.Batch{Rec: rec, Sel: write})
}

// checkSingleMatch fails a MERGE that would change one target row twice
// (two source rows matched it), as PostgreSQL and Delta do.
func checkSingleMatch(positions map[int64][]int64) error {
	for _, pos := range positions {
		for i := 1; i < len(pos); i++ {
			if pos[i] == pos[i-1] {
				e := sqlerr.New(sqlerr.CardinalityViolation, "MERGE command cannot affect row a second time")
				e.Hint = "Ensure that not more than one source row matches any one target row."
				return e
			}
		}
	}
	return nil
}

// removeTouched takes the touched target rows out of the table: with
// deletion vectors, or by rewriting each touched file without them.
func (s *Session) removeTouched(ctx context.Context, rc *planner.RowChange, app *delta.Append, positions map[int64][]int64) error {
	files := rc.Target.ScanFiles()
	ordinals := make([]int64, 0, len(positions))
	for f := range positions {
		ordinals = append(ordinals, f)
	}
	slices.Sort(ordinals)
	if rc.Snapshot.DeletionVectors() {
		for _, o := range ordinals {
			if err := app.DeleteRows(ctx, files[o], positions[o]); err != nil {
				return err
			}
		}
		return nil
	}
	rewrite := &planner.Scan{Name: rc.Target.Name, Table: rc.Target.Table, Snapshot: rc.Target.Snapshot,
		Schema: rc.Target.Schema, Cols: rc.Target.Cols, Out: rc.Target.Out,
		FileSubset: []delta.DataFile{}, Excluded: map[string][]int64{}}
	for _, o := range ordinals {
		f := files[o]
		app.Remove(f)
		deleted := int64(len(positions[o]))
		if f.DeletionVector != nil {
			deleted += f.DeletionVector.Cardinality // disjoint: those rows were not scanned
		}
		if f.NumRecords >= 0 && deleted >= f.NumRecords {
			continue // nothing survives
		}
		rewrite.FileSubset = append(rewrite.FileSubset, f)
		rewrite.Excluded[f.Path] = positions[o]
	}
	if len(rewrite.FileSubset) == 0 {
		return nil
	}
	q, err := s.planLogical(withNewColumns(rewrite, rc))
	if err != nil {
		return err
	}
	_, err = s.fillAppend(ctx, app, rc.Snapshot, changedSchema(rc), rc.Name.Table, q.physical)
	return err
}

// changedSchema is the schema the statement's rows are written with: the
// table's, or the evolved one.
func changedSchema(rc *planner.RowChange) *arrow.Schema {
	if rc.Schema != nil {
		return rc.Schema
	}
	return rc.Snapshot.Schema()
}

// withNewColumns pads the surviving rows of a rewritten file with NULLs
// for the columns schema evolution adds.
func withNewColumns(p planner.Plan, rc *planner.RowChange) planner.Plan {
	if rc.Schema == nil {
		return p
	}
	var exprs []planner.Expr
	var out []planner.OutCol
	for i, f := range rc.Schema.Fields() {
		t, _ := types.FromField(f)
		if i < len(p.Columns()) {
			c := p.Columns()[i]
			exprs = append(exprs, &planner.ColumnRef{Index: i, Name: c.Name, T: c.T})
		} else {
			exprs = append(exprs, &planner.Literal{T: t})
		}
		out = append(out, planner.OutCol{Name: f.Name, T: t})
	}
	return &planner.Project{Input: p, Exprs: exprs, Out: out}
}
