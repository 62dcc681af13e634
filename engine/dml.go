package engine

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

func (s *Session) runDelete(ctx context.Context, st planner.Statement, ds *pg.DeleteStmt) (*Result, error) {
	d, err := s.binder(st).BindDelete(ds)
	if err != nil {
		return nil, err
	}
	n, err := s.rewriteFiles(ctx, d, "DELETE")
	if err != nil {
		return nil, err
	}
	return tagf("DELETE %d", n), nil
}

func (s *Session) runUpdate(ctx context.Context, st planner.Statement, us *pg.UpdateStmt) (*Result, error) {
	d, err := s.binder(st).BindUpdate(us)
	if err != nil {
		return nil, err
	}
	n, err := s.rewriteFiles(ctx, d, "UPDATE")
	if err != nil {
		return nil, err
	}
	return tagf("UPDATE %d", n), nil
}

// rewriteFiles applies a DELETE or UPDATE copy-on-write: every data file
// holding an affected row is rewritten (its surviving or changed rows
// written to a new file) and removed, all in one commit; files without
// affected rows are untouched. It returns the number of affected rows.
func (s *Session) rewriteFiles(ctx context.Context, d *planner.DML, operation string) (int64, error) {
	app := d.Table.NewAppend(d.Snapshot)
	schema := d.Snapshot.Schema()
	var affected int64
	for _, f := range d.Snapshot.Files() {
		files := []delta.DataFile{f}
		n, err := s.countMatches(ctx, d, files)
		if err != nil {
			app.Abort()
			return 0, err
		}
		if n == 0 {
			continue
		}
		affected += n
		if !(operation == "DELETE" && f.NumRecords == n) {
			lp, err := d.Rewrite(files)
			if err != nil {
				app.Abort()
				return 0, err
			}
			q, err := s.planLogical(lp)
			if err != nil {
				app.Abort()
				return 0, err
			}
			if _, err := s.fillAppend(ctx, app, d.Snapshot, schema, d.Name.Table, q.physical); err != nil {
				app.Abort()
				return 0, err
			}
		}
		app.Remove(f)
	}
	if affected == 0 {
		app.Abort()
		return 0, nil
	}
	params := map[string]any{}
	if d.HasPredicate() {
		params["predicate"] = "[...]"
	}
	if _, err := app.Commit(ctx, operation, params); err != nil {
		app.Abort()
		return 0, err
	}
	return affected, nil
}

func (s *Session) countMatches(ctx context.Context, d *planner.DML, files []delta.DataFile) (int64, error) {
	lp, err := d.Match(files)
	if err != nil {
		return 0, err
	}
	q, err := s.planLogical(lp)
	if err != nil {
		return 0, err
	}
	recs, err := s.collect(ctx, q.physical)
	if err != nil {
		return 0, err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if len(recs) != 1 || recs[0].NumRows() != 1 {
		return 0, fmt.Errorf("internal error: count returned %d records", len(recs))
	}
	return recs[0].Column(0).(*array.Int64).Value(0), nil
}
