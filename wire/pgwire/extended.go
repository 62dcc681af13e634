package pgwire

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgproto3/v2"
	"github.com/lodedb/lode/catalog/sqlerr"
	"github.com/lodedb/lode/engine"
)

// The extended query protocol:
//
//   - Parse plans the statement with Session.Prepare: parameter types are
//     the client's or inferred, result columns are known;
//   - Bind decodes the parameters (text or binary, by the parameter's type)
//     into the engine's value convention and fixes each result column's
//     format;
//   - Describe reports ParameterDescription + RowDescription/NoData for a
//     statement, RowDescription (with the bound formats)/NoData for a portal;
//   - Execute runs the portal once and streams its rows, honouring the row
//     limit with PortalSuspended; later Executes resume where it stopped.
//
// After an error everything up to Sync is skipped.

// preparedNamespace is the session's side of PostgreSQL's one namespace
// for protocol-level and SQL-level prepared statements.
type preparedNamespace interface {
	PreparedExists(name string) bool
	ForgetPrepared(name string)
}

type prepared struct {
	p *engine.Prepared
}

func (st *prepared) paramOIDs() []uint32 {
	oids := make([]uint32, len(st.p.ParamTypes))
	for i, t := range st.p.ParamTypes {
		oids[i] = t.OID()
	}
	return oids
}

type portal struct {
	stmt      *prepared
	args      []any
	formats   []int16 // per result column; nil = all text
	rawFmts   []int16 // the Bind's result format codes, for results described late
	res       *engine.Result
	rec, row  int  // next row to send: Records[rec], row within it
	executed  bool // an Execute already sent rows or completed
	completed bool // CommandComplete sent; records released
}

// extended runs one extended-protocol step; an error is reported and then
// every message up to Sync is discarded, as the protocol prescribes.
func (c *conn) extended(ctx context.Context, f func(ctx context.Context) error) {
	if c.skipToSync {
		return
	}
	if err := c.run(ctx, f); err != nil {
		c.sendError(err)
		c.skipToSync = true
	}
}

func (c *conn) handleParse(ctx context.Context, m *pgproto3.Parse) error {
	if _, dup := c.stmts[m.Name]; dup && m.Name != "" {
		if ps, ok := c.sess.(preparedNamespace); ok && !ps.PreparedExists(m.Name) {
			delete(c.stmts, m.Name) // dropped by DEALLOCATE
		} else {
			return sqlerr.New("42P05", "prepared statement \"%s\" already exists", m.Name)
		}
	}
	p, err := c.sess.Prepare(ctx, m.Name, m.Query, m.ParameterOIDs)
	if err != nil {
		return err
	}
	c.stmts[m.Name] = &prepared{p: p}
	c.out.send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) handleBind(m *pgproto3.Bind) error {
	st, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return sqlerr.New(sqlerr.InvalidSQLStatement, "prepared statement \"%s\" does not exist", m.PreparedStatement)
	}
	if _, dup := c.portals[m.DestinationPortal]; dup && m.DestinationPortal != "" {
		return sqlerr.New("42P03", "cursor \"%s\" already exists", m.DestinationPortal)
	}
	pt := st.p.ParamTypes
	if len(m.Parameters) != len(pt) {
		return sqlerr.New(sqlerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
			len(m.Parameters), m.PreparedStatement, len(pt))
	}
	nf := len(m.ParameterFormatCodes)
	if nf > 1 && nf != len(pt) {
		return sqlerr.New(sqlerr.ProtocolViolation, "bind message has %d parameter formats but %d parameters", nf, len(pt))
	}
	args := make([]any, len(pt))
	for i, v := range m.Parameters {
		var f int16
		switch nf {
		case 0:
		case 1:
			f = m.ParameterFormatCodes[0]
		default:
			f = m.ParameterFormatCodes[i]
		}
		a, err := decodeParam(v, f, pt[i], c.loc)
		if err != nil {
			e := sqlerr.As(err)
			if f == 0 {
				cp := *e
				cp.Message += " (parameter $" + strconv.Itoa(i+1) + ")"
				return &cp
			}
			return e
		}
		args[i] = a
	}
	formats, err := resultFormats(m.ResultFormatCodes, len(st.p.Columns))
	if err != nil {
		return err
	}
	c.dropPortal(m.DestinationPortal)
	c.portals[m.DestinationPortal] = &portal{stmt: st, args: args, formats: formats,
		rawFmts: append([]int16(nil), m.ResultFormatCodes...)}
	c.out.send(&pgproto3.BindComplete{})
	return nil
}

