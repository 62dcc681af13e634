package engine

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/catalog/types"
	"github.com/lodedb/lode/planner"
)

// Session-level commands PostgreSQL clients send: DISCARD, PREPARE /
// EXECUTE / DEALLOCATE, DECLARE / FETCH / MOVE / CLOSE. Cursors are
// materialized when declared (simple and exact; a cursor over a huge result
// holds it in memory).

// pgState is the per-session state of these commands.
type pgState struct {
	prepared   map[string]*Prepared
	cursors    map[string]*cursor
	backendPID int32
	copyIO     CopyIO
}

type cursor struct {
	res  *Result
	rec  int // next row: res.Records[rec], row within it
	row  int
	hold bool
}

func (s *Session) pgs() *pgState {
	if s.pg == nil {
		s.pg = &pgState{prepared: map[string]*Prepared{}, cursors: map[string]*cursor{}}
	}
	return s.pg
}

// SetBackendPID records the process id the wire protocol gave the client,
// for pg_backend_pid().
func (s *Session) SetBackendPID(pid int32) { s.pgs().backendPID = pid }

// dispatchPG runs the commands above; ok is false for anything else.
func (s *Session) dispatchPG(ctx context.Context, st planner.Statement) (*Result, bool, error) {
	n := st.Node
	switch {
	case n.GetCreateRoleStmt() != nil:
		r, err := s.runCreateRole(n.GetCreateRoleStmt())
		return r, true, err
	case n.GetAlterRoleStmt() != nil:
		r, err := s.runAlterRole(n.GetAlterRoleStmt())
		return r, true, err
	case n.GetDropRoleStmt() != nil:
		r, err := s.runDropRole(n.GetDropRoleStmt())
		return r, true, err
	case n.GetCopyStmt() != nil:
		r, err := s.runCopy(ctx, st, n.GetCopyStmt())
		return r, true, err
	case n.GetDiscardStmt() != nil:
		r, err := s.runDiscard(n.GetDiscardStmt())
		return r, true, err
	case n.GetPrepareStmt() != nil:
		r, err := s.runPrepareSQL(ctx, st, n.GetPrepareStmt())
		return r, true, err
	case n.GetExecuteStmt() != nil:
		r, err := s.runExecuteSQL(ctx, n.GetExecuteStmt())
		return r, true, err
	case n.GetDeallocateStmt() != nil:
		d := n.GetDeallocateStmt()
		if d.Isall || d.Name == "" {
			clear(s.pgs().prepared)
			return tagf("DEALLOCATE ALL"), true, nil
		}
		if _, ok := s.pgs().prepared[d.Name]; !ok {
			return nil, true, sqlerr.New(sqlerr.InvalidSQLStatement, "prepared statement \"%s\" does not exist", d.Name)
		}
		delete(s.pgs().prepared, d.Name)
		return tagf("DEALLOCATE"), true, nil
	case n.GetDeclareCursorStmt() != nil:
		r, err := s.runDeclare(ctx, n.GetDeclareCursorStmt())
		return r, true, err
	case n.GetFetchStmt() != nil:
		r, err := s.runFetch(n.GetFetchStmt())
		return r, true, err
	case n.GetClosePortalStmt() != nil:
		name := n.GetClosePortalStmt().Portalname
		if name == "" {
			s.closeCursors(true)
			return tagf("CLOSE CURSOR"), true, nil
		}
		c, ok := s.pgs().cursors[name]
		if !ok {
			return nil, true, sqlerr.New(sqlerr.InvalidCursorName, "cursor \"%s\" does not exist", name)
		}
		c.res.Release()
		delete(s.pgs().cursors, name)
		return tagf("CLOSE CURSOR"), true, nil
	}
	return nil, false, nil
}

