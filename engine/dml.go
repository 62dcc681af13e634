package engine

import (
	"context"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/planner"
)

func (s *Session) runDelete(ctx context.Context, st planner.Statement, ds *pg.DeleteStmt) (*Result, error) {
	d, err := s.binder(st).BindDelete(ds)
	if err != nil {
		return nil, err
	}
	n, err := s.runDML(ctx, d, "DELETE")
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
	n, err := s.runDML(ctx, d, "UPDATE")
	if err != nil {
		return nil, err
	}
	return tagf("UPDATE %d", n), nil
}

// runDML applies a DELETE or UPDATE in one pass over the table: one plan
// finds the affected rows (and computes their new values), then one commit
// removes them (deletion vectors or copy-on-write) and adds the new rows.
func (s *Session) runDML(ctx context.Context, d *planner.DML, operation string) (int64, error) {
	rc, err := d.Change()
	if err != nil {
		return 0, err
	}
	params := map[string]any{}
	if rc.Predicate != "" {
		params["predicate"] = "[" + rc.Predicate + "]"
	}
	counts, err := s.applyChange(ctx, rc, operation, params)
	if err != nil {
		return 0, err
	}
	return counts.total(), nil
}

// runMerge applies MERGE INTO in one pass: the target joined with the
// source yields every change, then one commit applies them. PostgreSQL's
// command tag counts the rows inserted, updated and deleted.
func (s *Session) runMerge(ctx context.Context, st planner.Statement, ms *pg.MergeStmt) (*Result, error) {
	rc, err := s.binder(st).BindMerge(ms)
	if err != nil {
		return nil, err
	}
	counts, err := s.applyChange(ctx, rc, "MERGE", map[string]any{"predicate": "[" + rc.Predicate + "]"})
	if err != nil {
		return nil, err
	}
	return tagf("MERGE %d", counts.total()), nil
}
