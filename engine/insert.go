package engine

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

func (s *Session) bindInsertSource(st planner.Statement, ins *pg.InsertStmt) (planner.Plan, *planner.Insert, error) {
	bi, err := s.binder(st).BindInsert(ins)
	if err != nil {
		return nil, nil, err
	}
	return bi.Source, bi, nil
}

func (s *Session) runInsert(ctx context.Context, st planner.Statement, ins *pg.InsertStmt) (*Result, error) {
	_, bi, err := s.bindInsertSource(st, ins)
	if err != nil {
		return nil, err
	}
	q, err := s.planLogical(bi.Source)
	if err != nil {
		return nil, err
	}
	if st.Overwrite {
		n, err := s.overwriteRows(ctx, bi, q.physical)
		if err != nil {
			return nil, err
		}
		return tagf("INSERT 0 %d", n), nil
	}
	n, err := s.writeRows(ctx, bi, q.physical, "WRITE")
	if err != nil {
		return nil, err
	}
	return tagf("INSERT 0 %d", n), nil
}

// writeRows runs pp and appends its rows to the table as one atomic Delta
// commit. Each partition writes its own data files in parallel; any error
// (a NOT NULL violation, a cast failure, cancellation) aborts the append and
// removes the files written, so no partial statement is ever visible.
func (s *Session) writeRows(ctx context.Context, bi *planner.Insert, pp exec.PhysicalPlan, operation string) (int64, error) {
	app := bi.Table.NewAppend(bi.Snapshot)
	if bi.Evolved {
		if err := app.EvolveSchema(bi.Schema); err != nil {
			return 0, err
		}
	}
	n, err := s.fillAppend(ctx, app, bi.Snapshot, bi.Schema, bi.Name.Table, pp)
	if err != nil {
		app.Abort()
		return 0, err
	}
	if n == 0 {
		app.Abort()
		return 0, nil
	}
	if _, err := app.Commit(ctx, operation, map[string]any{"mode": "Append"}); err != nil {
		app.Abort()
		return 0, err
	}
	return n, nil
}

// fillAppend writes pp's rows into new data files of app (not committed).
func (s *Session) fillAppend(ctx context.Context, app *delta.Append, snap *delta.Snapshot, schema *arrow.Schema, table string, pp exec.PhysicalPlan) (int64, error) {
	tc := s.taskContext(ctx)
	w, err := s.newRowWriter(app, snap, schema, table)
	if err != nil {
		return 0, err
	}
	err = exec.DrainPartitions(tc, pp, func(p int, b batch.Batch) error {
		return w.write(tc.Eval, p, b)
	})
	if cerr := w.close(); cerr != nil && err == nil {
		err = cerr
	}
	return w.rows.Load(), err
}

// rowWriter writes batches of table rows into new data files of an
// uncommitted append, enforcing NOT NULL and CHECK constraints. Each plan
// partition gets its own FileWriter, so partitions write in parallel.
type rowWriter struct {
	app     *delta.Append
	schema  *arrow.Schema
	table   string
	checks  []tableCheck
	notNull []int
	mu      sync.Mutex
	writers map[int]*delta.FileWriter
	rows    atomic.Int64
}

func (s *Session) newRowWriter(app *delta.Append, snap *delta.Snapshot, schema *arrow.Schema, table string) (*rowWriter, error) {
	checks, err := s.checksFor(snap)
	if err != nil {
		return nil, err
	}
	return &rowWriter{app: app, schema: schema, table: table, checks: checks,
		notNull: notNullColumns(schema), writers: map[int]*delta.FileWriter{}}, nil
}

// write appends b's rows (columns in table order) from plan partition part.
func (w *rowWriter) write(ec *expr.Context, part int, b batch.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	if err := checkNotNull(b, w.notNull, w.schema, w.table); err != nil {
		return err
	}
	if err := enforceChecks(ec, w.checks, b, w.table); err != nil {
		return err
	}
	rec, err := batch.Compact(ec.Alloc, b)
	if err != nil {
		return err
	}
	defer rec.Release()
	// Label the record with the table's schema (names and metadata).
	rec = relabel(rec, w.schema)
	w.mu.Lock()
	fw := w.writers[part]
	if fw == nil {
		fw = w.app.NewFileWriter()
		w.writers[part] = fw
	}
	w.mu.Unlock()
	if err := fw.Write(rec); err != nil {
		return err
	}
	w.rows.Add(rec.NumRows())
	return nil
}

// close finishes every data file written.
func (w *rowWriter) close() error {
	var first error
	for _, fw := range w.writers {
		if err := fw.Close(); err != nil && first == nil {
			first = err
		}
	}
	w.writers = map[int]*delta.FileWriter{}
	return first
}

func relabel(rec arrow.Record, schema *arrow.Schema) arrow.Record {
	return array.NewRecord(schema, rec.Columns(), rec.NumRows())
}

func notNullColumns(schema *arrow.Schema) []int {
	var out []int
	for i, f := range schema.Fields() {
		if !f.Nullable {
			out = append(out, i)
		}
	}
	return out
}

func checkNotNull(b batch.Batch, cols []int, schema *arrow.Schema, table string) error {
	for _, c := range cols {
		col := b.Rec.Column(c)
		if col.NullN() == 0 {
			continue
		}
		for i := 0; i < b.Len(); i++ {
			if col.IsNull(b.Row(i)) {
				return sqlerr.New(sqlerr.NotNullViolation,
					"null value in column \"%s\" of relation \"%s\" violates not-null constraint",
					schema.Field(c).Name, table)
			}
		}
	}
	return nil
}

// overwriteRows is INSERT OVERWRITE: the new rows replace every file of
// the snapshot the statement read, in one commit.
func (s *Session) overwriteRows(ctx context.Context, bi *planner.Insert, pp exec.PhysicalPlan) (int64, error) {
	app := bi.Table.NewAppend(bi.Snapshot)
	n, err := s.fillAppend(ctx, app, bi.Snapshot, bi.Schema, bi.Name.Table, pp)
	if err != nil {
		app.Abort()
		return 0, err
	}
	for _, f := range bi.Snapshot.Files() {
		app.Remove(f)
	}
	if _, err := app.Commit(ctx, "WRITE", map[string]any{"mode": "Overwrite"}); err != nil {
		app.Abort()
		return 0, err
	}
	return n, nil
}