func (s *Session) runDiscard(d *pg.DiscardStmt) (*Result, error) {
	switch d.Target {
	case pg.DiscardMode_DISCARD_ALL:
		if s.txStatus != 'I' {
			return nil, sqlerr.New("25001", "DISCARD ALL cannot run inside a transaction block")
		}
		user := s.set.vals["session_authorization"]
		s.set = newSettings(user)
		s.applySystemSettings()
		clear(s.pgs().prepared)
		s.closeCursors(true)
		return tagf("DISCARD ALL"), nil
	case pg.DiscardMode_DISCARD_PLANS:
		return tagf("DISCARD PLANS"), nil
	case pg.DiscardMode_DISCARD_SEQUENCES:
		return tagf("DISCARD SEQUENCES"), nil
	case pg.DiscardMode_DISCARD_TEMP:
		return tagf("DISCARD TEMP"), nil
	}
	return nil, sqlerr.New(sqlerr.FeatureNotSupported, "DISCARD form not supported")
}

// closeCursors closes every cursor, or (all false) those not WITH HOLD, as
// the end of a transaction does.
func (s *Session) closeCursors(all bool) {
	for name, c := range s.pgs().cursors {
		if all || !c.hold {
			c.res.Release()
			delete(s.pgs().cursors, name)
		}
	}
}

// deparse renders a parse-tree node back to SQL text.
func deparse(n *pg.Node) (string, error) {
	sql, err := pg.Deparse(&pg.ParseResult{Version: 170007, Stmts: []*pg.RawStmt{{Stmt: n}}})
	if err != nil {
		return "", sqlerr.New(sqlerr.Internal, "deparse: %v", err)
	}
	return sql, nil
}

func (s *Session) runPrepareSQL(ctx context.Context, st planner.Statement, p *pg.PrepareStmt) (*Result, error) {
	if _, dup := s.pgs().prepared[p.Name]; dup {
		return nil, sqlerr.New("42P05", "prepared statement \"%s\" already exists", p.Name)
	}
	var oids []uint32
	b := s.binder(st)
	for _, a := range p.Argtypes {
		t, err := planner.TypeOf(b, a.GetTypeName())
		if err != nil {
			return nil, err
		}
		oids = append(oids, t.OID())
	}
	sql, err := deparse(p.Query)
	if err != nil {
		return nil, err
	}
	prep, err := s.Prepare(ctx, p.Name, sql, oids)
	if err != nil {
		return nil, err
	}
	s.pgs().prepared[p.Name] = prep
	return tagf("PREPARE"), nil
}

func (s *Session) runExecuteSQL(ctx context.Context, e *pg.ExecuteStmt) (*Result, error) {
	p, ok := s.pgs().prepared[e.Name]
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidSQLStatement, "prepared statement \"%s\" does not exist", e.Name)
	}
	if len(e.Params) != len(p.ParamTypes) {
		return nil, &sqlerr.Error{Code: sqlerr.SyntaxError,
			Message: fmt.Sprintf("wrong number of parameters for prepared statement \"%s\"", e.Name),
			Detail:  fmt.Sprintf("Expected %d parameters but got %d.", len(p.ParamTypes), len(e.Params))}
	}
	args := make([]any, len(e.Params))
	for i, n := range e.Params {
		v, err := s.constValue(ctx, n, p.ParamTypes[i])
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	// Execute clears the session's parameters when it ends: keep any outer ones.
	outer, outerT := s.params, s.paramTypes
	defer func() { s.params, s.paramTypes = outer, outerT }()
	return s.Execute(ctx, p, args)
}

