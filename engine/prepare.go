package engine

import (
	"context"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

// Prepared is a parsed statement with its parameter types and, for
// row-returning statements, its result columns (what Describe reports).
type Prepared struct {
	Name       string
	SQL        string
	ParamTypes []types.T
	Columns    []Column // nil when the statement returns no rows
	stmt       *planner.Statement
}

// Prepare parses and binds one statement. paramOIDs are the types the
// client gave (0 = infer); parameters are typed from context, as
// PostgreSQL does, and those left undetermined are text. An empty string
// prepares the empty statement.
func (s *Session) Prepare(ctx context.Context, name, sql string, paramOIDs []uint32) (*Prepared, error) {
	stmts, err := planner.Parse(sql)
	if err != nil {
		return nil, err
	}
	if len(stmts) > 1 {
		return nil, sqlerr.New(sqlerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	p := &Prepared{Name: name, SQL: sql}
	if name != "" {
		s.pgs().prepared[name] = p // protocol-level and SQL PREPARE share a namespace (DEALLOCATE, EXECUTE)
	}
	for _, oid := range paramOIDs {
		t, _ := types.FromOID(oid)
		p.ParamTypes = append(p.ParamTypes, t)
	}
	if len(stmts) == 0 {
		return p, nil
	}
	st := stmts[0]
	p.stmt = &st
	if st.Node == nil {
		return p, nil
	}
	b := s.binder(st)
	b.ParamTypes = append([]types.T{}, p.ParamTypes...)
	switch {
	case st.Node.GetSelectStmt() != nil:
		lp, err := b.BindSelect(st.Node.GetSelectStmt())
		if err != nil {
			return nil, positionInQuery(err, sql, st)
		}
		for _, c := range lp.Columns() {
			if !c.Hidden {
				p.Columns = append(p.Columns, Column{Name: c.Name, Type: c.T, TableOID: c.TableOID, AttNum: c.AttNum})
			}
		}
	case st.Node.GetInsertStmt() != nil:
		if _, err := b.BindInsert(st.Node.GetInsertStmt()); err != nil {
			return nil, positionInQuery(err, sql, st)
		}
	case st.Node.GetVariableShowStmt() != nil:
		name := st.Node.GetVariableShowStmt().Name
		if d, ok := findSetting(name); ok {
			name = d.name
		}
		p.Columns = []Column{{Name: name, Type: types.TText}}
	case st.Node.GetExplainStmt() != nil:
		p.Columns = []Column{{Name: "QUERY PLAN", Type: types.TText}}
	}
	b.FinishParams()
	p.ParamTypes = b.ParamTypes
	return p, nil
}

// Execute runs a prepared statement with parameter values in the Literal
// convention (nil, bool, int64, float64, decimal128.Num, string, int32
// days, int64 µs), one per ParamTypes entry.
func (s *Session) Execute(ctx context.Context, p *Prepared, args []any) (*Result, error) {
	if p.stmt == nil {
		return &Result{EmptyQuery: true}, nil
	}
	if len(args) != len(p.ParamTypes) {
		return nil, sqlerr.New(sqlerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"%s\" requires %d", len(args), p.Name, len(p.ParamTypes))
	}
	s.params, s.paramTypes = args, p.ParamTypes
	defer func() { s.params, s.paramTypes = nil, nil }()
	r, err := s.runStatement(ctx, *p.stmt)
	if err != nil {
		s.failTx()
		return nil, positionInQuery(err, p.SQL, *p.stmt)
	}
	return r, nil
}
