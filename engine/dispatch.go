package engine

import (
	"context"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/planner"
)

func (s *Session) dispatch(ctx context.Context, st planner.Statement) (*Result, error) {
	n := st.Node
	switch {
	case n.GetSelectStmt() != nil:
		return s.runSelect(ctx, st, n.GetSelectStmt())
	case n.GetInsertStmt() != nil:
		return s.runInsert(ctx, st, n.GetInsertStmt())
	case n.GetDeleteStmt() != nil:
		return s.runDelete(ctx, st, n.GetDeleteStmt())
	case n.GetUpdateStmt() != nil:
		return s.runUpdate(ctx, st, n.GetUpdateStmt())
	case n.GetRenameStmt() != nil && n.GetRenameStmt().RenameType == pg.ObjectType_OBJECT_COLUMN &&
		n.GetRenameStmt().RelationType == pg.ObjectType_OBJECT_TABLE:
		return s.runRenameColumn(ctx, st, n.GetRenameStmt())
	case n.GetMergeStmt() != nil:
		return s.runMerge(ctx, st, n.GetMergeStmt())
	case n.GetCreateStmt() != nil:
		return s.runCreateTable(ctx, st, n.GetCreateStmt())
	case n.GetCreateTableAsStmt() != nil:
		return s.runCreateTableAs(ctx, st, n.GetCreateTableAsStmt())
	case n.GetDropStmt() != nil:
		if n.GetDropStmt().RemoveType == pg.ObjectType_OBJECT_FUNCTION {
			return s.dropFunctions(n.GetDropStmt())
		}
		if n.GetDropStmt().RemoveType == pg.ObjectType_OBJECT_SEQUENCE {
			return s.dropSequences(st, n.GetDropStmt())
		}
		if t := n.GetDropStmt().RemoveType; t == pg.ObjectType_OBJECT_VIEW || t == pg.ObjectType_OBJECT_INDEX {
			return s.dropOther(st, n.GetDropStmt())
		}
		return s.runDrop(ctx, st, n.GetDropStmt())
	case n.GetViewStmt() != nil:
		return s.runCreateView(ctx, st, n.GetViewStmt())
	case n.GetIndexStmt() != nil:
		return s.runCreateIndex(st, n.GetIndexStmt())
	case n.GetCreateSchemaStmt() != nil:
		return s.runCreateSchema(st, n.GetCreateSchemaStmt())
	case n.GetCreatedbStmt() != nil:
		db := n.GetCreatedbStmt()
		if _, err := s.eng.cat.CreateCatalog(db.Dbname, false); err != nil {
			return nil, err
		}
		return tagf("CREATE DATABASE"), nil
	case n.GetDropdbStmt() != nil:
		db := n.GetDropdbStmt()
		if db.Dbname == s.database {
			return nil, sqlerr.New(sqlerr.ObjectInUse, "cannot drop the currently open database")
		}
		existed, err := s.eng.cat.DropCatalog(db.Dbname, db.MissingOk, true)
		if err != nil {
			return nil, err
		}
		r := tagf("DROP DATABASE")
		if !existed {
			r.Notices = append(r.Notices, "database \""+db.Dbname+"\" does not exist, skipping")
		}
		return r, nil
	case n.GetVariableSetStmt() != nil:
		return s.runSet(n.GetVariableSetStmt())
	case n.GetVariableShowStmt() != nil:
		return s.runShow(n.GetVariableShowStmt())
	case n.GetTransactionStmt() != nil:
		return s.runTransaction(n.GetTransactionStmt())
	case n.GetVacuumStmt() != nil:
		return s.runPgVacuum(ctx, st, n.GetVacuumStmt())
	case n.GetAlterTableStmt() != nil:
		return s.runAlterTable(ctx, st, n.GetAlterTableStmt())
	case n.GetTruncateStmt() != nil:
		return s.runTruncate(ctx, st, n.GetTruncateStmt())
	case n.GetCreateFunctionStmt() != nil:
		return s.runCreateFunction(st, n.GetCreateFunctionStmt())
	case n.GetCreateSeqStmt() != nil:
		return s.runCreateSequence(st, n.GetCreateSeqStmt())
	case n.GetAlterSystemStmt() != nil:
		return s.runAlterSystem(n.GetAlterSystemStmt())
	case n.GetExplainStmt() != nil:
		return s.runExplain(ctx, st, n.GetExplainStmt())
	}
	if r, ok, err := s.dispatchPG(ctx, st); ok {
		return r, err
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "statement not supported: %s", st.Text)
}

