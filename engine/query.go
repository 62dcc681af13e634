package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/planner/rules"
)

// plannedQuery is a bound, optimized and physically planned query.
type plannedQuery struct {
	logical  planner.Plan
	physical exec.PhysicalPlan
	columns  []Column
}

func (s *Session) planSelect(st planner.Statement, sel *pg.SelectStmt) (*plannedQuery, error) {
	b := s.binder(st)
	lp, err := b.BindSelect(sel)
	if err != nil {
		return nil, err
	}
	return s.planLogical(lp)
}

func (s *Session) planLogical(lp planner.Plan) (*plannedQuery, error) {
	lp, err := rules.Optimize(lp)
	if err != nil {
		return nil, err
	}
	bd := &exec.Builder{Workers: s.workers(), ColumnCache: s.eng.colCache}
	pp, err := bd.Build(lp)
	if err != nil {
		return nil, err
	}
	var cols []Column
	for _, c := range lp.Columns() {
		if c.Hidden {
			continue
		}
		cols = append(cols, Column{Name: c.Name, Type: c.T, TableOID: c.TableOID, AttNum: c.AttNum})
	}
	return &plannedQuery{logical: lp, physical: pp, columns: cols}, nil
}

func (s *Session) taskContext(ctx context.Context) *exec.TaskContext {
	tc := exec.NewTaskContext(ctx, s.evalContext(), s.workers(), s.batchSize())
	if v, err := s.set.get("lode.query_memory_limit"); err == nil {
		tc.MemoryLimit, _ = parseMemory(v)
	}
	tc.Env = &catalog.VirtualEnv{
		Cat: s.eng.cat, Database: s.database, User: s.user,
		Setting: func(name string) (string, bool) {
			v, err := s.set.get(name)
			return v, err == nil
		},
		Settings: s.set.names,
	}
	return tc
}

// collect runs a physical plan to completion and returns its rows as dense
// records. Partitions run in parallel; a single-partition plan keeps its
// order.
func (s *Session) collect(ctx context.Context, pp exec.PhysicalPlan) ([]arrow.Record, error) {
	tc := s.taskContext(ctx)
	n := max(pp.Partitions(), 1)
	parts := make([][]arrow.Record, n)
	var mu sync.Mutex
	err := exec.DrainPartitions(tc, pp, func(p int, b batch.Batch) error {
		if b.Len() == 0 {
			return nil
		}
		rec, err := batch.Compact(tc.Eval.Alloc, b)
		if err != nil {
			return err
		}
		mu.Lock()
		parts[p] = append(parts[p], rec)
		mu.Unlock()
		return nil
	})
	var out []arrow.Record
	for _, p := range parts {
		out = append(out, p...)
	}
	if err != nil {
		for _, r := range out {
			r.Release()
		}
		return nil, err
	}
	return out, nil
}

func (s *Session) runSelect(ctx context.Context, st planner.Statement, sel *pg.SelectStmt) (*Result, error) {
	q, err := s.planSelect(st, sel)
	if err != nil {
		return nil, err
	}
	recs, err := s.collect(ctx, q.physical)
	if err != nil {
		return nil, err
	}
	r := &Result{Columns: q.columns, Records: recs}
	r.Tag = fmt.Sprintf("SELECT %d", r.RowCount())
	return r, nil
}

// explainLines renders a physical plan tree the way EXPLAIN prints it.
func explainLines(p exec.PhysicalPlan) []string {
	var lines []string
	var walk func(p exec.PhysicalPlan, depth int)
	walk = func(p exec.PhysicalPlan, depth int) {
		prefix := ""
		if depth > 0 {
			prefix = fmt.Sprintf("%*s->  ", depth*4-2, "")
		}
		line := prefix + p.String()
		if n := p.Partitions(); n > 1 {
			line += fmt.Sprintf("  (partitions=%d)", n)
		}
		lines = append(lines, line)
		for _, c := range p.Children() {
			walk(c, depth+1)
		}
	}
	walk(p, 0)
	return lines
}

func (s *Session) runExplain(ctx context.Context, st planner.Statement, ex *pg.ExplainStmt) (*Result, error) {
	verbose := false
	for _, o := range ex.Options {
		d := o.GetDefElem()
		switch d.Defname {
		case "verbose":
			verbose = true
		case "analyze":
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "EXPLAIN ANALYZE is not supported yet")
		}
	}
	var q *plannedQuery
	var err error
	switch {
	case ex.Query.GetSelectStmt() != nil:
		q, err = s.planSelect(st, ex.Query.GetSelectStmt())
	case ex.Query.GetInsertStmt() != nil:
		var lp planner.Plan
		if lp, _, err = s.bindInsertSource(st, ex.Query.GetInsertStmt()); err == nil {
			q, err = s.planLogical(lp)
		}
	default:
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "EXPLAIN of this statement is not supported")
	}
	if err != nil {
		return nil, err
	}
	lines := explainLines(q.physical)
	if verbose {
		lines = append(lines, "", "Logical plan:")
		for _, l := range splitLines(planner.Format(q.logical)) {
			lines = append(lines, l)
		}
	}
	return textResult("QUERY PLAN", lines, "EXPLAIN"), nil
}
