package engine

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
	"github.com/lodedb/lode/storage/delta"
)

// alterTarget is the table an ALTER TABLE changes, at the version read.
type alterTarget struct {
	name catalog.Name
	tab  *delta.Table
	snap *delta.Snapshot
}

func (s *Session) openAlterTarget(ctx context.Context, st planner.Statement, rv *pg.RangeVar, missingOk bool) (*alterTarget, error) {
	name := s.binder(st).ResolveTable(rv)
	if !s.eng.cat.TableExists(name) {
		if missingOk {
			return nil, nil
		}
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", name.Table)
	}
	tab, snap, err := s.openSnapshot(ctx, name)
	if err != nil {
		return nil, err
	}
	return &alterTarget{name: name, tab: tab, snap: snap}, nil
}

// openSnapshot opens a table and reads its current version.
func (s *Session) openSnapshot(ctx context.Context, name catalog.Name) (*delta.Table, *delta.Snapshot, error) {
	tab, err := s.eng.cat.OpenTable(name)
	if err != nil {
		return nil, nil, err
	}
	snap, err := tab.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	return tab, snap, nil
}

// runAlterTable supports ADD COLUMN (a new nullable column, NULL in the
// rows written before) and DROP COLUMN (the column leaves the schema; its
// data stays in old files, unread): one metaData commit, no data
// rewritten. Dropping needs column mapping, which is switched on first.
func (s *Session) runAlterTable(ctx context.Context, st planner.Statement, at *pg.AlterTableStmt) (*Result, error) {
	if at.Objtype != pg.ObjectType_OBJECT_TABLE {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ALTER %s is not supported yet", at.Objtype)
	}
	t, err := s.openAlterTarget(ctx, st, at.Relation, at.MissingOk)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return &Result{Tag: "ALTER TABLE", Notices: []string{"relation \"" + at.Relation.Relname + "\" does not exist, skipping"}}, nil
	}
	b := s.binder(st)
	fields := append([]arrow.Field{}, t.snap.Schema().Fields()...)
	var added, dropped []string
	var notices []string
	for _, c := range at.Cmds {
		cmd := c.GetAlterTableCmd()
		switch cmd.Subtype {
		case pg.AlterTableType_AT_AddColumn:
			cd := cmd.Def.GetColumnDef()
			if fieldIndex(fields, cd.Colname) >= 0 {
				if cmd.MissingOk {
					notices = append(notices, fmt.Sprintf("column \"%s\" of relation \"%s\" already exists, skipping", cd.Colname, t.name.Table))
					continue
				}
				return nil, sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", cd.Colname, t.name.Table)
			}
			for _, cn := range cd.Constraints {
				if cn.GetConstraint().Contype != pg.ConstrType_CONSTR_NULL {
					return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ADD COLUMN with %s is not supported yet (existing rows would need it)", cn.GetConstraint().Contype)
				}
			}
			typ, err := planner.TypeOf(b, cd.TypeName)
			if err != nil {
				return nil, err
			}
			fields = append(fields, types.Field(cd.Colname, typ, true))
			added = append(added, cd.Colname)
		case pg.AlterTableType_AT_DropColumn:
			i := fieldIndex(fields, cmd.Name)
			if i < 0 {
				if cmd.MissingOk {
					notices = append(notices, fmt.Sprintf("column \"%s\" of relation \"%s\" does not exist, skipping", cmd.Name, t.name.Table))
					continue
				}
				return nil, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cmd.Name, t.name.Table)
			}
			if err := t.checkColumnChange(cmd.Name, "drop"); err != nil {
				return nil, err
			}
			if slices.Contains(added, cmd.Name) {
				return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cannot add and drop column \"%s\" in one statement", cmd.Name)
			}
			fields = slices.Delete(fields, i, i+1)
			dropped = append(dropped, cmd.Name)
		default:
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "ALTER TABLE %s is not supported yet", cmd.Subtype)
		}
	}
	if len(fields) == 0 {
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "cannot drop every column of table \"%s\"", t.name.Table)
	}
	if len(added) == 0 && len(dropped) == 0 {
		return &Result{Tag: "ALTER TABLE", Notices: notices}, nil
	}
	conf := t.snap.Metadata().Configuration
	op, params := "ADD COLUMNS", map[string]any{"columns": added}
	if len(dropped) > 0 {
		var n string
		fields, conf, n = withColumnMapping(t.snap, fields)
		if n != "" {
			notices = append(notices, n)
		}
		op, params = "DROP COLUMNS", map[string]any{"columns": dropped}
		if len(added) > 0 {
			op, params = "CHANGE COLUMNS", map[string]any{"added": added, "dropped": dropped}
		}
	}
	if _, err := t.tab.SetMetadata(ctx, t.snap, arrow.NewSchema(fields, nil), conf, op, params); err != nil {
		return nil, err
	}
	return &Result{Tag: "ALTER TABLE", Notices: notices}, nil
}

