package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/storage/delta"
)

// Change kinds, the first column of a RowChange plan's rows.
const (
	ChangeDelete = 1 // the target row goes
	ChangeUpdate = 2 // the target row is replaced by the new values
	ChangeInsert = 3 // the new values are a new row
)

// RowChange is a bound DELETE, UPDATE or MERGE as one plan over the
// target (and source): each output row is one change —
// [kind, file ordinal, row position, new values…] where the ordinal and
// position (planner.ScanFileOrdinal/ScanRowPosition of Target) name the
// target row deleted or replaced (NULL for inserts), and the new values,
// one per table column, are the row written (updates and inserts; absent
// for a DELETE). The engine applies the changes copy-on-write or with
// deletion vectors.
type RowChange struct {
	Name     catalog.Name
	Table    *delta.Table
	Snapshot *delta.Snapshot
	Target   *Scan // every table column; its ScanFiles are what ordinals index
	Plan     Plan
	// Merge: a target row changed by two source rows is an error (21000).
	Merge bool
	// Predicate is the statement's condition as text, for DESCRIBE HISTORY.
	Predicate string
	// Schema, when set, is the table's schema with the columns MERGE's
	// schema evolution adds; the new values have its columns.
	Schema *arrow.Schema
}

// changeHeader is the kind, file ordinal and row position columns.
func changeHeader(kind Expr, file, pos int) ([]Expr, []OutCol) {
	return []Expr{kind,
			&ColumnRef{Index: file, Name: "_lode_file", T: types.TInt64},
			&ColumnRef{Index: pos, Name: "_lode_row", T: types.TInt64}},
		[]OutCol{{Name: "kind", T: types.TInt64}, {Name: "_lode_file", T: types.TInt64}, {Name: "_lode_row", T: types.TInt64}}
}

func kindLit(k int64) Expr { return &Literal{Value: k, T: types.TInt64} }

// Change binds a DELETE or UPDATE as a RowChange: the rows matching the
// condition, each with its new values (UPDATE).
func (d *DML) Change() (*RowChange, error) {
	s := d.scan.WithRowIdentity()
	width := len(d.scan.Out)
	p, cond, err := d.matched(s)
	if err != nil {
		return nil, err
	}
	p = &Filter{Input: p, Cond: cond}
	kind := int64(ChangeDelete)
	if d.sets != nil {
		kind = ChangeUpdate
	}
	exprs, out := changeHeader(kindLit(kind), width, width+1)
	if d.sets != nil {
		for i, c := range d.scan.Out {
			nv, ok := d.sets[i]
			if !ok {
				nv = &ColumnRef{Index: i, Name: c.Name, T: c.T}
			} else if hasSubquery(nv) {
				if p, nv, err = d.b.applySubqueries(p, nv); err != nil {
					return nil, err
				}
			}
			exprs = append(exprs, nv)
			out = append(out, OutCol{Name: c.Name, T: c.T})
		}
	}
	rc := &RowChange{Name: d.Name, Table: d.Table, Snapshot: d.Snapshot, Target: d.scan,
		Plan: &Project{Input: p, Exprs: exprs, Out: out}}
	if d.pred != nil {
		rc.Predicate = d.pred.String()
	}
	return rc, nil
}