// resultFormats expands Bind's result format codes to one per column.
func resultFormats(codes []int16, ncol int) ([]int16, error) {
	for _, f := range codes {
		if f != pgproto3.TextFormat && f != pgproto3.BinaryFormat {
			return nil, sqlerr.New(sqlerr.ProtocolViolation, "unsupported format code: %d", f)
		}
	}
	switch {
	case len(codes) == 0:
		return nil, nil
	case len(codes) == 1:
		out := make([]int16, ncol)
		for i := range out {
			out[i] = codes[0]
		}
		return out, nil
	case len(codes) != ncol:
		return nil, sqlerr.New(sqlerr.ProtocolViolation, "bind message has %d result formats but query has %d columns", len(codes), ncol)
	}
	return append([]int16(nil), codes...), nil
}

func (c *conn) handleDescribe(ctx context.Context, m *pgproto3.Describe) error {
	if m.ObjectType == 'S' {
		st, ok := c.stmts[m.Name]
		if !ok {
			return sqlerr.New(sqlerr.InvalidSQLStatement, "prepared statement \"%s\" does not exist", m.Name)
		}
		c.out.send(&pgproto3.ParameterDescription{ParameterOIDs: st.paramOIDs()})
		if st.p.Columns != nil {
			c.out.send(rowDescription(st.p.Columns, nil))
		} else {
			c.out.send(&pgproto3.NoData{})
		}
		return nil
	}
	p, err := c.portal(m.Name)
	if err != nil {
		return err
	}
	cols := p.stmt.p.Columns
	if cols == nil && p.stmt.p.SQL != "" && mayReturnRows(p.stmt.p.SQL) {
		// Statements Prepare cannot describe (FETCH, EXECUTE, SHOW ALL, …):
		// run them now and describe what they returned.
		if err := c.runPortal(ctx, p); err != nil {
			return err
		}
		cols = p.res.Columns
	}
	if cols != nil {
		c.out.send(rowDescription(cols, p.formats))
	} else {
		c.out.send(&pgproto3.NoData{})
	}
	return nil
}

// mayReturnRows is true for statements whose columns only their execution
// tells.
func mayReturnRows(sql string) bool {
	f := strings.ToLower(firstWord(sql))
	switch f {
	case "fetch", "execute", "show", "explain", "values", "table":
		return true
	}
	return false
}

func firstWord(sql string) string {
	s := strings.TrimLeft(sql, " \t\r\n(")
	for strings.HasPrefix(s, "--") || strings.HasPrefix(s, "/*") {
		if strings.HasPrefix(s, "--") {
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		} else {
			i := strings.Index(s, "*/")
			if i < 0 {
				return ""
			}
			s = s[i+2:]
		}
		s = strings.TrimLeft(s, " \t\r\n(")
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		return s
	}
	return s[:end]
}

