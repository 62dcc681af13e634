package engine

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

func nameToRangeVar(parts []string) *pg.RangeVar {
	rv := &pg.RangeVar{Relname: parts[len(parts)-1], Inh: true}
	if len(parts) >= 2 {
		rv.Schemaname = parts[len(parts)-2]
	}
	if len(parts) == 3 {
		rv.Catalogname = parts[0]
	}
	return rv
}

// runVacuum deletes the table's data files that no longer belong to the
// current version and were last written before the retention period (7
// days by default; shorter only with lode.retention_duration_check = off,
// since readers of older versions may still need them). DRY RUN lists
// them instead.
func (s *Session) runVacuum(ctx context.Context, st planner.Statement, v *planner.VacuumStmt) (*Result, error) {
	retain := 168.0
	if v.RetainHours >= 0 {
		retain = v.RetainHours
	}
	if retain < 168 && !strings.EqualFold(s.set.vals["lode.retention_duration_check"], "off") {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue,
			"VACUUM retention of %g hours is under the 168-hour minimum: older versions' readers could lose files (SET lode.retention_duration_check = off to allow it)", retain)
	}
	name := s.binder(st).ResolveTable(nameToRangeVar(v.Name))
	tab, snap, err := s.openSnapshot(ctx, name)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for _, f := range snap.Files() {
		live[filepath.Clean(f.Path)] = true
		if dv := f.DeletionVectorFile(); dv != "" {
			live[filepath.Clean(dv)] = true
		}
	}
	root := tab.Dir()
	cutoff := time.Now().Add(-time.Duration(retain * float64(time.Hour)))
	var victims []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		base := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".") || live[rel] {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.ModTime().Before(cutoff) {
			victims = append(victims, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !v.DryRun {
		for _, rel := range victims {
			if err := os.Remove(filepath.Join(root, rel)); err != nil && !os.IsNotExist(err) {
				return nil, err
			}
		}
	}
	return textResult("path", victims, "VACUUM"), nil
}

var _ = catalog.DefaultCatalog

// findScanSnapshot returns the snapshot of the (only) table scan in p.
func findScanSnapshot(p planner.Plan) *delta.Snapshot {
	if sc, ok := p.(*planner.Scan); ok {
		return sc.Snapshot
	}
	for _, in := range p.Inputs() {
		if s := findScanSnapshot(in); s != nil {
			return s
		}
	}
	return nil
}

// runPgVacuum handles PostgreSQL's own VACUUM / ANALYZE statements:
// VACUUM t is Delta's VACUUM with the default retention; ANALYZE has
// nothing to do (statistics come from the Delta log's per-file stats).
func (s *Session) runPgVacuum(ctx context.Context, st planner.Statement, v *pg.VacuumStmt) (*Result, error) {
	if !v.IsVacuumcmd {
		return tagf("ANALYZE"), nil
	}
	var last *Result
	for _, r := range v.Rels {
		rv := r.GetVacuumRelation().GetRelation()
		parts := []string{rv.Relname}
		if rv.Schemaname != "" {
			parts = []string{rv.Schemaname, rv.Relname}
		}
		res, err := s.runVacuum(ctx, st, &planner.VacuumStmt{Name: parts, RetainHours: -1})
		if err != nil {
			return nil, err
		}
		last = res
	}
	if last == nil {
		return tagf("VACUUM"), nil
	}
	return &Result{Tag: "VACUUM"}, nil
}
