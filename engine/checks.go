package engine

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/exec/batch"
	"github.com/lodedb/lode/exec/expr"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

// tableCheck is a compiled CHECK constraint of the table being written.
type tableCheck struct {
	name string
	eval expr.Evaluator
}

// checksFor compiles the CHECK constraints recorded in a snapshot.
func (s *Session) checksFor(snap *delta.Snapshot) ([]tableCheck, error) {
	cons := snap.CheckConstraints()
	if len(cons) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(cons))
	for n := range cons {
		names = append(names, n)
	}
	sort.Strings(names)
	b := &planner.Binder{Cat: s.eng.cat, Database: s.database, SearchPath: s.searchPath()}
	var out []tableCheck
	for _, n := range names {
		e, err := planner.BindCheck(b, cons[n], snap.Schema())
		if err != nil {
			return nil, err
		}
		ev, err := expr.Compile(e)
		if err != nil {
			return nil, err
		}
		out = append(out, tableCheck{name: n, eval: ev})
	}
	return out, nil
}

// enforceChecks fails when a live row makes a CHECK false (NULL passes,
// as in SQL).
func enforceChecks(ctx *expr.Context, checks []tableCheck, b batch.Batch, table string) error {
	for _, c := range checks {
		res, err := c.eval.Eval(ctx, b)
		if err != nil {
			return err
		}
		bools := res.(*array.Boolean)
		for i := 0; i < b.Len(); i++ {
			r := b.Row(i)
			if bools.IsValid(r) && !bools.Value(r) {
				res.Release()
				return sqlerr.New(sqlerr.CheckViolation,
					"new row for relation \"%s\" violates check constraint \"%s\"", table, c.name)
			}
		}
		res.Release()
	}
	return nil
}