func (c *conn) handleExecute(ctx context.Context, m *pgproto3.Execute) error {
	p, err := c.portal(m.Portal)
	if err != nil {
		return err
	}
	if p.completed {
		// PostgreSQL answers a finished portal with an empty completion.
		tag := p.res.Tag
		if strings.HasPrefix(tag, "SELECT ") || strings.HasPrefix(tag, "FETCH ") {
			tag = tag[:strings.IndexByte(tag, ' ')] + " 0"
		}
		c.out.send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
		return nil
	}
	if err := c.runPortal(ctx, p); err != nil {
		return err
	}
	res := p.res
	if res.EmptyQuery {
		c.out.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if p.formats != nil && len(p.formats) != len(res.Columns) {
		f, err := resultFormats(p.rawFmts, len(res.Columns))
		if err != nil {
			return err
		}
		p.formats = f
	}
	limit := int64(m.MaxRows)
	var sent int64
	for p.rec < len(res.Records) {
		rec := res.Records[p.rec]
		end := int(rec.NumRows())
		if limit > 0 && int64(end-p.row) > limit-sent {
			end = p.row + int(limit-sent)
		}
		c.out.dataRows(rec, res.Columns, p.row, end, c.loc, p.formats)
		sent += int64(end - p.row)
		p.row = end
		if p.row == int(rec.NumRows()) {
			p.rec, p.row = p.rec+1, 0
		}
		if limit > 0 && sent == limit && p.hasMore() {
			p.executed = true
			c.out.send(&pgproto3.PortalSuspended{})
			return nil
		}
	}
	tag := res.Tag
	if p.executed && strings.HasPrefix(tag, "SELECT ") {
		// A resumed portal reports the rows of this Execute, as PostgreSQL does.
		tag = "SELECT " + strconv.FormatInt(sent, 10)
	}
	p.executed, p.completed = true, true
	res.Release()
	c.out.send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	c.afterStatement(res.Tag)
	return nil
}

// hasMore reports rows left to send.
func (p *portal) hasMore() bool {
	for r := p.rec; r < len(p.res.Records); r++ {
		n := int(p.res.Records[r].NumRows())
		if r == p.rec && p.row < n || r > p.rec && n > 0 {
			return true
		}
	}
	return false
}

// afterStatement applies what a statement does to protocol-level state:
// DISCARD ALL and DEALLOCATE ALL also drop the protocol's prepared
// statements, which share PostgreSQL's one namespace.
func (c *conn) afterStatement(tag string) {
	if tag == "DISCARD ALL" || tag == "DEALLOCATE ALL" {
		for name := range c.stmts {
			delete(c.stmts, name)
		}
	}
}

func (c *conn) handleClose(m *pgproto3.Close) error {
	if m.ObjectType == 'S' {
		delete(c.stmts, m.Name)
		if ps, ok := c.sess.(preparedNamespace); ok && m.Name != "" {
			ps.ForgetPrepared(m.Name)
		}
	} else {
		c.dropPortal(m.Name)
	}
	c.out.send(&pgproto3.CloseComplete{})
	return nil
}

func (c *conn) handleSync() {
	c.skipToSync = false
	if c.sess.TxStatus() == 'I' {
		// Outside a transaction block each Sync ends an implicit transaction,
		// and with it every portal.
		for name := range c.portals {
			c.dropPortal(name)
		}
	}
	c.syncParams()
	c.readyForQuery()
}

func (c *conn) portal(name string) (*portal, error) {
	p, ok := c.portals[name]
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidCursorName, "portal \"%s\" does not exist", name)
	}
	return p, nil
}

// runPortal runs the portal's statement once and keeps its result.
func (c *conn) runPortal(ctx context.Context, p *portal) error {
	if p.res != nil {
		return nil
	}
	if p.stmt.p.SQL == "" || strings.TrimSpace(p.stmt.p.SQL) == "" {
		p.res = &engine.Result{EmptyQuery: true}
		return nil
	}
	res, err := c.sess.Execute(ctx, p.stmt.p, p.args)
	if err != nil {
		return err
	}
	if res == nil {
		res = &engine.Result{EmptyQuery: true}
	}
	p.res = res
	c.sendNotices(p.res)
	return nil
}

func (c *conn) dropPortal(name string) {
	if p, ok := c.portals[name]; ok {
		if p.res != nil {
			p.res.Release()
		}
		delete(c.portals, name)
	}
}