// constValue evaluates a parameter expression of EXECUTE to a value of t
// by running SELECT (expr)::t.
func (s *Session) constValue(ctx context.Context, n *pg.Node, t types.T) (any, error) {
	if c := n.GetAConst(); c != nil {
		if c.Isnull {
			return nil, nil
		}
		if sv, ok := c.Val.(*pg.A_Const_Sval); ok {
			return types.ParseText(sv.Sval.Sval, t)
		}
	}
	text, err := deparse(&pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList: []*pg.Node{{Node: &pg.Node_ResTarget{ResTarget: &pg.ResTarget{Val: n}}}},
	}}})
	if err != nil {
		return nil, err
	}
	rs, err := s.Query(ctx, fmt.Sprintf("SELECT (%s)::%s", strings.TrimPrefix(text, "SELECT "), t.String()))
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range rs {
			r.Release()
		}
	}()
	if len(rs) != 1 || len(rs[0].Records) == 0 || rs[0].Records[0].NumRows() == 0 {
		return nil, nil
	}
	col := rs[0].Records[0].Column(0)
	if col.IsNull(0) {
		return nil, nil
	}
	return types.ParseText(col.ValueStr(0), t)
}

func (s *Session) runDeclare(ctx context.Context, d *pg.DeclareCursorStmt) (*Result, error) {
	const cursorOptHold = 0x0020
	hold := d.Options&cursorOptHold != 0
	if !hold && s.txStatus == 'I' {
		return nil, sqlerr.New("25P01", "DECLARE CURSOR can only be used in transaction blocks")
	}
	if _, dup := s.pgs().cursors[d.Portalname]; dup {
		return nil, sqlerr.New("42P03", "cursor \"%s\" already exists", d.Portalname)
	}
	sql, err := deparse(d.Query)
	if err != nil {
		return nil, err
	}
	rs, err := s.Query(ctx, sql)
	if err != nil {
		for _, r := range rs {
			r.Release()
		}
		return nil, err
	}
	for _, r := range rs[1:] {
		r.Release()
	}
	s.pgs().cursors[d.Portalname] = &cursor{res: rs[0], hold: hold}
	return tagf("DECLARE CURSOR"), nil
}

func (s *Session) runFetch(f *pg.FetchStmt) (*Result, error) {
	c, ok := s.pgs().cursors[f.Portalname]
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidCursorName, "cursor \"%s\" does not exist", f.Portalname)
	}
	switch f.Direction {
	case pg.FetchDirection_FETCH_FORWARD:
	case pg.FetchDirection_FETCH_ABSOLUTE, pg.FetchDirection_FETCH_RELATIVE:
		if f.HowMany != 1 && !(f.Direction == pg.FetchDirection_FETCH_RELATIVE && f.HowMany == 0) {
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "only forward FETCH is supported (cursors are not scrollable)")
		}
	default:
		return nil, &sqlerr.Error{Code: "55000", Message: "cursor can only scan forward",
			Hint: "Declare it with SCROLL option to enable backward scan."}
	}
	want := f.HowMany
	if want <= 0 || want == math.MaxInt64 {
		want = math.MaxInt64
	}
	out := &Result{Columns: c.res.Columns}
	if f.Ismove {
		out.Columns = nil
	}
	var got int64
	for got < want && c.rec < len(c.res.Records) {
		rec := c.res.Records[c.rec]
		n := rec.NumRows()
		take := min(n-int64(c.row), want-got)
		if take > 0 && !f.Ismove {
			out.Records = append(out.Records, sliceRecord(rec, int64(c.row), int64(c.row)+take))
		}
		got += take
		c.row += int(take)
		if int64(c.row) >= n {
			c.rec, c.row = c.rec+1, 0
		}
	}
	if f.Ismove {
		out.Tag = fmt.Sprintf("MOVE %d", got)
	} else {
		out.Tag = fmt.Sprintf("FETCH %d", got)
	}
	return out, nil
}

func sliceRecord(rec arrow.Record, i, j int64) arrow.Record { return rec.NewSlice(i, j) }

// CurrentUser, SettingValue and BackendPID answer session functions
// (expr.SessionInfo).
func (s *Session) CurrentUser() string { return s.user }

func (s *Session) SettingValue(name string) (string, bool) {
	v, err := s.set.get(name)
	return v, err == nil
}

func (s *Session) BackendPID() int32 { return s.pgs().backendPID }
