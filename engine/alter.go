package engine

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

// runAlterTable supports ADD COLUMN (a new nullable column, NULL in the
// rows written before: one metaData commit, no data rewritten).
func (s *Session) runAlterTable(ctx context.Context, st planner.Statement, at *pg.AlterTableStmt) (*Result, error) {
	if at.Objtype != pg.ObjectType_OBJECT_TABLE {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ALTER %s is not supported yet", at.Objtype)
	}
	b := s.binder(st)
	name := b.ResolveTable(at.Relation)
	if !s.eng.cat.TableExists(name) {
		if at.MissingOk {
			return &Result{Tag: "ALTER TABLE", Notices: []string{"relation \"" + name.Table + "\" does not exist, skipping"}}, nil
		}
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", name.Table)
	}
	tab, err := s.eng.cat.OpenTable(name)
	if err != nil {
		return nil, err
	}
	snap, err := tab.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	fields := append([]arrow.Field{}, snap.Schema().Fields()...)
	var added []string
	for _, c := range at.Cmds {
		cmd := c.GetAlterTableCmd()
		if cmd.Subtype != pg.AlterTableType_AT_AddColumn {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ALTER TABLE %s is not supported yet", cmd.Subtype)
		}
		cd := cmd.Def.GetColumnDef()
		exists := false
		for _, f := range fields {
			if f.Name == cd.Colname {
				exists = true
			}
		}
		if exists {
			if cmd.MissingOk {
				continue
			}
			return nil, sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", cd.Colname, name.Table)
		}
		for _, cn := range cd.Constraints {
			switch cn.GetConstraint().Contype {
			case pg.ConstrType_CONSTR_NULL:
			default:
				return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ADD COLUMN with %s is not supported yet (existing rows would need it)", cn.GetConstraint().Contype)
			}
		}
		t, err := planner.TypeOf(b, cd.TypeName)
		if err != nil {
			return nil, err
		}
		fields = append(fields, types.Field(cd.Colname, t, true))
		added = append(added, cd.Colname)
	}
	if len(added) == 0 {
		return tagf("ALTER TABLE"), nil
	}
	if _, err := tab.SetSchema(ctx, snap, arrow.NewSchema(fields, nil), "ADD COLUMNS", map[string]any{"columns": added}); err != nil {
		return nil, err
	}
	return tagf("ALTER TABLE"), nil
}
