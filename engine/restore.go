package engine

import (
	"context"
	"strconv"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

// runRestore makes a table's current state that of an older version, as
// one new commit: the files live now are removed and the old version's
// files added back (data files are never rewritten).
func (s *Session) runRestore(ctx context.Context, st planner.Statement, r *planner.RestoreStmt) (*Result, error) {
	rv := nameToRangeVar(r.Name)
	name := s.binder(st).ResolveTable(rv)
	tab, err := s.eng.cat.OpenTable(name)
	if err != nil {
		return nil, err
	}
	var version int64
	if r.Kind == "version" {
		if version, err = strconv.ParseInt(r.Value, 10, 64); err != nil {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid version %q", r.Value)
		}
	} else {
		v, err := types.ParseText(r.Value, types.TTimestampTZ)
		if err != nil {
			return nil, err
		}
		if version, err = tab.VersionAt(ctx, time.UnixMicro(v.(int64))); err != nil {
			return nil, err
		}
		if version < 0 {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "table %s did not exist at %s", name.Table, r.Value)
		}
	}
	cur, err := tab.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	old, err := tab.SnapshotAt(ctx, version)
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot restore %s to version %d: %v", name.Table, version, err)
	}
	if !sameSchema(cur, old) {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "restoring across a schema change is not supported yet")
	}
	app := tab.NewAppend(cur)
	keep := map[string]bool{}
	// Files are compared by path and deletion vector: a file whose vector
	// changed since the version restored is removed and re-added with
	// its old vector.
	for _, f := range old.Files() {
		keep[f.Key()] = true
	}
	live := map[string]bool{}
	for _, f := range cur.Files() {
		live[f.Key()] = true
		if !keep[f.Key()] {
			app.Remove(f)
		}
	}
	for _, f := range old.Files() {
		if !live[f.Key()] {
			if err := app.AddExisting(f); err != nil {
				app.Abort()
				return nil, err
			}
		}
	}
	if _, err := app.Commit(ctx, "RESTORE", map[string]any{"version": version}); err != nil {
		return nil, err
	}
	return tagf("RESTORE"), nil
}

func sameSchema(a, b *delta.Snapshot) bool {
	return a.Schema().String() == b.Schema().String()
}

// runTruncate removes every row of the tables, one commit each.
func (s *Session) runTruncate(ctx context.Context, st planner.Statement, t *pg.TruncateStmt) (*Result, error) {
	b := s.binder(st)
	for _, n := range t.Relations {
		name := b.ResolveTable(n.GetRangeVar())
		tab, snap, err := s.openSnapshot(ctx, name)
		if err != nil {
			return nil, err
		}
		app := tab.NewAppend(snap)
		for _, f := range snap.Files() {
			app.Remove(f)
		}
		if _, err := app.Commit(ctx, "TRUNCATE", map[string]any{}); err != nil {
			return nil, err
		}
	}
	return tagf("TRUNCATE TABLE"), nil
}