func (s *Session) runExtension(ctx context.Context, st planner.Statement) (*Result, error) {
	switch x := st.Ext.(type) {
	case *planner.CreateCatalogStmt:
		existed, err := s.eng.cat.CreateCatalog(x.Name, x.IfNotExists)
		if err != nil {
			return nil, err
		}
		r := tagf("CREATE CATALOG")
		if existed {
			r.Notices = append(r.Notices, "catalog \""+x.Name+"\" already exists, skipping")
		}
		return r, nil
	case *planner.OptimizeStmt:
		return s.runOptimize(ctx, st, x)
	case *planner.AlterTablePropertiesStmt:
		return s.runAlterTableProperties(ctx, st, x)
	case *planner.VacuumStmt:
		return s.runVacuum(ctx, st, x)
	case *planner.RestoreStmt:
		return s.runRestore(ctx, st, x)
	case *planner.DescribeHistoryStmt:
		return s.runDescribeHistory(ctx, st, x)
	case *planner.DescribeDetailStmt:
		return s.runDescribeDetail(ctx, st, x)
	case *planner.CreateExternalStmt:
		rv := nameToRangeVar(x.Name)
		name := s.binder(st).ResolveTable(rv)
		existed, err := s.eng.cat.RegisterExternal(name, x.Location, x.IfNotExists)
		if err != nil {
			return nil, err
		}
		r := tagf("CREATE TABLE")
		if existed {
			r.Notices = append(r.Notices, "relation \""+name.Table+"\" already exists, skipping")
		}
		return r, nil
	case *planner.DropCatalogStmt:
		if x.Name == s.database {
			return nil, sqlerr.New(sqlerr.ObjectInUse, "cannot drop the catalog this session is connected to")
		}
		existed, err := s.eng.cat.DropCatalog(x.Name, x.IfExists, x.Cascade)
		if err != nil {
			return nil, err
		}
		r := tagf("DROP CATALOG")
		if !existed {
			r.Notices = append(r.Notices, "catalog \""+x.Name+"\" does not exist, skipping")
		}
		return r, nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "statement not supported: %s", st.Text)
}

func (s *Session) runTransaction(t *pg.TransactionStmt) (*Result, error) {
	// Every statement commits on its own (each write is one Delta commit);
	// transaction blocks are accepted for client compatibility and track
	// PostgreSQL's status so clients see the states they expect.
	switch t.Kind {
	case pg.TransactionStmtKind_TRANS_STMT_BEGIN, pg.TransactionStmtKind_TRANS_STMT_START:
		r := tagf("BEGIN")
		if s.txStatus != 'I' {
			r.Notices = append(r.Notices, "there is already a transaction in progress")
		}
		s.txStatus = 'T'
		return r, nil
	case pg.TransactionStmtKind_TRANS_STMT_COMMIT:
		r := tagf("COMMIT")
		switch s.txStatus {
		case 'E':
			r.Tag = "ROLLBACK"
		case 'I':
			r.Notices = append(r.Notices, "there is no transaction in progress")
		}
		s.txStatus = 'I'
		return r, nil
	case pg.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		r := tagf("ROLLBACK")
		if s.txStatus == 'I' {
			r.Notices = append(r.Notices, "there is no transaction in progress")
		}
		s.txStatus = 'I'
		return r, nil
	case pg.TransactionStmtKind_TRANS_STMT_SAVEPOINT:
		if s.txStatus == 'I' {
			return nil, sqlerr.New("25P01", "SAVEPOINT can only be used in transaction blocks")
		}
		return tagf("SAVEPOINT"), nil
	case pg.TransactionStmtKind_TRANS_STMT_RELEASE:
		return tagf("RELEASE"), nil
	case pg.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		if s.txStatus == 'E' {
			s.txStatus = 'T'
		}
		return tagf("ROLLBACK"), nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "transaction statement not supported")
}