// runRenameColumn is ALTER TABLE t RENAME [COLUMN] a TO b: under column
// mapping only the logical name changes (data files keep the physical
// one), so nothing is rewritten. Column mapping is switched on first.
func (s *Session) runRenameColumn(ctx context.Context, st planner.Statement, rs *pg.RenameStmt) (*Result, error) {
	t, err := s.openAlterTarget(ctx, st, rs.Relation, rs.MissingOk)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return &Result{Tag: "ALTER TABLE", Notices: []string{"relation \"" + rs.Relation.Relname + "\" does not exist, skipping"}}, nil
	}
	fields := append([]arrow.Field{}, t.snap.Schema().Fields()...)
	i := fieldIndex(fields, rs.Subname)
	if i < 0 {
		return nil, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" does not exist", rs.Subname)
	}
	if fieldIndex(fields, rs.Newname) >= 0 {
		return nil, sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", rs.Newname, t.name.Table)
	}
	if err := t.checkColumnChange(rs.Subname, "rename"); err != nil {
		return nil, err
	}
	fields, conf, notice := withColumnMapping(t.snap, fields)
	fields[i].Name = rs.Newname
	params := map[string]any{"oldColumnPath": rs.Subname, "newColumnPath": rs.Newname}
	if _, err := t.tab.SetMetadata(ctx, t.snap, arrow.NewSchema(fields, nil), conf, "RENAME COLUMN", params); err != nil {
		return nil, err
	}
	r := tagf("ALTER TABLE")
	if notice != "" {
		r.Notices = append(r.Notices, notice)
	}
	return r, nil
}

// withColumnMapping switches a table to column mapping by name if it is
// not yet: every column's current name becomes its physical name (what
// the data files hold). It returns the fields, the configuration to commit
// and a notice saying the protocol changed ("" when nothing changed).
func withColumnMapping(snap *delta.Snapshot, fields []arrow.Field) ([]arrow.Field, map[string]string, string) {
	conf := snap.Metadata().Configuration
	if delta.ColumnMappingEnabled(conf) {
		return fields, conf, ""
	}
	conf = maps.Clone(conf)
	if conf == nil {
		conf = map[string]string{}
	}
	conf[delta.ConfColumnMappingMode] = "name"
	return delta.PinPhysicalNames(fields), conf,
		"column mapping enabled (delta.columnMapping.mode = name): the table now needs readers with the columnMapping feature"
}

// checkColumnChange refuses dropping a partition column, and dropping or
// renaming a column a CHECK constraint names (its SQL text would dangle).
func (t *alterTarget) checkColumnChange(col, verb string) error {
	if verb == "drop" && slices.Contains(t.snap.PartitionColumns(), col) {
		return sqlerr.New(sqlerr.FeatureNotSupported, "cannot %s partition column \"%s\"", verb, col)
	}
	word := regexp.MustCompile(`(?i)(^|[^\w"])"?` + regexp.QuoteMeta(col) + `"?($|[^\w"])`)
	for name, text := range t.snap.CheckConstraints() {
		if word.MatchString(text) {
			return sqlerr.New(sqlerr.DependentObjectsStillExist,
				"cannot %s column \"%s\": CHECK constraint \"%s\" uses it", verb, col, name)
		}
	}
	return nil
}

func fieldIndex(fields []arrow.Field, name string) int {
	for i, f := range fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// runAlterTableProperties is ALTER TABLE … SET / UNSET TBLPROPERTIES: one
// metaData commit with the new configuration (and the protocol features
// it needs, e.g. deletionVectors or columnMapping).
func (s *Session) runAlterTableProperties(ctx context.Context, st planner.Statement, x *planner.AlterTablePropertiesStmt) (*Result, error) {
	t, err := s.openAlterTarget(ctx, st, nameToRangeVar(x.Name), false)
	if err != nil {
		return nil, err
	}
	old := t.snap.Metadata().Configuration
	conf := maps.Clone(old)
	if conf == nil {
		conf = map[string]string{}
	}
	for k, v := range x.Set {
		if strings.HasPrefix(k, "delta.constraints.") {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "CHECK constraints are not set as properties; use ADD CONSTRAINT")
		}
		conf[k] = v
	}
	for _, k := range x.Unset {
		if _, ok := conf[k]; !ok && !x.IfExists {
			return nil, sqlerr.New(sqlerr.UndefinedObject, "table property \"%s\" does not exist", k)
		}
		delete(conf, k)
	}
	mode, oldMode := conf[delta.ConfColumnMappingMode], old[delta.ConfColumnMappingMode]
	fields := t.snap.Schema().Fields()
	switch {
	case mode == oldMode || mode == "" && oldMode == "none":
	case (oldMode == "" || oldMode == "none") && mode == "name":
		fields = delta.PinPhysicalNames(fields)
	default:
		return nil, sqlerr.New(sqlerr.FeatureNotSupported, "changing delta.columnMapping.mode from %q to %q is not supported", oldMode, mode)
	}
	op := "SET TBLPROPERTIES"
	params := map[string]any{"properties": x.Set}
	if x.Unset != nil {
		op, params = "UNSET TBLPROPERTIES", map[string]any{"properties": x.Unset, "ifExists": x.IfExists}
	}
	if _, err := t.tab.SetMetadata(ctx, t.snap, arrow.NewSchema(fields, nil), conf, op, params); err != nil {
		return nil, err
	}
	return tagf("ALTER TABLE"), nil
}
